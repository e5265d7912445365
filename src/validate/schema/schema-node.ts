import type { Finding } from '../../types.ts';

/**
 * What a value may be. `quantity` accepts a number or a resource.Quantity string; `int-or-string` an
 * integer or a string (Kubernetes' IntOrString, CRDs' `x-kubernetes-int-or-string`); `any` is free-form
 * JSON (RawExtension, JSON, `x-kubernetes-preserve-unknown-fields` without a type, status).
 */
export type NodeType =
  | 'any'
  | 'string'
  | 'integer'
  | 'number'
  | 'boolean'
  | 'quantity'
  | 'int-or-string'
  | 'object'
  | 'array';

/**
 * One compiled schema node, shared by built-in types (from the pinned JSON) and custom resources (from
 * CRD OpenAPI v3 schemas). Compiled once per schema set; validation only reads it.
 */
export interface SchemaNode {
  type: NodeType;
  /** object: the declared fields. */
  properties?: ReadonlyMap<string, SchemaNode>;
  /** object: fields that must be present (and not null, unless the field is nullable). */
  required?: readonly string[];
  /**
   * object: what other keys may hold. A node = a map (labels, resources.limits); `true` = anything;
   * absent = other keys are unknown fields (the API server prunes them; `--validate=strict` rejects).
   */
  additional?: SchemaNode | true;
  /** array: the item schema. */
  items?: SchemaNode;
  /** Allowed values (strings for built-in enums; any JSON scalar for CRDs). */
  enum?: readonly unknown[];
  nullable?: boolean;
  /** integer: `int32` ranges are checked; string: `byte` must be base64. */
  format?: 'int32' | 'int64' | 'byte' | 'date-time';
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: boolean;
  exclusiveMaximum?: boolean;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  /** Compiled `pattern` (RE2, as the API server's Go regexp); absent when the schema has none or it is not RE2. */
  pattern?: SchemaPattern;
  /** `x-kubernetes-preserve-unknown-fields: true`: keys not in `properties` are kept as-is. */
  preserveUnknown?: boolean;
}

/** Name rules per kind, as the API server's validation applies them. */
export type NameFormat = 'dns-subdomain' | 'dns-label' | 'dns-1035-label' | 'path-segment';

/** The schema of one `apiVersion` + `kind`. */
export interface KindSchema {
  apiVersion: string;
  kind: string;
  root: SchemaNode;
  clusterScoped: boolean;
  nameFormat: NameFormat;
  /**
   * A CRD (in the repo, or a released one from the built-in catalogue) decides which versions of its
   * kind the API server serves; a schema file does not.
   */
  origin: 'built-in' | 'crd' | 'schema-file' | 'catalogue';
  /** Where it came from, e.g. `CustomResourceDefinition inferenceservices.serving.kserve.io`. */
  source: string;
}

/** Schemas for custom kinds found in CRDs or configured schema files, plus problems reading them. */
export interface SchemaAdditions {
  kinds: KindSchema[];
  findings: Finding[];
}

/** A schema's `pattern`, matched in time linear in the value (compilePattern). */
export interface SchemaPattern {
  source: string;
  test(value: string): boolean;
}
