import { describe, expect, it } from 'vitest';
import { compileOpenApiSchema } from '../../../src/validate/schema/compile-openapi-schema.ts';
import { getBuiltinSchemas } from '../../../src/validate/schema/get-builtin-schemas.ts';
import { validateValue, type WalkContext } from '../../../src/validate/schema/validate-value.ts';

const { objectMeta, labelSelector } = getBuiltinSchemas();

function problems(schema: unknown, value: unknown, resolveRef?: (ref: string) => unknown): string[] {
  const node = compileOpenApiSchema(schema, { objectMeta, ...(resolveRef ? { resolveRef } : {}) });
  const ctx: WalkContext = { path: [], problems: [], objectMeta, labelSelector, redact: false };
  validateValue(node, value, ctx);
  return ctx.problems.map((p) => p.message);
}

describe('compileOpenApiSchema', () => {
  it('rejects fields a structural schema does not declare, with a suggestion', () => {
    const schema = { type: 'object', properties: { replicas: { type: 'integer' } } };
    expect(problems(schema, { replica: 1 })).toEqual(['replica: unknown field (did you mean "replicas"?)']);
  });

  it('treats an object without properties as empty, as pruning does', () => {
    expect(problems({ type: 'object' }, { a: 1 })).toEqual(['a: unknown field']);
  });

  it('keeps unknown fields under x-kubernetes-preserve-unknown-fields but still checks declared ones', () => {
    const schema = {
      type: 'object',
      'x-kubernetes-preserve-unknown-fields': true,
      properties: { size: { type: 'integer' } },
    };
    expect(problems(schema, { anything: { goes: [1] }, size: 'big' })).toEqual([
      'size: expected integer, got string',
    ]);
  });

  it('checks additionalProperties as a map, or allows anything when true', () => {
    expect(problems({ type: 'object', additionalProperties: { type: 'string' } }, { a: 'x', b: 2 })).toEqual([
      'b: expected string, got integer (quote it: "2")',
    ]);
    expect(problems({ type: 'object', additionalProperties: true }, { a: { b: 1 } })).toEqual([]);
    expect(problems({ type: 'object', additionalProperties: false, properties: {} }, { a: 1 })).toEqual([
      'a: unknown field',
    ]);
  });

  it('accepts integers and strings for x-kubernetes-int-or-string, not fractions', () => {
    const schema = { 'x-kubernetes-int-or-string': true, anyOf: [{ type: 'integer' }, { type: 'string' }] };
    expect(problems(schema, 3)).toEqual([]);
    expect(problems(schema, '25%')).toEqual([]);
    expect(problems(schema, 2.5)).toEqual(['expected integer or string, got number']);
  });

  it('checks enum, bounds, lengths, item counts and int32 range', () => {
    expect(problems({ type: 'string', enum: ['a', 'b'] }, 'c')).toEqual([
      'unsupported value "c" (expected one of "a", "b")',
    ]);
    expect(problems({ type: 'integer', minimum: 1, maximum: 5 }, 0)).toEqual(['0 must be at least 1']);
    expect(problems({ type: 'integer', minimum: 1, exclusiveMinimum: true }, 1)).toEqual([
      '1 must be greater than 1',
    ]);
    expect(problems({ type: 'number', exclusiveMaximum: 1 }, 1)).toEqual(['1 must be less than 1']);
    expect(problems({ type: 'string', maxLength: 3 }, 'abcd')).toEqual(['must be at most 3 characters long']);
    expect(problems({ type: 'array', minItems: 1, items: { type: 'string' } }, [])).toEqual([
      'must have at least 1 item',
    ]);
    expect(problems({ type: 'integer', format: 'int32' }, 2 ** 31)).toEqual([
      '2147483648 is out of range for a 32-bit integer',
    ]);
  });

  it('checks patterns and skips ones RE2 cannot compile', () => {
    expect(problems({ type: 'string', pattern: '^[a-z]+$' }, 'ABC')).toEqual([
      '"ABC" does not match the pattern ^[a-z]+$',
    ]);
    expect(problems({ type: 'string', pattern: '^[\\w-.]+$' }, 'a.b-c')).toEqual([]);
    expect(problems({ type: 'string', pattern: '(?<!x)y(' }, 'anything')).toEqual([]);
  });

  // A CRD in a pull request brings its own patterns; a backtracking engine took minutes (2^n steps)
  // on `^(a+)+$` against 27 a's and a `!` (a minute past 30), in Ferry's own process, where no render deadline applies.
  it('matches a pattern in time linear in the value, as Go does: no catastrophic backtracking', () => {
    const started = performance.now();
    expect(problems({ type: 'string', pattern: '^(a+)+$' }, `${'a'.repeat(27)}!`)).toEqual([
      `"${'a'.repeat(27)}!" does not match the pattern ^(a+)+$`,
    ]);
    // Linear: a hundred thousand characters cost milliseconds.
    expect(problems({ type: 'string', pattern: '^(a+)+$' }, 'a'.repeat(100_000))).toEqual([]);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('reads patterns as RE2 does: \\z, inline flags and classes JavaScript reads otherwise', () => {
    expect(problems({ type: 'string', pattern: '^[a-z]+\\z' }, 'abc')).toEqual([]);
    expect(problems({ type: 'string', pattern: '(?i)^abc$' }, 'ABC')).toEqual([]);
    expect(problems({ type: 'string', pattern: '^[[:alpha:]]+$' }, 'abc1')).toEqual([
      '"abc1" does not match the pattern ^[[:alpha:]]+$',
    ]);
  });

  it('allows null only where nullable, and counts a null required field as missing', () => {
    const schema = {
      type: 'object',
      required: ['a', 'b'],
      properties: { a: { type: 'string', nullable: true }, b: { type: 'string' } },
    };
    expect(problems(schema, { a: null, b: null })).toEqual(['b: required field missing']);
  });

  it('does not miss a required field that has a default, which the API server fills in first', () => {
    const schema = {
      type: 'object',
      required: ['type', 'name'],
      properties: {
        type: { type: 'string', default: 'RollingUpdate', enum: ['RollingUpdate'] },
        name: { type: 'string' },
      },
    };
    expect(problems(schema, {})).toEqual(['name: required field missing']);
    expect(problems(schema, { type: null, name: 'x' })).toEqual([]);
    // The default does not excuse a wrong value.
    expect(problems(schema, { type: 'Recreate', name: 'x' })).toEqual([
      'type: unsupported value "Recreate" (expected one of "RollingUpdate")',
    ]);
  });

  it('requires apiVersion and kind of an embedded resource and validates its metadata', () => {
    const schema = {
      type: 'object',
      'x-kubernetes-embedded-resource': true,
      'x-kubernetes-preserve-unknown-fields': true,
    };
    expect(problems(schema, { metadata: { labels: { 'bad key': 'x' } }, spec: {} })).toEqual([
      "metadata.labels[\"bad key\"]: invalid key: name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
      'apiVersion: required field missing',
      'kind: required field missing',
    ]);
  });

  it('follows local $refs, including cycles, and treats ObjectMeta refs as the built-in type', () => {
    const doc: Record<string, unknown> = {
      definitions: {
        Node: {
          type: 'object',
          properties: {
            name: { type: 'string' },
            children: { type: 'array', items: { $ref: '#/definitions/Node' } },
          },
        },
      },
    };
    const resolve = (ref: string) =>
      (doc.definitions as Record<string, unknown>)[ref.split('/').pop() as string];
    const schema = { $ref: '#/definitions/Node' };
    expect(
      problems(schema, { name: 'a', children: [{ name: 'b', children: [{ nam: 'c' }] }] }, resolve),
    ).toEqual(['children[0].children[0].nam: unknown field (did you mean "name"?)']);
    const withMeta = {
      type: 'object',
      properties: { metadata: { $ref: '#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta' } },
    };
    expect(problems(withMeta, { metadata: { nme: 'x' } })).toEqual([
      'metadata.nme: unknown field (did you mean "name"?)',
    ]);
  });

  it('accepts JSON Schema type lists with null', () => {
    expect(problems({ type: ['string', 'null'] }, null)).toEqual([]);
    expect(problems({ type: ['string', 'null'] }, 3)).toEqual([
      'expected string, got integer (quote it: "3")',
    ]);
  });
});
