import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { asRecord, asStringMap } from '../../src/manifest/as-record.ts';
import { setOwn } from '../../src/manifest/set-own.ts';

/** asStringMap as it was, over Object.entries: the reference. */
function entriesStringMap(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, v] of Object.entries(asRecord(value) ?? {})) {
    if (typeof v === 'string') setOwn(out, key, v);
    else if (typeof v === 'number' || typeof v === 'boolean') setOwn(out, key, String(v));
  }
  return out;
}

const key = fc.oneof(
  fc.constantFrom('__proto__', '0', '10', '2', 'app', 'constructor', 'toString'),
  fc.string(),
);
const value = fc.oneof(
  fc.string(),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.string()),
);

describe('asStringMap', () => {
  it('keeps the string, number and boolean values of own keys, in Object.entries order', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(key, value), { maxLength: 8 }), (pairs) => {
        const map: Record<string, unknown> = {};
        for (const [k, v] of pairs) setOwn(map, k, v);
        const got = asStringMap(map);
        const want = entriesStringMap(map);
        expect(Object.entries(got)).toEqual(Object.entries(want));
        expect(Object.getPrototypeOf(got)).toBe(Object.prototype);
      }),
      { numRuns: 3000 },
    );
  });

  it('gives an empty map for anything but a mapping', () => {
    for (const v of [undefined, null, 'x', 3, ['a']]) expect(asStringMap(v)).toEqual({});
  });
});
