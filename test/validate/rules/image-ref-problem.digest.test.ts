import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { imageRefProblem } from '../../../src/validate/rules/image-ref-problem.ts';

describe('imageRefProblem digests', () => {
  const LENGTHS = { sha256: 64, sha384: 96, sha512: 128 } as const;
  it('judges the hex of a digest as the per-length expression did', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('sha256', 'sha384', 'sha512'),
        fc.oneof(
          fc.stringMatching(/^[a-f0-9]{60,130}$/),
          fc.stringMatching(/^[a-fA-F0-9g@:]{60,130}$/),
          fc.integer({ min: 0, max: 130 }).map((n) => 'a'.repeat(n)),
        ),
        (algorithm, hex) => {
          const length = LENGTHS[algorithm];
          const old = new RegExp(`^[a-f0-9]{${length}}$`).test(hex)
            ? undefined
            : `has a ${algorithm} digest that is not ${length} lowercase hex digits`;
          expect(imageRefProblem(`nginx@${algorithm}:${hex}`)).toBe(old);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
