import { afterEach, describe, expect, it } from 'vitest';
import { isFailedApplyOf, reconcileSync } from '../../src/agent/reconcile-sync.ts';
import type { SyncObject } from '../../src/signal/sync-object.ts';
import { fieldOf } from '../helpers/kube-apiserver/field-of.ts';
import { type Harness, startHarness } from './helpers/agent-harness.ts';
import { configMap, ferryConfig } from './helpers/manifests.ts';

const CONFIG = ferryConfig({ prod: { path: 'deploy', namespace: 'ml' } });
const CM = { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'ml' };

function current(h: Harness): SyncObject {
  const sync = h.sync();
  if (!sync) throw new Error('no Sync');
  return sync;
}
const reconcile = (h: Harness, trigger: 'event' | 'resync') => reconcileSync(h.deps, current(h), trigger);
const dataOf = (h: Harness, name: string) => fieldOf(h.server.get({ ...CM, name }), 'data');

describe('an apply the cluster refuses in part', () => {
  let h: Harness;
  afterEach(() => h.close());

  it('says what it left applied, and a resync retries the revision instead of reverting to the last one', async () => {
    let denying = false;
    h = await startHarness({
      server: {
        admission: [
          {
            name: 'policy.acme.dev',
            sideEffects: 'None',
            rules: [{ kinds: ['ConfigMap'], operations: ['CREATE', 'UPDATE'] }],
            review: ({ object }) =>
              denying && JSON.stringify(object).includes('debug')
                ? { message: 'log level debug is not allowed in prod' }
                : true,
          },
        ],
      },
    });
    const first = h.repo.commit('main', {
      '.github/ferry.yml': CONFIG,
      'deploy/a.yaml': configMap('a', { model: 'v1' }),
      'deploy/b.yaml': configMap('b', { log: 'info' }),
    });
    await h.send(first);
    expect((await reconcile(h, 'event')).result).toBe('healthy');

    denying = true;
    const second = h.repo.commit('main', {
      'deploy/a.yaml': configMap('a', { model: 'v2' }),
      'deploy/b.yaml': configMap('b', { log: 'debug' }),
    });
    await h.send(second);
    expect(await reconcile(h, 'event')).toMatchObject({
      result: 'failed',
      phase: 'Failed',
      message:
        '1 object(s) failed to apply: ConfigMap ml/b: configmaps "b" is forbidden: admission webhook "policy.acme.dev" denied the request: log level debug is not allowed in prod; 1 other object(s) were applied at this revision and nothing was pruned; the next resync retries it',
    });
    expect(dataOf(h, 'a')).toEqual({ model: 'v2' });
    expect(current(h).status?.appliedRevision).toBe(first);
    expect(isFailedApplyOf(current(h))).toBe(true);

    // Still refused: the resync retries the request, and does not put `a` back to the previous revision.
    expect(await reconcile(h, 'resync')).toMatchObject({ result: 'failed', phase: 'Failed' });
    expect(dataOf(h, 'a')).toEqual({ model: 'v2' });
    expect(current(h).status?.history?.at(-1)).toMatchObject({ revision: second, reason: 'ApplyFailed' });

    // The policy is fixed: the next resync deploys the revision the Sync asks for.
    denying = false;
    expect(await reconcile(h, 'resync')).toMatchObject({ result: 'healthy', phase: 'Healthy' });
    expect(dataOf(h, 'b')).toEqual({ log: 'debug' });
    expect(current(h).status).toMatchObject({ appliedRevision: second, lastHealthyRevision: second });
    expect(isFailedApplyOf(current(h))).toBe(false);
    expect(await reconcile(h, 'resync')).toMatchObject({ result: 'unchanged' });
  });
});
