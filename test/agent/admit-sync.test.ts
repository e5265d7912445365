import { describe, expect, it } from 'vitest';
import { admitSync } from '../../src/agent/admit-sync.ts';
import type { SyncObject } from '../../src/signal/sync-object.ts';
import { SHA_A } from './helpers/make-target.ts';

function sync(name: string, spec: Partial<SyncObject['spec']> = {}): SyncObject {
  return {
    apiVersion: 'ferry.dev/v1alpha1',
    kind: 'Sync',
    metadata: { name, namespace: 'ferry-system' },
    spec: { target: 'prod', repository: 'acme/models', revision: SHA_A, ...spec },
  };
}

const trust = { repositories: ['acme/models'] };

describe('admitSync', () => {
  it('admits the target’s own Sync from a trusted repository (owner/repo compared without case)', () => {
    expect(admitSync(sync('prod'), trust)).toEqual({ ok: true });
    expect(admitSync(sync('prod', { repository: 'Acme/Models' }), trust)).toEqual({ ok: true });
  });

  it.each([
    [
      'a second Sync for the target under another name',
      sync('prod-2'),
      trust,
      'NotTheTargetSync',
      /Sync prod-2 asks for target prod, whose Sync is prod/,
    ],
    [
      'a Sync for a repository the admin did not list',
      sync('prod', { repository: 'mallory/models' }),
      trust,
      'UntrustedRepository',
      /mallory\/models is not one this agent deploys/,
    ],
    [
      'a target outside FERRY_TARGETS',
      sync('prod'),
      { ...trust, targets: ['staging'] },
      'UntrustedTarget',
      /target prod is not one/,
    ],
    [
      'anything when no repository is configured',
      sync('prod'),
      { repositories: [] },
      'NotConfigured',
      /set FERRY_REPOSITORIES/,
    ],
  ] as const)('refuses %s', (_name, s, t, reason, message) => {
    const admission = admitSync(s, t);
    expect(admission).toMatchObject({ ok: false, reason });
    expect(!admission.ok && admission.message).toMatch(message);
  });
});
