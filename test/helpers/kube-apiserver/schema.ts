import type { StatusCause } from './api-status.ts';

/**
 * The subset of OpenAPI v3 (as CRDs write it) the fake server checks: types, properties, items,
 * additionalProperties, required, enum, and the `x-kubernetes-*` escape hatches. Built-in kinds get a
 * hand-written schema in the same format (coarse below the fields the agent touches).
 */
export interface FieldSchema {
  type?: 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean';
  properties?: Record<string, FieldSchema>;
  items?: FieldSchema;
  additionalProperties?: FieldSchema | boolean;
  required?: string[];
  enum?: unknown[];
  format?: string;
  pattern?: string;
  maxLength?: number;
  maxItems?: number;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-int-or-string'?: boolean;
  [key: string]: unknown;
}

export interface SchemaCheck {
  /** The value with unknown fields dropped (what a real server stores). */
  value: unknown;
  /** `.spec.foo` paths of fields the schema does not declare. */
  unknown: string[];
  /** Wrong types, missing required fields, values outside an enum. */
  invalid: StatusCause[];
}

function typeOfJson(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function typeMatches(schema: FieldSchema, value: unknown): boolean {
  if (schema['x-kubernetes-int-or-string']) return typeof value === 'string' || Number.isInteger(value);
  if (!schema.type) return true;
  const actual = typeOfJson(value);
  if (schema.type === 'number') return actual === 'number' || actual === 'integer';
  return actual === schema.type;
}

function checkScalar(value: unknown, schema: FieldSchema, field: string, out: SchemaCheck): void {
  if (schema.enum && !schema.enum.includes(value)) {
    out.invalid.push({
      reason: 'FieldValueNotSupported',
      field,
      message: `Unsupported value: ${JSON.stringify(value)}: supported values: ${schema.enum.map((e) => JSON.stringify(e)).join(', ')}`,
    });
  }
  if (typeof value !== 'string') return;
  if (typeof schema.pattern === 'string' && !new RegExp(schema.pattern, 'u').test(value)) {
    out.invalid.push({
      reason: 'FieldValueInvalid',
      field,
      message: `Invalid value: ${JSON.stringify(value)}: ${field} in body should match '${schema.pattern}'`,
    });
  }
  if (typeof schema.maxLength === 'number' && value.length > schema.maxLength) {
    out.invalid.push({
      reason: 'FieldValueTooLong',
      field,
      message: `Too long: may not be more than ${schema.maxLength} bytes`,
    });
  }
}

function walkArray(value: unknown[], schema: FieldSchema, path: string, out: SchemaCheck): unknown[] {
  if (typeof schema.maxItems === 'number' && value.length > schema.maxItems) {
    out.invalid.push({
      reason: 'FieldValueTooMany',
      field: path.slice(1),
      message: `Too many: ${value.length}: must have at most ${schema.maxItems} items`,
    });
  }
  const items = schema.items;
  return items ? value.map((item, i) => walk(item, items, `${path}[${i}]`, out)) : value;
}

function walkObject(
  record: Record<string, unknown>,
  schema: FieldSchema,
  path: string,
  out: SchemaCheck,
): unknown {
  for (const key of schema.required ?? []) {
    if (!(key in record)) {
      out.invalid.push({
        reason: 'FieldValueRequired',
        field: `${path.slice(1)}.${key}`.replace(/^\./, ''),
        message: 'Required value',
      });
    }
  }
  const preserve = schema['x-kubernetes-preserve-unknown-fields'] === true;
  if (preserve && !schema.properties) return record;
  const open = schema.additionalProperties === true || preserve || (!schema.properties && !schema.type);
  const result: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(record)) {
    const childPath = `${path}.${key}`;
    const declared = schema.properties?.[key];
    const additional = schema.additionalProperties;
    if (declared) result[key] = walk(child, declared, childPath, out);
    else if (typeof additional === 'object') result[key] = walk(child, additional, childPath, out);
    else if (open) result[key] = child;
    else out.unknown.push(childPath);
  }
  return result;
}

function walk(value: unknown, schema: FieldSchema, path: string, out: SchemaCheck): unknown {
  if (value === null) return value;
  if (!typeMatches(schema, value)) {
    out.invalid.push({
      reason: 'FieldValueTypeInvalid',
      field: path.slice(1),
      message: `Invalid value: "${typeOfJson(value)}": ${path.slice(1)} in body must be of type ${schema.type}: "${typeOfJson(value)}"`,
    });
    return value;
  }
  checkScalar(value, schema, path.slice(1), out);
  if (Array.isArray(value)) return walkArray(value, schema, path, out);
  if (typeof value === 'object') return walkObject(value as Record<string, unknown>, schema, path, out);
  return value;
}

export function checkSchema(value: unknown, schema: FieldSchema): SchemaCheck {
  const out: SchemaCheck = { value: undefined, unknown: [], invalid: [] };
  out.value = walk(value, schema, '', out);
  return out;
}

// ---- building blocks for the built-in kinds -------------------------------------------------------------

