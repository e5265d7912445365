import { describe, expect, it } from 'vitest';
import { memoizeByString } from '../../src/validate/memoize-by-string.ts';

describe('memoizeByString', () => {
  it('judges each string once, undefined results included', () => {
    const seen: string[] = [];
    const judge = memoizeByString((value: string) => {
      seen.push(value);
      return value === 'bad' ? 'is bad' : undefined;
    });
    expect([judge('bad'), judge('ok'), judge('bad'), judge('ok')]).toEqual([
      'is bad',
      undefined,
      'is bad',
      undefined,
    ]);
    expect(seen).toEqual(['bad', 'ok']);
  });

  it('gives what the function gives, past the cache bound too', () => {
    const length = memoizeByString((value: string) => value.length);
    for (let i = 0; i < 25_000; i++) expect(length(String(i % 12_000))).toBe(String(i % 12_000).length);
  });
});
