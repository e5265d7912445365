import { isHook } from '../../manifest/hook-name.ts';
import type { Resource, Severity } from '../../types.ts';
import type { RuleFinding } from '../rule.ts';
import type { SchemaSet } from './create-schema-set.ts';
import { formatFieldPath } from './format-field-path.ts';
import { dnsLabelProblem, nameProblem } from './name-format.ts';
import type { KindSchema } from './schema-node.ts';
import {
  type FieldPath,
  REQUIRED_FIELD_MISSING,
  report,
  substitutionHint,
  validateValue,
  type WalkContext,
} from './validate-value.ts';

/** A schema finding; `missing` says the object's kind had no schema (the message is explainMissing's). */
export interface SchemaFinding extends RuleFinding {
  missing?: { apiVersion: string; kind: string };
}

/** The rule id of every schema finding. */
export const SCHEMA_RULE = 'schema';

type Json = Record<string, unknown>;

function isJsonObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Checks one object the way `kubectl apply --validate=strict` and the API server would: unknown fields
 * (with a "did you mean"), wrong types, missing required fields, enum values, quantities, names and
 * labels. Items of a `List` are checked as objects of their own kinds. An apiVersion/kind without a
 * schema is a warning (never a silent pass), or an error when the API server would surely reject it.
 * Findings carry a `path` for `lineOf`; their severity is set (errors unless stated otherwise).
 */
export function validateSchema(resource: Resource, schemas: SchemaSet): SchemaFinding[] {
  const out: SchemaFinding[] = [];
  validateObject(resource.object, [], { resource, schemas, out });
  return out;
}

interface State {
  resource: Resource;
  schemas: SchemaSet;
  out: SchemaFinding[];
}

function push(state: State, path: FieldPath, message: string, severity: Severity = 'error'): void {
  state.out.push({ resource: state.resource, path, message, severity });
}

function validateObject(obj: Json, prefix: FieldPath, state: State): void {
  const { apiVersion, kind } = obj;
  if (typeof apiVersion !== 'string' || typeof kind !== 'string' || apiVersion === '' || kind === '') {
    // A document's own apiVersion or kind: parseManifests has said so already, in words that say what
    // to do ("document has apiVersion but no kind"); a second error for it only repeats that.
    if (prefix.length === 0) return;
    const missing = typeof apiVersion !== 'string' || apiVersion === '' ? 'apiVersion' : 'kind';
    push(state, [...prefix, missing], `${formatFieldPath([...prefix, missing])}: ${REQUIRED_FIELD_MISSING}`);
    return;
  }
  // kubectl applies any `*List` (v1 List, DeploymentList...) item by item, each as its own kind.
  if (kind.endsWith('List') && Array.isArray(obj.items)) {
    validateList(obj, prefix, state);
    return;
  }
  const schema = state.schemas.find(apiVersion, kind);
  if (!schema) {
    const missing = state.schemas.explainMissing(apiVersion, kind);
    const path = [...prefix, 'kind'];
    state.out.push({ resource: state.resource, path, ...missing, missing: { apiVersion, kind } });
    return;
  }
  const ctx: WalkContext = {
    path: prefix.slice(),
    problems: [],
    objectMeta: state.schemas.objectMeta,
    labelSelector: state.schemas.labelSelector,
    redact: kind.toLowerCase() === 'secret' && apiVersion === 'v1',
  };
  if (schema.origin === 'catalogue') ctx.release = schema.source;
  validateValue(schema.root, obj, ctx);
  checkIdentity(obj, schema, ctx);
  for (const p of ctx.problems) push(state, p.path, p.message, p.severity);
  if (kind === 'CustomResourceDefinition' && apiVersion.startsWith('apiextensions.k8s.io/')) {
    checkCrdName(obj, prefix, state);
  }
}

/** A list's own fields are apiVersion, kind, ListMeta and items; each item is checked on its own. */
function validateList(obj: Json, prefix: FieldPath, state: State): void {
  const ctx: WalkContext = {
    path: [...prefix, 'metadata'],
    problems: [],
    objectMeta: state.schemas.objectMeta,
    labelSelector: state.schemas.labelSelector,
    redact: false,
  };
  validateValue(state.schemas.listMeta, obj.metadata, ctx);
  ctx.path = prefix.slice();
  for (const key in obj) {
    if (key !== 'apiVersion' && key !== 'kind' && key !== 'metadata' && key !== 'items') {
      report(ctx, 'unknown field', key);
    }
  }
  for (const p of ctx.problems) push(state, p.path, p.message, p.severity);
  const items = obj.items as unknown[];
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    const at = [...prefix, 'items', i];
    if (isJsonObject(item)) validateObject(item, at, state);
    else if (item !== null) push(state, at, `${formatFieldPath(at)}: expected object, got ${typeof item}`);
  }
}

/**
 * metadata.name is required (apply cannot use generateName) and must fit the kind's name format;
 * metadata.namespace must be a DNS label.
 */
function checkIdentity(obj: Json, schema: KindSchema, ctx: WalkContext): void {
  const metadata = isJsonObject(obj.metadata) ? obj.metadata : undefined;
  if (obj.metadata !== undefined && obj.metadata !== null && !metadata) return; // type error already reported
  const base = ctx.path.length;
  ctx.path.push('metadata');
  const name = metadata?.name;
  if (name === undefined || name === null || name === '') {
    if (typeof metadata?.generateName === 'string' && metadata.generateName !== '') {
      // Not an error for the API server, but Ferry applies (kubectl apply and server-side apply both
      // refuse generateName): the object would never be deployed. A hook (Argo CD's, Helm's) is named
      // by the agent, one name per revision, as create would name it (generatedHookName).
      if (!isHook(isJsonObject(metadata.annotations) ? metadata.annotations : undefined))
        report(
          ctx,
          'apply needs metadata.name; generateName only works with create (or in a hook)',
          'generateName',
          'warning',
        );
    } else {
      report(ctx, REQUIRED_FIELD_MISSING, 'name');
    }
  } else if (typeof name === 'string') {
    const problem = nameProblem(schema.nameFormat, name);
    if (problem)
      report(ctx, `invalid name ${JSON.stringify(name)}: ${problem}${substitutionHint(name)}`, 'name');
  }
  const namespace = metadata?.namespace;
  if (typeof namespace === 'string' && namespace !== '') {
    const problem = dnsLabelProblem(namespace);
    if (problem)
      report(
        ctx,
        `invalid namespace ${JSON.stringify(namespace)}: ${problem}${substitutionHint(namespace)}`,
        'namespace',
      );
  }
  ctx.path.length = base;
}

/** The API server requires a CRD's name to be `<spec.names.plural>.<spec.group>`. */
function checkCrdName(obj: Json, prefix: FieldPath, state: State): void {
  const spec = isJsonObject(obj.spec) ? obj.spec : undefined;
  const names = spec && isJsonObject(spec.names) ? spec.names : undefined;
  const metadata = isJsonObject(obj.metadata) ? obj.metadata : undefined;
  const plural = names?.plural;
  const group = spec?.group;
  const name = metadata?.name;
  if (typeof plural !== 'string' || typeof group !== 'string' || typeof name !== 'string' || name === '')
    return;
  const expected = `${plural}.${group}`;
  if (name !== expected) {
    const path = [...prefix, 'metadata', 'name'];
    push(
      state,
      path,
      `${formatFieldPath(path)}: must be spec.names.plural + "." + spec.group ("${expected}")`,
    );
  }
}
