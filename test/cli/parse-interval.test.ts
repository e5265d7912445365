import { describe, expect, it } from 'vitest';
import { parseInterval } from '../../src/cli/parse-interval.ts';
import { UsageError } from '../../src/cli/usage-error.ts';

describe('parseInterval (--resync, --poll)', () => {
  it.each([
    [undefined, 300_000],
    ['10s', 10_000],
    ['5m', 300_000],
    ['1.5h', 5_400_000],
    ['0', 0],
    ['0s', 0],
  ])('reads %j as %d ms (0 = off; absent = the default)', (value, ms) => {
    expect(parseInterval('resync', value, 300_000)).toBe(ms);
  });

  it.each([
    ['often', "--resync must be a duration such as 30s, 5m or 1h (got 'often')"],
    ['300', '--resync 300 has no unit: add one, e.g. 300s or 300m (0 turns it off)'],
    ['1ms', "--resync must be at least 10s, or 0 to turn it off (got '1ms')"],
    ['9s', "--resync must be at least 10s, or 0 to turn it off (got '9s')"],
  ])('refuses %j with a usage error', (value, message) => {
    expect(() => parseInterval('resync', value, 300_000)).toThrow(new UsageError(message));
  });
});
