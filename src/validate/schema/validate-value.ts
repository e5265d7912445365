import type { Severity } from '../../types.ts';
import { formatFieldPath } from './format-field-path.ts';
import { labelValueProblem, qualifiedNameProblem } from './name-format.ts';
import type { SchemaNode } from './schema-node.ts';
import { suggestName } from './suggest-name.ts';

export type FieldPath = (string | number)[];

export interface ValueProblem {
  path: FieldPath;
  /** Starts with the formatted path: `spec.replicas: expected integer, got string`. */
  message: string;
  /** Absent = error. */
  severity?: Severity;
}

/** Mutable state of one walk; `path` is a stack pushed and popped as the walk descends. */
export interface WalkContext {
  path: FieldPath;
  problems: ValueProblem[];
  /** ObjectMeta and LabelSelector nodes: their label maps get the API server's key/value checks. */
  objectMeta: SchemaNode;
  labelSelector: SchemaNode;
  /** Never quote values in messages (a Secret's values must not reach a comment). */
  redact: boolean;
  /**
   * The release a catalogue schema comes from (`KServe v0.20.0 CRD`): a field it lacks may be one of
   * another release the cluster runs, which an unknown field with no near name then says.
   */
  release?: string;
}

const INT32_MAX = 2_147_483_647;
const INT32_MIN = -2_147_483_648;
/** k8s.io/apimachinery/pkg/api/resource: a signed decimal, then a binary-SI, decimal-SI or exponent suffix. */
const QUANTITY = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[KMGTPE]i|[numkMGTPE]|[eE][+-]?\d+)?$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
/** YAML 1.1 boolean words: quoted, they stay strings, a common slip for boolean fields. */
const YAML11_BOOL = /^(?:y|yes|n|no|on|off)$/i;
const MAX_ENUM_LISTED = 8;
const NUMERIC = /^\s*-?\d+(\.\d+)?\s*$/;

/**
 * `${NAME}` anywhere in a value (with Flux's `${NAME:=default}` forms), or a whole `$NAME`: envsubst's
 * and Flux postBuild's syntax. Ferry checks and applies the render as it is, so such a value reaches
 * the API server unreplaced, and what it breaks (an integer field, a name's format) says nothing of why.
 */
const SUBSTITUTION = /\$\{[A-Za-z_][A-Za-z0-9_]*(?::?[-=+?][^}]*)?\}|^\$[A-Za-z_][A-Za-z0-9_]*$/;

/** The hint after a finding about `value` when it holds a substitution variable; '' otherwise. */
export function substitutionHint(value: unknown): string {
  return typeof value === 'string' && SUBSTITUTION.test(value)
    ? // biome-ignore lint/suspicious/noTemplateCurlyInString: ${VAR} is the syntax the hint names.
      ' (a $VAR or ${VAR} substitution variable, which nothing replaces: Ferry applies what the target renders, with no envsubst or Flux postBuild substitution; write the value in, or set it per cluster with a kustomize overlay or Helm values)'
    : '';
}

/** What a missing required field is reported as, after its path (a failed build's sources skip it). */
export const REQUIRED_FIELD_MISSING = 'required field missing';

