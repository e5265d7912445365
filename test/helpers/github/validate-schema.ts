/**
 * A compact validator for the JSON-schema subset GitHub's OpenAPI description (3.0.3) uses in
 * request bodies and parameters. Keywords that only annotate are ignored by name; any other
 * keyword this validator does not implement is reported as a problem, so an unsupported schema
 * fails a test loudly instead of passing silently.
 */

export type Schema = Record<string, unknown>;
export type Deref = (schema: Schema) => Schema;

export interface SchemaContext {
  deref: Deref;
  /**
   * Treat properties a schema does not list as errors even without `additionalProperties: false`.
   * GitHub ignores most unknown body fields, so a misspelt field would otherwise pass unnoticed.
   */
  strictProperties: boolean;
}

/** Annotation-only keywords: they never constrain a value. */
const IGNORED = new Set([
  'description',
  'default',
  'example',
  'examples',
  'title',
  'deprecated',
  'readOnly',
  'writeOnly',
  'externalDocs',
  'discriminator',
]);

const SUPPORTED = new Set([
  '$ref',
  'type',
  'nullable',
  'enum',
  'required',
  'properties',
  'additionalProperties',
  'items',
  'oneOf',
  'anyOf',
  'allOf',
  'not',
  'maxLength',
  'minLength',
  'maxItems',
  'minItems',
  'maxProperties',
  'minProperties',
  'uniqueItems',
  'pattern',
  'minimum',
  'maximum',
  'format',
]);

// Loose RFC 3339 date-time: GitHub rejects timestamps that are not ISO 8601.
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function matchesType(type: unknown, value: unknown): boolean {
  const actual = typeOf(value);
  const types = Array.isArray(type) ? type : [type];
  return types.some((t) => t === actual || (t === 'number' && actual === 'integer'));
}

/** Returns the problems found, each prefixed with the JSON path of the offending value. */
export function validateSchema(schemaIn: Schema, value: unknown, ctx: SchemaContext, at = '$'): string[] {
  const schema = ctx.deref(schemaIn);
  const problems: string[] = [];
  for (const key of Object.keys(schema)) {
    if (!SUPPORTED.has(key) && !IGNORED.has(key) && !key.startsWith('x-')) {
      problems.push(`${at}: schema keyword '${key}' is not supported by the test validator`);
    }
  }
  if (value === null) {
    if (schema.nullable === true || (Array.isArray(schema.type) && schema.type.includes('null')))
      return problems;
    if (schema.type !== undefined) return [...problems, `${at}: null is not allowed`];
  }
  if (schema.type !== undefined && !matchesType(schema.type, value)) {
    return [...problems, `${at}: expected ${String(schema.type)}, got ${typeOf(value)}`];
  }
  if (Array.isArray(schema.enum) && !schema.enum.some((e) => e === value)) {
    problems.push(`${at}: ${JSON.stringify(value)} is not one of ${JSON.stringify(schema.enum)}`);
  }
  problems.push(...validateCombinators(schema, value, ctx, at));
  if (typeof value === 'string') problems.push(...validateString(schema, value, at));
  if (typeof value === 'number') problems.push(...validateNumber(schema, value, at));
  if (Array.isArray(value)) problems.push(...validateArray(schema, value, ctx, at));
  if (typeOf(value) === 'object') {
    problems.push(...validateObject(schema, value as Record<string, unknown>, ctx, at));
  }
  return problems;
}

function validateCombinators(schema: Schema, value: unknown, ctx: SchemaContext, at: string): string[] {
  const problems: string[] = [];
  if (Array.isArray(schema.allOf)) {
    // Each allOf part lists only its own properties: strictness would reject the others'.
    const loose = { ...ctx, strictProperties: false };
    for (const sub of schema.allOf as Schema[]) problems.push(...validateSchema(sub, value, loose, at));
  }
  if (Array.isArray(schema.anyOf)) {
    const results = (schema.anyOf as Schema[]).map((sub) => validateSchema(sub, value, ctx, at));
    if (!results.some((r) => r.length === 0)) {
      problems.push(`${at}: matches none of anyOf (${results.map((r) => r[0]).join(' | ')})`);
    }
  }
  if (Array.isArray(schema.oneOf)) {
    const results = (schema.oneOf as Schema[]).map((sub) => validateSchema(sub, value, ctx, at));
    const passing = results.filter((r) => r.length === 0).length;
    if (passing !== 1) {
      problems.push(
        passing === 0
          ? `${at}: matches none of oneOf (${results.map((r) => r[0]).join(' | ')})`
          : `${at}: matches ${passing} schemas of oneOf, expected exactly 1`,
      );
    }
  }
  if (schema.not !== undefined && validateSchema(schema.not as Schema, value, ctx, at).length === 0) {
    problems.push(`${at}: must not match the 'not' schema`);
  }
  return problems;
}

