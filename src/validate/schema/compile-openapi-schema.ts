import { RE2JS } from 're2js';
import { detachedString } from '../../manifest/detached.ts';
import type { NodeType, SchemaNode, SchemaPattern } from './schema-node.ts';

export interface CompileOptions {
  /** The built-in ObjectMeta node: embedded resources and `$ref`s to ObjectMeta use it. */
  objectMeta: SchemaNode;
  /** Resolves a local `$ref` (`#/definitions/x`, `#/components/schemas/x`) in the document being compiled. */
  resolveRef?: (ref: string) => unknown;
  /** Compiled nodes by schema object; pass one map to several calls whose schemas share subtrees. */
  memo?: Map<object, SchemaNode>;
}

const ANY: SchemaNode = { type: 'any' };
const STRING: SchemaNode = { type: 'string' };
const TYPES: ReadonlySet<string> = new Set(['string', 'integer', 'number', 'boolean', 'array', 'object']);

type Json = Record<string, unknown>;

function isJsonObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Compiles the OpenAPI v3 subset of a CRD's structural schema (`openAPIV3Schema`) into schema nodes:
 * type, properties, required, items, additionalProperties, enum, minimum/maximum (with the OpenAPI 3.0
 * boolean or JSON Schema numeric `exclusive*`), min/maxLength, min/maxItems, pattern, nullable, the
 * int32 and byte formats, `x-kubernetes-int-or-string`, `x-kubernetes-preserve-unknown-fields` and
 * `x-kubernetes-embedded-resource`.
 *
 * As the API server prunes them (and `kubectl apply --validate=strict` reports them), fields a schema
 * does not declare are unknown unless `additionalProperties` or `x-kubernetes-preserve-unknown-fields`
 * allows them. Value-only constructs (allOf/anyOf/oneOf/not, CEL `x-kubernetes-validations`, other
 * formats) are not checked: they can only reject, so skipping them never yields a false error.
 */
export function compileOpenApiSchema(schema: unknown, options: CompileOptions): SchemaNode {
  const memo = options.memo ?? new Map<object, SchemaNode>();

  const compile = (s: unknown): SchemaNode => {
    if (!isJsonObject(s)) return ANY;
    const seen = memo.get(s);
    if (seen) return seen;
    if (typeof s.$ref === 'string') {
      if (/ObjectMeta$/.test(s.$ref)) return options.objectMeta;
      const target = options.resolveRef?.(s.$ref);
      // A dangling or cyclic-only ref constrains nothing we can check.
      memo.set(s, ANY);
      const node = target === undefined ? ANY : compile(target);
      memo.set(s, node);
      return node;
    }
    if (
      s.type === undefined &&
      s.properties === undefined &&
      Array.isArray(s.allOf) &&
      s.allOf.length === 1
    ) {
      // Kubernetes' own OpenAPI v3 wraps refs as `allOf: [{$ref}]` to attach a default or description.
      return compile(s.allOf[0]);
    }
    const node: SchemaNode = { type: typeOf(s) };
    memo.set(s, node);
    fill(node, s);
    return node;
  };

  const fill = (node: SchemaNode, s: Json): void => {
    if (s.nullable === true || (Array.isArray(s.type) && s.type.includes('null'))) node.nullable = true;
    if (Array.isArray(s.enum)) node.enum = s.enum.map(detachedValue);
    if (node.type === 'object') {
      fillObject(node, s);
    } else if (node.type === 'array') {
      node.items = Array.isArray(s.items) ? ANY : compile(s.items);
      if (typeof s.minItems === 'number') node.minItems = s.minItems;
      if (typeof s.maxItems === 'number') node.maxItems = s.maxItems;
    }
    if (node.type === 'integer' || node.type === 'number') fillNumeric(node, s);
    if (node.type === 'string' || node.type === 'int-or-string') fillString(node, s);
  };

  const fillObject = (node: SchemaNode, s: Json): void => {
    const properties = new Map<string, SchemaNode>();
    if (isJsonObject(s.properties)) {
      for (const [name, sub] of Object.entries(s.properties)) {
        properties.set(detachedString(name), compile(sub));
      }
    }
    // A field with a `default` is never missing: the API server fills it in before it validates
    // (structural defaulting; a null is pruned first), as DisaggregatedSet's `rolloutStrategy.type`.
    const defaulted = (name: string) => {
      const sub = isJsonObject(s.properties) ? s.properties[name] : undefined;
      return isJsonObject(sub) && Object.hasOwn(sub, 'default');
    };
    const required = Array.isArray(s.required)
      ? s.required.filter((r) => typeof r === 'string' && !defaulted(r)).map(detachedString)
      : [];
    if (s['x-kubernetes-embedded-resource'] === true) {
      // The API server requires apiVersion and kind of embedded objects and validates their ObjectMeta.
      properties.set('apiVersion', STRING);
      properties.set('kind', STRING);
      properties.set('metadata', options.objectMeta);
      for (const r of ['apiVersion', 'kind']) if (!required.includes(r)) required.push(r);
    }
    if (properties.size > 0) node.properties = properties;
    if (required.length > 0) node.required = required;
    if (s.additionalProperties === true) node.additional = true;
    else if (isJsonObject(s.additionalProperties)) node.additional = compile(s.additionalProperties);
    if (s['x-kubernetes-preserve-unknown-fields'] === true) node.preserveUnknown = true;
  };

  return compile(schema);
}