export function report(ctx: WalkContext, message: string, key?: string | number, severity?: Severity): void {
  const path = key === undefined ? ctx.path.slice() : [...ctx.path, key];
  const where = formatFieldPath(path);
  const problem: ValueProblem = { path, message: where ? `${where}: ${message}` : message };
  if (severity) problem.severity = severity;
  ctx.problems.push(problem);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Validates `value` against `node`, appending problems to `ctx`. Null and absent values are not checked. */
export function validateValue(node: SchemaNode, value: unknown, ctx: WalkContext): void {
  if (value === null || value === undefined) return;
  if (!checkTyped(node, value, ctx)) {
    typeMismatch(node, value, ctx);
    return;
  }
  if (node.enum && !isAllowed(node.enum, value)) unsupportedValue(node.enum, value, ctx);
}

/** False when `value` is not of the node's type; otherwise checks it (and its children) further. */
function checkTyped(node: SchemaNode, value: unknown, ctx: WalkContext): boolean {
  switch (node.type) {
    case 'string':
      if (typeof value !== 'string') return false;
      checkString(node, value, ctx);
      return true;
    case 'integer':
      if (typeof value !== 'number' || !Number.isInteger(value)) return false;
      if (node.format === 'int32' && (value > INT32_MAX || value < INT32_MIN)) {
        report(ctx, `${value} is out of range for a 32-bit integer`);
      }
      checkNumber(node, value, ctx);
      return true;
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value)) return false;
      checkNumber(node, value, ctx);
      return true;
    case 'boolean':
      return typeof value === 'boolean';
    case 'quantity':
      return checkQuantity(value, ctx);
    case 'int-or-string':
      if (typeof value === 'string') checkString(node, value, ctx);
      else if (typeof value !== 'number' || !Number.isInteger(value)) return false;
      return true;
    case 'array':
      if (!Array.isArray(value)) return false;
      checkArray(node, value, ctx);
      return true;
    case 'object':
      if (!isPlainObject(value)) return false;
      checkObject(node, value, ctx);
      return true;
    default:
      return true;
  }
}

function checkQuantity(value: unknown, ctx: WalkContext): boolean {
  if (typeof value === 'number') return Number.isFinite(value);
  if (typeof value !== 'string') return false;
  if (!QUANTITY.test(value))
    report(
      ctx,
      `invalid quantity ${quote(value, ctx)}${substitutionHint(value) || ' (use e.g. 500m, 2, 512Mi, 1Gi)'}`,
    );
  return true;
}

function checkArray(node: SchemaNode, value: unknown[], ctx: WalkContext): void {
  if (node.minItems !== undefined && value.length < node.minItems) {
    report(ctx, `must have at least ${node.minItems} item${node.minItems === 1 ? '' : 's'}`);
  }
  if (node.maxItems !== undefined && value.length > node.maxItems) {
    report(ctx, `must have at most ${node.maxItems} item${node.maxItems === 1 ? '' : 's'}`);
  }
  const items = node.items;
  if (!items || items.type === 'any') return;
  for (let i = 0; i < value.length; i++) validateChild(items, i, value[i], ctx);
}

/**
 * Whether `validateValue` would find nothing to check in `value`: null and absent values, and strings
 * and booleans whose node has no constraint left (most leaves). The walk skips them without a step.
 */
function needsNoCheck(node: SchemaNode, value: unknown): boolean {
  if (value === null || value === undefined) return true;
  if (node.enum !== undefined) return false;
  if (node.type === 'string') return typeof value === 'string' && !hasStringChecks(node);
  return node.type === 'boolean' && typeof value === 'boolean';
}

/** Whether `checkString` has anything to check for this node: a format, a length bound or a pattern. */
function hasStringChecks(node: SchemaNode): boolean {
  return (
    node.format === 'byte' ||
    node.minLength !== undefined ||
    node.maxLength !== undefined ||
    node.pattern !== undefined
  );
}

/** Validates the child `key` of the value at `ctx.path`; a leaf with nothing to check costs no step. */
function validateChild(node: SchemaNode, key: string | number, value: unknown, ctx: WalkContext): void {
  if (needsNoCheck(node, value)) return;
  ctx.path.push(key);
  validateValue(node, value, ctx);
  ctx.path.pop();
}

/** A near name when there is one (a misspelling); else, in a catalogue kind, the release it lacks it in. */
function unknownField(key: string, properties: SchemaNode['properties'], ctx: WalkContext): string {
  const suggestion = properties ? suggestName(key, properties.keys()) : undefined;
  if (suggestion) return `unknown field (did you mean "${suggestion}"?)`;
  if (ctx.release) {
    return `unknown field (not in ${ctx.release}, the release Ferry's catalogue holds: if your cluster runs another release, add its CRD to the repo or to schemas:)`;
  }
  return 'unknown field';
}

