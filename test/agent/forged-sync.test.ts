import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { reconcileSync } from '../../src/agent/reconcile-sync.ts';
import { SYNC_API_VERSION, SYNC_KIND, type SyncObject } from '../../src/signal/sync-object.ts';
import { fieldOf } from '../helpers/kube-apiserver/field-of.ts';
import { type Harness, startHarness } from './helpers/agent-harness.ts';
import { makeTarget } from './helpers/make-target.ts';
import { configMap, deployment, ferryConfig } from './helpers/manifests.ts';

// Someone with the ferry:signal rights (get, create, patch on Syncs) forges requests. Trust comes from
// the agent's install-time config and the repository's default branch, so each is refused and says why.
const DEPLOY = { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'ml' };
const CM = { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'ml' };
const CONFIG = ferryConfig({ prod: { path: 'deploy', namespace: 'ml' } });

function imageOf(h: Harness): string | undefined {
  const api = h.server.get({ ...DEPLOY, name: 'api' });
  return (fieldOf(api, 'spec').template as { spec: { containers: { image: string }[] } }).spec.containers[0]
    ?.image;
}

function warnings(h: Harness): { reason: string; message: string; about: string }[] {
  return h.server
    .list({ apiVersion: 'v1', kind: 'Event', namespace: 'ferry-system' })
    .filter((e) => e.type === 'Warning')
    .map((e) => ({
      reason: String(e.reason),
      message: String(e.message),
      about: String((e.involvedObject as { name: string }).name),
    }));
}

async function createSync(h: Harness, name: string, spec: Partial<SyncObject['spec']>): Promise<SyncObject> {
  await h.deps.client.create(
    {
      apiVersion: SYNC_API_VERSION,
      kind: SYNC_KIND,
      metadata: { name, namespace: 'ferry-system' },
      spec: { target: 'prod', repository: 'acme/models', ...spec },
    },
    { fieldManager: 'mallory' },
  );
  const sync = h.sync(name);
  if (!sync) throw new Error(`no Sync ${name}`);
  return sync;
}

const applies = (h: Harness) =>
  h.server.requests.filter((r) => r.contentType === 'application/apply-patch+yaml').length;

describe('forged Syncs', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(() => h.close());

  it('refuses a second Sync for the target at an older commit: no rollback, no re-created Service', async () => {
    const older = h.repo.commit('main', {
      '.github/ferry.yml': CONFIG,
      'deploy/app.yaml': deployment('api', { image: 'ghcr.io/acme/server:1.0.0' }),
      'deploy/old.yaml': configMap('old'),
    });
    const newer = h.repo.commit('main', {
      'deploy/app.yaml': deployment('api', { image: 'ghcr.io/acme/server:2.0.0' }),
      'deploy/old.yaml': null,
    });
    await h.send(newer);
    expect((await reconcileSync(h.deps, h.sync() as SyncObject, 'event')).result).toBe('healthy');
    const before = applies(h);

    const forged = await createSync(h, 'prod-again', { revision: older, branch: 'main', path: 'deploy' });
    const outcome = await reconcileSync(h.deps, forged, 'event');
    expect(outcome).toMatchObject({ result: 'refused' });
    expect(applies(h)).toBe(before);
    expect(imageOf(h)).toBe('ghcr.io/acme/server:2.0.0');
    expect(h.server.get({ ...CM, name: 'old' })).toBeUndefined();
    expect(warnings(h)).toEqual([
      {
        reason: 'NotTheTargetSync',
        message: expect.stringMatching(/Sync prod-again asks for target prod, whose Sync is prod/),
        about: 'prod-again',
      },
    ]);
    // A resync of the forged Sync does nothing either.
    expect(await reconcileSync(h.deps, h.sync('prod-again') as SyncObject, 'resync')).toEqual({
      result: 'unchanged',
      message: 'not acted on',
    });
    expect(applies(h)).toBe(before);
  });

  it('verifies against the branch in ferry.yml on the default branch, not a Sync’s spec.branch: feature-x', async () => {
    const merged = h.repo.commit('main', {
      '.github/ferry.yml': CONFIG,
      'deploy/app.yaml': deployment('api'),
    });
    const unmerged = h.repo.commitOn(merged, { 'deploy/evil.yaml': configMap('evil') });
    h.repo.branches.set('feature-x', unmerged);
    // The target's own Sync, created by the forger with branch feature-x (it does not exist yet).
    await h.send(unmerged, { target: makeTarget({ branch: 'feature-x' }) });
    expect(h.sync()?.spec.branch).toBe('feature-x');
    const outcome = await reconcileSync(h.deps, h.sync() as SyncObject, 'event');
    expect(outcome).toMatchObject({ result: 'refused' });
    expect(h.server.get({ ...CM, name: 'evil' })).toBeUndefined();
    expect(applies(h)).toBe(0);
    expect(warnings(h)).toEqual([
      {
        reason: 'Unmerged',
        message: expect.stringMatching(/is not on branch main of acme\/models/),
        about: 'prod',
      },
    ]);
  });

  it('refuses a Sync for a repository the admin did not list, without asking GitHub about it', async () => {
    h.repo.commit('main', { '.github/ferry.yml': CONFIG, 'deploy/app.yaml': deployment('api') });
    const sha = h.repo.commit('main', { 'deploy/evil.yaml': configMap('evil') });
    await h.send(sha, { repository: 'mallory/models' });
    const outcome = await reconcileSync(h.deps, h.sync() as SyncObject, 'event');
    expect(outcome).toMatchObject({ result: 'refused' });
    expect(applies(h)).toBe(0);
    expect(h.github.compareCalls).toBe(0);
    expect(h.github.statuses).toEqual([]);
    expect(warnings(h)).toEqual([
      {
        reason: 'UntrustedRepository',
        message: expect.stringMatching(
          /mallory\/models is not one this agent deploys \(FERRY_REPOSITORIES: acme\/models\)/,
        ),
        about: 'prod',
      },
    ]);
  });

  it('refuses a target the default branch does not configure', async () => {
    const sha = h.repo.commit('main', { '.github/ferry.yml': CONFIG, 'deploy/app.yaml': deployment('api') });
    await h.send(sha, { target: makeTarget({ name: 'staging' }) });
    const outcome = await reconcileSync(h.deps, h.sync('staging') as SyncObject, 'event');
    expect(outcome).toMatchObject({ result: 'refused' });
    expect(warnings(h)).toEqual([
      {
        reason: 'NotConfigured',
        message: expect.stringMatching(
          /target staging is not in \.github\/ferry\.yml on main .*\(targets: prod\)/,
        ),
        about: 'staging',
      },
    ]);
  });
});
