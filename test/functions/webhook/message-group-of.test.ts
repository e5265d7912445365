import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { messageGroupOf } from '../../../functions/webhook/message-group-of.ts';

describe('messageGroupOf', () => {
  it('groups by repository full name', () => {
    expect(messageGroupOf({ repository: { full_name: 'ml-team/classifier' }, installation: { id: 7 } })).toBe(
      'ml-team/classifier',
    );
  });

  it('falls back to the installation, then to one global group', () => {
    expect(messageGroupOf({ installation: { id: 42 } })).toBe('installation-42');
    expect(messageGroupOf({ action: 'created' })).toBe('ferry-global');
    expect(messageGroupOf(null)).toBe('ferry-global');
  });

  it('fits any repository name into a valid, stable SQS group id, one per name', () => {
    // GitHub: owner ≤ 39 characters, repository ≤ 100; SQS: ≤ 128 printable ASCII characters.
    const owner = fc.stringMatching(/^[A-Za-z0-9-]{1,39}$/);
    const repo = fc.stringMatching(/^[A-Za-z0-9._-]{1,100}$/);
    fc.assert(
      fc.property(owner, repo, repo, (o, r1, r2) => {
        const a = messageGroupOf({ repository: { full_name: `${o}/${r1}` } });
        expect(a.length).toBeLessThanOrEqual(128);
        expect(a).toMatch(/^[\x21-\x7e]+$/);
        expect(messageGroupOf({ repository: { full_name: `${o}/${r1}` } })).toBe(a);
        if (r1 !== r2) expect(messageGroupOf({ repository: { full_name: `${o}/${r2}` } })).not.toBe(a);
      }),
    );
  });

  it('keeps a name that fits unchanged and hashes only the long ones', () => {
    const long = `${'o'.repeat(39)}/${'r'.repeat(100)}`;
    const group = messageGroupOf({ repository: { full_name: long } });
    expect(group).toHaveLength(128);
    expect(group.startsWith('o'.repeat(39))).toBe(true);
    expect(messageGroupOf({ repository: { full_name: 'a/b' } })).toBe('a/b');
  });
});