function checkObject(node: SchemaNode, value: Record<string, unknown>, ctx: WalkContext): void {
  const properties = node.properties;
  const additional = node.additional;
  for (const key in value) {
    const field = properties?.get(key);
    if (field !== undefined) {
      if (field.type === 'any' && !field.enum) continue;
      validateChild(field, key, value[key], ctx);
    } else if (additional !== undefined) {
      if (additional === true) continue;
      validateChild(additional, key, value[key], ctx);
    } else if (!node.preserveUnknown) {
      report(ctx, unknownField(key, properties, ctx), key);
    }
  }
  const required = node.required;
  if (required) {
    for (let i = 0; i < required.length; i++) {
      const name = required[i] as string;
      const v = value[name];
      if (v === undefined || (v === null && !properties?.get(name)?.nullable)) {
        report(ctx, REQUIRED_FIELD_MISSING, name);
      }
    }
  }
  if (node === ctx.objectMeta) checkMetadataMaps(value, ctx);
  else if (node === ctx.labelSelector) checkLabels(value.matchLabels, 'matchLabels', ctx);
}

/** The API server validates label and annotation syntax on every ObjectMeta, templates included. */
function checkMetadataMaps(meta: Record<string, unknown>, ctx: WalkContext): void {
  checkLabels(meta.labels, 'labels', ctx);
  const annotations = meta.annotations;
  if (!isPlainObject(annotations)) return;
  ctx.path.push('annotations');
  for (const key in annotations) {
    const problem = qualifiedNameProblem(key);
    if (problem) report(ctx, `invalid key: ${problem}`, key);
  }
  ctx.path.pop();
}

function checkLabels(labels: unknown, field: string, ctx: WalkContext): void {
  if (!isPlainObject(labels)) return;
  ctx.path.push(field);
  for (const key in labels) {
    const keyProblem = qualifiedNameProblem(key);
    if (keyProblem) report(ctx, `invalid key: ${keyProblem}`, key);
    const v = labels[key];
    if (typeof v !== 'string') continue;
    const valueProblem = labelValueProblem(v);
    if (valueProblem)
      report(ctx, `invalid value ${quote(v, ctx)}: ${valueProblem}${substitutionHint(v)}`, key);
  }
  ctx.path.pop();
}

/**
 * What to do about a value that is not base64 (the value itself is never shown: it may be a Secret's).
 * A Secret's `data.<key>` (the only `data` whose values are bytes) can move to `stringData`, which takes
 * text; a `$VAR` left for a substitution nothing runs gets that hint instead (ai-on-eks' blueprints
 * commit `hf-token: $HUGGING_FACE_HUB_TOKEN` for envsubst).
 */
function base64Advice(value: string, ctx: WalkContext): string {
  const substitution = substitutionHint(value);
  if (substitution) return substitution;
  if (ctx.path.length === 2 && ctx.path[0] === 'data') {
    return ': data holds base64-encoded values; encode it (base64 -w0), or move it to stringData, which takes plain text';
  }
  return ': this field holds bytes written in base64; encode the value';
}

function checkString(node: SchemaNode, value: string, ctx: WalkContext): void {
  // needsNoCheck skips a string leaf by hasStringChecks: a new check here belongs there too.
  if (node.format === 'byte') {
    // Go's base64 decoder (encoding/json []byte) skips \r and \n.
    const compact = value.includes('\n') || value.includes('\r') ? value.replace(/[\r\n]/g, '') : value;
    if (!BASE64.test(compact)) report(ctx, `invalid base64 data${base64Advice(value, ctx)}`);
  }
  if (node.minLength !== undefined && value.length < node.minLength) {
    report(ctx, `must be at least ${node.minLength} characters long`);
  }
  if (node.maxLength !== undefined && value.length > node.maxLength) {
    report(ctx, `must be at most ${node.maxLength} characters long`);
  }
  if (node.pattern && !node.pattern.test(value)) {
    report(
      ctx,
      `${quote(value, ctx)} does not match the pattern ${node.pattern.source}${substitutionHint(value)}`,
    );
  }
}

