import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { editDistance } from '../../../src/manifest/edit-distance.ts';
import { suggestName } from '../../../src/validate/schema/suggest-name.ts';

describe('editDistance', () => {
  it.each([
    ['', '', 0],
    ['abc', '', 3],
    ['imagePullPolicyy', 'imagePullPolicy', 1],
    ['replica', 'replicas', 1],
    ['lables', 'labels', 1],
    ['contianers', 'containers', 1],
    ['kitten', 'sitting', 3],
  ])('counts %s → %s as %i edits (a swap of neighbours is one)', (a, b, d) => {
    expect(editDistance(a, b)).toBe(d);
  });

  it('is zero only for equal strings, symmetric, and bounded by the longer length', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 12 }), fc.string({ maxLength: 12 }), (a, b) => {
        const d = editDistance(a, b);
        expect(d === 0).toBe(a === b);
        expect(editDistance(b, a)).toBe(d);
        expect(d).toBeLessThanOrEqual(Math.max(a.length, b.length));
      }),
    );
  });

  it('agrees with the unbounded distance whenever that is within the bound', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 10 }), fc.string({ maxLength: 10 }), fc.nat(4), (a, b, max) => {
        const full = editDistance(a, b);
        expect(editDistance(a, b, max)).toBe(full <= max ? full : max + 1);
      }),
    );
  });
});

describe('suggestName', () => {
  const fields = ['apiVersion', 'kind', 'metadata', 'spec', 'status'];

  it('suggests metadata for the classic meta', () => {
    expect(suggestName('meta', fields)).toBe('metadata');
  });

  it('prefers a case-insensitive match over a closer edit', () => {
    expect(suggestName('Spec', ['spec', 'Spex'])).toBe('spec');
  });

  it('suggests within two edits', () => {
    expect(suggestName('apiVersoin', fields)).toBe('apiVersion');
    expect(suggestName('knid', fields)).toBe('kind');
  });

  it('takes the nearest of two fields the input is a prefix of, or that are prefixes of it', () => {
    // volcano-sh/volcano's elastic-job example: a pod spec's priorityClass, schema order priority first.
    expect(suggestName('priorityClass', ['priority', 'priorityClassName'])).toBe('priorityClassName');
    expect(suggestName('imagePull', ['imagePullPolicy', 'imagePullSecrets'])).toBe('imagePullPolicy');
  });

  it('stays quiet when nothing is close', () => {
    expect(suggestName('replicas', fields)).toBeUndefined();
    expect(suggestName('ab', ['xy'])).toBeUndefined();
  });
});