function validateString(schema: Schema, value: string, at: string): string[] {
  const problems: string[] = [];
  if (typeof schema.maxLength === 'number' && value.length > schema.maxLength) {
    problems.push(`${at}: longer than maxLength ${schema.maxLength} (${value.length})`);
  }
  if (typeof schema.minLength === 'number' && value.length < schema.minLength) {
    problems.push(`${at}: shorter than minLength ${schema.minLength}`);
  }
  if (typeof schema.pattern === 'string' && !new RegExp(schema.pattern, 'u').test(value)) {
    problems.push(`${at}: does not match pattern ${schema.pattern}`);
  }
  if (schema.format === 'date-time' && !DATE_TIME.test(value)) {
    problems.push(`${at}: ${JSON.stringify(value)} is not an ISO 8601 date-time`);
  }
  return problems;
}

function validateNumber(schema: Schema, value: number, at: string): string[] {
  const problems: string[] = [];
  if (typeof schema.minimum === 'number' && value < schema.minimum) {
    problems.push(`${at}: below minimum ${schema.minimum}`);
  }
  if (typeof schema.maximum === 'number' && value > schema.maximum) {
    problems.push(`${at}: above maximum ${schema.maximum}`);
  }
  return problems;
}

function validateArray(schema: Schema, value: unknown[], ctx: SchemaContext, at: string): string[] {
  const problems: string[] = [];
  if (typeof schema.maxItems === 'number' && value.length > schema.maxItems) {
    problems.push(`${at}: more than maxItems ${schema.maxItems} (${value.length})`);
  }
  if (typeof schema.minItems === 'number' && value.length < schema.minItems) {
    problems.push(`${at}: fewer than minItems ${schema.minItems}`);
  }
  if (schema.uniqueItems === true && new Set(value.map((v) => JSON.stringify(v))).size !== value.length) {
    problems.push(`${at}: items are not unique`);
  }
  if (schema.items !== undefined && typeof schema.items === 'object') {
    value.forEach((item, i) => {
      problems.push(...validateSchema(schema.items as Schema, item, ctx, `${at}[${i}]`));
    });
  }
  return problems;
}

function validateObject(
  schema: Schema,
  value: Record<string, unknown>,
  ctx: SchemaContext,
  at: string,
): string[] {
  const problems: string[] = [];
  const properties = (schema.properties ?? {}) as Record<string, Schema>;
  if (Array.isArray(schema.required)) {
    for (const name of schema.required as string[]) {
      if (!(name in value)) problems.push(`${at}: missing required property '${name}'`);
    }
  }
  const keys = Object.keys(value);
  if (typeof schema.maxProperties === 'number' && keys.length > schema.maxProperties) {
    problems.push(`${at}: more than maxProperties ${schema.maxProperties}`);
  }
  if (typeof schema.minProperties === 'number' && keys.length < schema.minProperties) {
    problems.push(`${at}: fewer than minProperties ${schema.minProperties}`);
  }
  for (const key of keys) {
    const propertySchema = properties[key];
    if (propertySchema) {
      problems.push(...validateSchema(propertySchema, value[key], ctx, `${at}.${key}`));
    } else if (
      schema.additionalProperties === false ||
      (ctx.strictProperties &&
        schema.additionalProperties === undefined &&
        schema.properties !== undefined &&
        schema.allOf === undefined)
    ) {
      problems.push(`${at}: unknown property '${key}'`);
    } else if (typeof schema.additionalProperties === 'object' && schema.additionalProperties !== null) {
      problems.push(
        ...validateSchema(schema.additionalProperties as Schema, value[key], ctx, `${at}.${key}`),
      );
    }
  }
  return problems;
}