/** A string copied out of its document (see detachedString); any other value as it is. */
function detachedValue(value: unknown): unknown {
  return typeof value === 'string' ? detachedString(value) : value;
}

function typeOf(s: Json): NodeType {
  if (s['x-kubernetes-int-or-string'] === true) return 'int-or-string';
  let t = s.type;
  if (Array.isArray(t)) {
    const concrete = t.filter((x) => x !== 'null');
    t = concrete.length === 1 ? concrete[0] : undefined;
  }
  if (typeof t === 'string' && TYPES.has(t)) return t as NodeType;
  if (s.properties !== undefined || s.additionalProperties !== undefined) return 'object';
  if (s['x-kubernetes-embedded-resource'] === true) return 'object';
  return 'any';
}

function fillNumeric(node: SchemaNode, s: Json): void {
  if (typeof s.minimum === 'number') node.minimum = s.minimum;
  if (typeof s.maximum === 'number') node.maximum = s.maximum;
  // OpenAPI 3.0: boolean flags on minimum/maximum; JSON Schema 2019+: the bound itself.
  if (s.exclusiveMinimum === true) node.exclusiveMinimum = true;
  else if (typeof s.exclusiveMinimum === 'number') {
    node.minimum = s.exclusiveMinimum;
    node.exclusiveMinimum = true;
  }
  if (s.exclusiveMaximum === true) node.exclusiveMaximum = true;
  else if (typeof s.exclusiveMaximum === 'number') {
    node.maximum = s.exclusiveMaximum;
    node.exclusiveMaximum = true;
  }
  if (node.type === 'integer' && s.format === 'int32') node.format = 'int32';
}

function fillString(node: SchemaNode, s: Json): void {
  if (typeof s.minLength === 'number') node.minLength = s.minLength;
  if (typeof s.maxLength === 'number') node.maxLength = s.maxLength;
  if (node.type === 'string' && s.format === 'byte') node.format = 'byte';
  if (typeof s.pattern === 'string') {
    const pattern = compilePattern(s.pattern);
    if (pattern) node.pattern = pattern;
  }
}

/**
 * CRD patterns are RE2, as the API server's Go regexp reads them, and come from the pull request: a
 * backtracking engine (JavaScript's RegExp) runs `^(a+)+$` against `aaaa…!` for ever, in Ferry's own
 * process. RE2JS matches in time linear in the value, with Go's syntax. A pattern RE2 refuses
 * (lookaround, backreferences) is one the API server refuses too: skipped, not guessed at.
 */
function compilePattern(source: string): SchemaPattern | undefined {
  const text = detachedString(source);
  let re: RE2JS;
  try {
    re = RE2JS.compile(text);
  } catch (err) {
    // Not RE2 (RE2JSSyntaxException): the API server would refuse the CRD; nothing to check here.
    void err;
    return undefined;
  }
  return { source: text, test: (value) => re.matcher(value).find() };
}
