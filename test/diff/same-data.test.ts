import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatYaml } from '../../src/diff/format-yaml.ts';
import { isSameData } from '../../src/diff/same-data.ts';

/** Parsed-YAML-like data: what both parsers give a diff (objects, arrays, strings, numbers, booleans, null). */
const data = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom(null, true, false, 0, -0, 1, Number.NaN, '', 'a', '1', 'true', 'null'),
    fc.string({ maxLength: 4 }),
    fc.double(),
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(fc.constantFrom('a', 'b', 'kind', 'metadata', '__proto__', '1'), tie('value'), {
      maxKeys: 3,
    }),
  ),
})).value;

describe('isSameData', () => {
  it('is true for a value and its copy', () => {
    fc.assert(
      fc.property(data, (value) => {
        expect(isSameData(value, structuredClone(value))).toBe(true);
      }),
      { numRuns: 2_000 },
    );
  });

  it('is true only where the formatter prints the same text (what lets the diff skip formatting)', () => {
    fc.assert(
      fc.property(data, data, (a, b) => {
        if (isSameData(a, b)) expect(formatYaml(a)).toBe(formatYaml(b));
      }),
      { numRuns: 5_000 },
    );
  });

  it('tells apart what reads differently: key order, types, 0 and -0, a longer array', () => {
    expect(isSameData({ a: 1, b: 2 }, { b: 2, a: 1 })).toBe(false);
    expect(isSameData({ a: 1 }, { a: '1' })).toBe(false);
    expect(isSameData({ a: 0 }, { a: -0 })).toBe(false);
    expect(isSameData([1, 2], [1, 2, 3])).toBe(false);
    expect(isSameData({ a: [] }, { a: {} })).toBe(false);
    expect(isSameData({ a: null }, { a: undefined })).toBe(false);
    expect(isSameData({ a: Number.NaN }, { a: Number.NaN })).toBe(true);
  });

  it('keeps an own __proto__ key (as both parsers do) apart from the prototype', () => {
    const withKey = JSON.parse('{"__proto__": {"x": 1}}');
    const other = JSON.parse('{"__proto__": {"x": 2}}');
    expect(isSameData(withKey, JSON.parse('{"__proto__": {"x": 1}}'))).toBe(true);
    expect(isSameData(withKey, other)).toBe(false);
    expect(isSameData(withKey, {})).toBe(false);
  });

  it('answers false, without running out of stack, for two distinct alias cycles and for class instances', () => {
    const a: Record<string, unknown> = { kind: 'x' };
    a.self = a;
    const b: Record<string, unknown> = { kind: 'x' };
    b.self = b;
    expect(isSameData(a, b)).toBe(false);
    expect(isSameData(a, a)).toBe(true);
    expect(isSameData(new Date(0), new Date(0))).toBe(false);
    expect(isSameData(new Map(), new Map())).toBe(false);
  });
});
