import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isIndistinguishable, isSameData } from '../../../src/diff/summary/read-path.ts';

const value = fc.anything({ maxDepth: 4, withNullPrototype: true, withSparseArray: true });

describe('isIndistinguishable', () => {
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
