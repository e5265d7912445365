import { describe, expect, it } from 'vitest';
import { parseQuantity } from '../../../src/validate/rules/parse-quantity.ts';

describe('parseQuantity', () => {
  it.each([
    [1, 1],
    ['1', 1],
    ['2', 2],
    ['500m', 0.5],
    ['1000m', 1],
    ['1k', 1000],
    ['1Ki', 1024],
    ['2Gi', 2 * 2 ** 30],
    ['1e3', 1000],
    ['1.5', 1.5],
    ['-1', -1],
    ['.5', 0.5],
  ])('reads %j as %d', (input, expected) => {
    expect(parseQuantity(input)).toBe(expected);
  });

  it.each([['one'], ['1 GB'], ['1KiB'], [''], [null], [true], [Number.NaN], [{}]])('rejects %j', (input) => {
    expect(parseQuantity(input)).toBeUndefined();
  });
});

describe('parseQuantity on hostile input', () => {
  it('rejects a huge malformed number without backtracking', () => {
    // Counts steps, not time: a polynomial regex would not finish this in any reasonable run.
    expect(parseQuantity(`${'1'.repeat(200_000)}x`)).toBeUndefined();
  });
});