const str: FieldSchema = { type: 'string' };
const int: FieldSchema = { type: 'integer' };
const bool: FieldSchema = { type: 'boolean' };
const any: FieldSchema = { 'x-kubernetes-preserve-unknown-fields': true };
const anyObject: FieldSchema = { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
const anyArray: FieldSchema = { type: 'array' };
const stringMap: FieldSchema = { type: 'object', additionalProperties: { type: 'string' } };

export const OBJECT_META: FieldSchema = {
  type: 'object',
  properties: {
    name: str,
    generateName: str,
    namespace: str,
    labels: stringMap,
    annotations: stringMap,
    uid: str,
    resourceVersion: str,
    generation: int,
    creationTimestamp: { type: 'string', 'x-nullable': true },
    deletionTimestamp: str,
    deletionGracePeriodSeconds: int,
    ownerReferences: { type: 'array', items: anyObject },
    finalizers: { type: 'array', items: str },
    managedFields: { type: 'array', items: anyObject },
    selfLink: str,
  },
};

function topLevel(properties: Record<string, FieldSchema>): FieldSchema {
  return {
    type: 'object',
    properties: { apiVersion: str, kind: str, metadata: OBJECT_META, ...properties },
  };
}

const POD_TEMPLATE: FieldSchema = {
  type: 'object',
  properties: { metadata: OBJECT_META, spec: anyObject },
};

const LABEL_SELECTOR: FieldSchema = {
  type: 'object',
  properties: { matchLabels: stringMap, matchExpressions: { type: 'array', items: anyObject } },
};

export const BUILT_IN_SCHEMAS: Record<string, FieldSchema> = {
  Namespace: topLevel({ spec: anyObject, status: anyObject }),
  ConfigMap: topLevel({ data: stringMap, binaryData: stringMap, immutable: bool }),
  Secret: topLevel({ data: stringMap, stringData: stringMap, type: str, immutable: bool }),
  ServiceAccount: topLevel({
    secrets: anyArray,
    imagePullSecrets: anyArray,
    automountServiceAccountToken: bool,
  }),
  Service: topLevel({
    spec: {
      type: 'object',
      properties: {
        type: str,
        selector: stringMap,
        ports: { type: 'array', items: anyObject },
        clusterIP: str,
        clusterIPs: { type: 'array', items: str },
        externalName: str,
        externalTrafficPolicy: str,
        internalTrafficPolicy: str,
        ipFamilies: anyArray,
        ipFamilyPolicy: str,
        sessionAffinity: str,
        sessionAffinityConfig: anyObject,
        loadBalancerIP: str,
        loadBalancerClass: str,
        loadBalancerSourceRanges: anyArray,
        publishNotReadyAddresses: bool,
        healthCheckNodePort: int,
        allocateLoadBalancerNodePorts: bool,
        externalIPs: anyArray,
        trafficDistribution: str,
      },
    },
    status: anyObject,
  }),
  Event: topLevel({
    involvedObject: anyObject,
    reason: str,
    message: str,
    source: anyObject,
    firstTimestamp: str,
    lastTimestamp: str,
    eventTime: any,
    count: int,
    type: str,
    series: anyObject,
    action: str,
    related: anyObject,
    reportingComponent: str,
    reportingInstance: str,
  }),
  Deployment: topLevel({
    spec: {
      type: 'object',
      properties: {
        replicas: int,
        selector: LABEL_SELECTOR,
        template: POD_TEMPLATE,
        strategy: anyObject,
        minReadySeconds: int,
        revisionHistoryLimit: int,
        paused: bool,
        progressDeadlineSeconds: int,
      },
    },
    status: anyObject,
  }),
  StatefulSet: topLevel({
    spec: {
      type: 'object',
      properties: {
        replicas: int,
        selector: LABEL_SELECTOR,
        template: POD_TEMPLATE,
        serviceName: str,
        volumeClaimTemplates: anyArray,
        podManagementPolicy: str,
        updateStrategy: anyObject,
        revisionHistoryLimit: int,
        minReadySeconds: int,
        persistentVolumeClaimRetentionPolicy: anyObject,
        ordinals: anyObject,
      },
    },
    status: anyObject,
  }),
  Job: topLevel({
    spec: {
      type: 'object',
      properties: {
        parallelism: int,
        completions: int,
        activeDeadlineSeconds: int,
        podFailurePolicy: anyObject,
        successPolicy: anyObject,
        backoffLimit: int,
        backoffLimitPerIndex: int,
        maxFailedIndexes: int,
        selector: LABEL_SELECTOR,
        manualSelector: bool,
        template: POD_TEMPLATE,
        ttlSecondsAfterFinished: int,
        completionMode: str,
        suspend: bool,
        podReplacementPolicy: str,
        managedBy: str,
      },
    },
    status: anyObject,
  }),
  Node: topLevel({
    spec: {
      type: 'object',
      properties: {
        podCIDR: str,
        podCIDRs: { type: 'array', items: str },
        providerID: str,
        unschedulable: bool,
        taints: { type: 'array', items: anyObject },
        configSource: anyObject,
        externalID: str,
      },
    },
    status: anyObject,
  }),
  Pod: topLevel({ spec: anyObject, status: anyObject }),
  CustomResourceDefinition: topLevel({
    spec: {
      type: 'object',
      properties: {
        group: str,
        names: anyObject,
        scope: str,
        versions: { type: 'array', items: anyObject },
        conversion: anyObject,
        preserveUnknownFields: bool,
      },
    },
    status: anyObject,
  }),
};

/** A CRD version's schema, wrapped so apiVersion/kind/metadata are always known (as the real server does). */
export function crdSchema(openAPIV3Schema: FieldSchema | undefined): FieldSchema {
  if (!openAPIV3Schema) return { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
  return {
    ...openAPIV3Schema,
    type: 'object',
    properties: {
      ...(openAPIV3Schema.properties ?? {}),
      apiVersion: str,
      kind: str,
      metadata: OBJECT_META,
    },
  };
}
