import fc from 'fast-check';
import { expect, test } from 'vitest';
import { formatRunKey, parseRunKey } from '../../src/github/run-key.ts';

const sha = fc.stringMatching(/^[0-9a-f]{40}$/);
const trigger = fc.oneof(
  fc.constant('event'),
  fc.nat().map((n) => `comment-${n}`),
  fc.nat().map((n) => `rerun-${n}`),
);

test('a check run key reads back as the key it was made from', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 10_000_000 }), trigger, sha, (pull, t, base) => {
      const key = { pull, trigger: t, base };
      expect(parseRunKey(formatRunKey(key))).toEqual(key);
    }),
  );
});

test('external ids Ferry did not write are not keys', () => {
  expect(parseRunKey('')).toBeUndefined();
  expect(parseRunKey(null)).toBeUndefined();
  expect(parseRunKey('ci-build-42')).toBeUndefined();
  expect(parseRunKey(`pr/42/event/${'g'.repeat(40)}`)).toBeUndefined();
});