function checkNumber(node: SchemaNode, value: number, ctx: WalkContext): void {
  const { minimum, maximum } = node;
  if (minimum !== undefined && (node.exclusiveMinimum ? value <= minimum : value < minimum)) {
    report(ctx, `${value} must be ${node.exclusiveMinimum ? 'greater than' : 'at least'} ${minimum}`);
  }
  if (maximum !== undefined && (node.exclusiveMaximum ? value >= maximum : value > maximum)) {
    report(ctx, `${value} must be ${node.exclusiveMaximum ? 'less than' : 'at most'} ${maximum}`);
  }
}

function isAllowed(allowed: readonly unknown[], value: unknown): boolean {
  if (allowed.includes(value)) return true;
  if (typeof value !== 'object') return false;
  // Object and array enum members (rare in CRDs) compare structurally.
  const json = JSON.stringify(value);
  return allowed.some((a) => typeof a === 'object' && JSON.stringify(a) === json);
}

function unsupportedValue(allowed: readonly unknown[], value: unknown, ctx: WalkContext): void {
  const strings = allowed.filter((a): a is string => typeof a === 'string');
  const suggestion = typeof value === 'string' ? suggestName(value, strings) : undefined;
  if (suggestion) {
    report(ctx, `unsupported value ${quote(value, ctx)} (did you mean "${suggestion}"?)`);
    return;
  }
  const listed = allowed.slice(0, MAX_ENUM_LISTED).map((a) => JSON.stringify(a));
  const more = allowed.length > MAX_ENUM_LISTED ? `, … ${allowed.length - MAX_ENUM_LISTED} more` : '';
  report(
    ctx,
    `unsupported value ${quote(value, ctx)}${substitutionHint(value) || ` (expected one of ${listed.join(', ')}${more})`}`,
  );
}

function typeMismatch(node: SchemaNode, value: unknown, ctx: WalkContext): void {
  const actual = typeName(value);
  let hint = '';
  if (node.type === 'boolean' && typeof value === 'string' && YAML11_BOOL.test(value)) {
    hint = ` ("${value}" is a quoted string here: write true or false)`;
  } else if (node.type === 'string' && (typeof value === 'number' || typeof value === 'boolean')) {
    hint = ctx.redact ? ' (quote the value)' : ` (quote it: "${String(value)}")`;
  } else if (
    (node.type === 'integer' || node.type === 'number') &&
    typeof value === 'string' &&
    NUMERIC.test(value)
  ) {
    hint = ctx.redact ? ' (remove the quotes)' : ` (write ${value.trim()} without quotes)`;
  } else if (node.type === 'int-or-string' && typeof value === 'number' && isQuantityField(ctx)) {
    // A CRD's quantity is int-or-string: `cpu: 0.5` is refused, where a built-in kind takes it.
    hint = `${ctx.redact ? ' (quote the value' : ` (quote it: "${value}"`}: a custom resource's quantity is a string or a whole number)`;
  } else {
    hint = substitutionHint(value);
  }
  report(ctx, `expected ${expectedName(node)}, got ${actual}${hint}`);
}

/** A quantity under `requests` or `limits` (kubeflow's XGBoostJob sample: `requests: {cpu: 0.5}`). */
function isQuantityField(ctx: WalkContext): boolean {
  const parent = ctx.path[ctx.path.length - 2];
  return parent === 'requests' || parent === 'limits';
}

function expectedName(node: SchemaNode): string {
  switch (node.type) {
    case 'quantity':
      return 'quantity (string or number)';
    case 'int-or-string':
      return 'integer or string';
    case 'object':
      return node.properties || !node.additional ? 'object' : 'map';
    default:
      return node.type;
  }
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function quote(value: unknown, ctx: WalkContext): string {
  if (ctx.redact) return '(value hidden)';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}…"` : text;
}
