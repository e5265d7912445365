import { describe, expect, it } from 'vitest';
import { decideHold } from '../../src/agent/decide-hold.ts';
import { holdAfter } from '../../src/agent/reconcile-sync.ts';
import { SHA_A, SHA_B, SHA_C } from './helpers/make-target.ts';

const base = { rollback: false, releaseHold: false, order: undefined } as const;

describe('decideHold', () => {
  it.each([
    [
      'no hold: anything goes on to the usual checks',
      { revision: SHA_B, held: undefined },
      { refuse: false, lift: false },
    ],
    [
      'a newer commit than the held one lifts the hold',
      { revision: SHA_C, held: SHA_B, order: 'ahead' },
      { refuse: false, lift: true },
    ],
    [
      'an explicit release lifts it, even for the held commit',
      { revision: SHA_B, held: SHA_B, releaseHold: true },
      { refuse: false, lift: true },
    ],
    [
      'an explicit rollback to another commit keeps it',
      { revision: SHA_A, held: SHA_B, rollback: true, order: 'behind' },
      { refuse: false, lift: false },
    ],
  ] as const)('%s', (_name, facts, expected) => {
    expect(decideHold({ ...base, ...facts })).toEqual(expected);
  });

  it.each([
    ['the held commit itself, re-signalled', { revision: SHA_B, held: SHA_B }, /is held/],
    ['the held commit, even as a "rollback"', { revision: SHA_B, held: SHA_B, rollback: true }, /is held/],
    [
      'a commit older than the held one',
      { revision: SHA_A, held: SHA_B, order: 'behind' },
      /not newer than the held/,
    ],
    [
      'a commit that left the branch',
      { revision: SHA_C, held: SHA_B, order: 'diverged' },
      /not newer than the held/,
    ],
  ] as const)('refuses %s', (_name, facts, message) => {
    const decision = decideHold({ ...base, ...facts });
    expect(decision.refuse).toBe(true);
    expect(decision.refuse && decision.message).toMatch(message);
    expect(decision.refuse && decision.message).toMatch(/ferry sync TARGET --release-hold/);
  });
});

describe('holdAfter', () => {
  it('holds the revision an explicit rollback went back from', () => {
    expect(
      holdAfter({
        state: { kinds: [], appliedRevision: SHA_B },
        revision: SHA_A,
        rollback: true,
        lift: false,
      }),
    ).toBe(SHA_B);
  });
  it('keeps an existing hold through a further rollback', () => {
    expect(
      holdAfter({
        state: { kinds: [], appliedRevision: SHA_A, heldRevision: SHA_C },
        revision: SHA_B,
        rollback: true,
        lift: false,
      }),
    ).toBe(SHA_C);
  });
  it('ends the hold when the request lifted it, and holds nothing for an ordinary deploy', () => {
    expect(
      holdAfter({
        state: { kinds: [], appliedRevision: SHA_A, heldRevision: SHA_B },
        revision: SHA_C,
        rollback: false,
        lift: true,
      }),
    ).toBeUndefined();
    expect(
      holdAfter({
        state: { kinds: [], appliedRevision: SHA_A },
        revision: SHA_B,
        rollback: false,
        lift: false,
      }),
    ).toBeUndefined();
  });
});
