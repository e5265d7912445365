import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ValueFinder } from '../../src/diff/find-values.ts';

/** Every value against the text, as scrubText did before: the reference. */
function naive(text: string, values: readonly string[]): [number, number][] {
  const out: [number, number][] = [];
  const seen = new Set<string>();
  values.forEach((value, index) => {
    if (value === '' || seen.has(value)) return;
    seen.add(value);
    for (let i = text.indexOf(value); i >= 0; i = text.indexOf(value, i + 1)) out.push([index, i]);
  });
  return out;
}

describe('ValueFinder', () => {
  it('finds overlapping occurrences, values sharing a prefix, and values of every length', () => {
    const values = ['tok-aaaa-s3cr3t', 'tok-aaaa', 'aaaa', 'aa', 'x', '', 'tok-aaaa'];
    const text = 'id tok-aaaa-s3cr3t and tok-aaaaaa, x';
    expect(new ValueFinder(values).find(text)).toEqual(naive(text, values));
    // 'aa' in 'aaaa' three times and in 'aaaaaa' five times, overlapping.
    expect(new ValueFinder(values).find(text).filter(([v]) => v === 3)).toHaveLength(8);
  });

  it('finds nothing in a text shorter than every value, or with no values', () => {
    expect(new ValueFinder(['secret-value']).find('short')).toEqual([]);
    expect(new ValueFinder([]).find('anything')).toEqual([]);
    expect(new ValueFinder(['']).find('anything')).toEqual([]);
  });

  it('finds exactly what checking every value finds, for any values and text', () => {
    // A small alphabet makes shared prefixes, overlaps and hash windows that nearly match common.
    const piece = fc.string({ unit: fc.constantFrom('a', 'b', 'tok-', '=', 'é', '😀', '\n'), maxLength: 6 });
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 30 }), fc.array(piece, { maxLength: 40 }), (values, parts) => {
        const text = parts.join('');
        // Values as reports pass them: longest first.
        const sorted = [...values].sort((a, b) => b.length - a.length);
        expect(new ValueFinder(sorted).find(text)).toEqual(naive(text, sorted));
      }),
      { numRuns: 2000 },
    );
  });
});
