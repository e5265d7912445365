import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatYaml } from '../../../src/diff/format-yaml.ts';
import { isIndistinguishable, isSameData } from '../../../src/diff/summary/read-path.ts';

const value = fc.anything({ maxDepth: 4, withNullPrototype: true, withSparseArray: true });

/** Parsed-YAML-like data with the values where reading and printing could part: -0, NaN, '1' and 1. */
const manifestData = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom(null, true, false, 0, -0, 1, Number.NaN, '', 'a', '1', 'true', 'null'),
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(fc.constantFrom('a', 'b', 'kind', 'metadata', '__proto__'), tie('value'), { maxKeys: 3 }),
  ),
})).value;

describe('isIndistinguishable', () => {
  it('holds only where formatYaml prints the same text (what lets diffResources skip formatting a pair)', () => {
    fc.assert(
      fc.property(manifestData, manifestData, fc.boolean(), (a, other, copy) => {
        const b = copy ? structuredClone(a) : other;
        if (isIndistinguishable(a, b)) expect(formatYaml(b)).toBe(formatYaml(a));
      }),
      { numRuns: 5_000 },
    );
  });

  it('answers false, without running out of stack, for two distinct alias cycles', () => {
    const a: Record<string, unknown> = { kind: 'x' };
    a.self = a;
    const b: Record<string, unknown> = { kind: 'x' };
    b.self = b;
    expect(isIndistinguishable(a, b)).toBe(false);
    expect(isIndistinguishable(a, a)).toBe(true);
  });

  it('holds between plain data and its structured clone', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 5 }), (v) => {
        expect(isIndistinguishable(v, structuredClone(v))).toBe(true);
      }),
    );
  });

  it('implies isSameData and the same JSON, for any values', () => {
    fc.assert(
      fc.property(value, value, (a, b) => {
        if (!isIndistinguishable(a, b)) return;
        expect(isSameData(a, b)).toBe(true);
        expect(JSON.stringify(a)).toBe(JSON.stringify(b));
      }),
    );
    fc.assert(
      fc.property(value, (a) => {
        if (isIndistinguishable(a, structuredClone(a))) expect(isSameData(a, structuredClone(a))).toBe(true);
      }),
    );
  });

  it('tells key order, NaN, holes and non-plain objects apart', () => {
    expect(isIndistinguishable({ a: 1, b: 2 }, { b: 2, a: 1 })).toBe(false);
    expect(isIndistinguishable({ n: Number.NaN }, { n: Number.NaN })).toBe(false);
    // biome-ignore lint/suspicious/noSparseArray: a hole is what is compared
    expect(isIndistinguishable([, 1], [undefined, 1])).toBe(false);
    expect(isIndistinguishable({ a: undefined }, {})).toBe(false);
    expect(isIndistinguishable(new Date(0), new Date(0))).toBe(false);
    expect(isIndistinguishable(Object.create(null), {})).toBe(false);
    expect(isIndistinguishable({ a: [1, { b: 'x' }] }, { a: [1, { b: 'x' }] })).toBe(true);
  });
});
