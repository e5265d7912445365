import { afterEach, describe, expect, it } from 'vitest';
import { reconcileSync } from '../../src/agent/reconcile-sync.ts';
import type { SyncObject } from '../../src/signal/sync-object.ts';
import type { AdmissionVerdict } from '../helpers/kube-apiserver/admission.ts';
import type { RecordedRequest } from '../helpers/kube-apiserver/kube-apiserver.ts';
import { type Harness, startHarness } from './helpers/agent-harness.ts';
import { configMap, ferryConfig } from './helpers/manifests.ts';

const CONFIG = ferryConfig({ prod: { path: 'deploy', namespace: 'ml' } });
const CM = { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'ml' };

function current(h: Harness): SyncObject {
  const sync = h.sync();
  if (!sync) throw new Error('no Sync');
  return sync;
}

const applyOf = (name: string) => (r: RecordedRequest) =>
  r.method === 'PATCH' && r.path === `/api/v1/namespaces/ml/configmaps/${name}`;

describe('server errors on an apply', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('sends the object again after a passing server error (etcd’s leader changed) and deploys', async () => {
    h = await startHarness();
    // An etcd error is no Status: the API server sends it as a 500 with no reason (ErrorToAPIStatus).
    h.server.faults.failNext(1, {
      code: 500,
      reason: '',
      message: 'etcdserver: leader changed',
      match: applyOf('a'),
    });
    await h.send(h.repo.commit('main', { '.github/ferry.yml': CONFIG, 'deploy/a.yaml': configMap('a') }));
    expect(await reconcileSync(h.deps, current(h), 'event')).toMatchObject({ result: 'healthy' });
    expect(h.server.requests.filter(applyOf('a')).map((r) => r.status)).toEqual([500, 201]);
  });

  it('fails the object a webhook that cannot be called matches, says so, and applies the rest', async () => {
    let down = true;
    const verdict = (): AdmissionVerdict =>
      down
        ? {
            callError:
              'Post "https://policy.kyverno.svc:443/validate?timeout=10s": context deadline exceeded',
          }
        : true;
    h = await startHarness({
      server: {
        admission: [
          {
            name: 'validate.kyverno.svc',
            sideEffects: 'None',
            rules: [{ kinds: ['ConfigMap'], operations: ['CREATE', 'UPDATE'] }],
            review: (r) => (r.name === 'guarded' ? verdict() : true),
          },
        ],
      },
    });
    await h.send(
      h.repo.commit('main', {
        '.github/ferry.yml': CONFIG,
        'deploy/guarded.yaml': configMap('guarded'),
        'deploy/free.yaml': configMap('free'),
      }),
    );
    expect(await reconcileSync(h.deps, current(h), 'event')).toMatchObject({
      result: 'failed',
      phase: 'Failed',
      message:
        '1 object(s) failed to apply: ConfigMap ml/guarded: admission webhook validate.kyverno.svc could not be called (Internal error occurred: failed calling webhook "validate.kyverno.svc": failed to call webhook: Post "https://policy.kyverno.svc:443/validate?timeout=10s": context deadline exceeded): it is down or too slow, and with failurePolicy Fail the API server refuses what it matches; check its Service and pods; 1 other object(s) were applied at this revision and nothing was pruned; the next resync retries it',
    });
    expect(h.server.requests.filter(applyOf('guarded')).map((r) => r.status)).toEqual([500, 500, 500]);
    expect(current(h).status?.phase).toBe('Failed');
    expect(h.server.get({ ...CM, name: 'free' })).toBeDefined();
    // Once the webhook answers again, the resync deploys the request.
    down = false;
    expect(await reconcileSync(h.deps, current(h), 'resync')).toMatchObject({ result: 'healthy' });
    expect(h.server.get({ ...CM, name: 'guarded' })).toBeDefined();
  });

  it('fails a deploy whose reads the agent’s RBAC refuses, says which right, and deploys once granted', async () => {
    let granted = false;
    h = await startHarness({
      server: {
        authorize: (a) =>
          granted || !(a.resource === 'configmaps' && a.namespace === 'ml' && a.verb === 'list'),
      },
    });
    await h.send(h.repo.commit('main', { '.github/ferry.yml': CONFIG, 'deploy/a.yaml': configMap('a') }));
    expect(await reconcileSync(h.deps, current(h), 'event')).toMatchObject({
      result: 'failed',
      phase: 'Failed',
      message:
        'the API server refused the agent: configmaps is forbidden: User "system:anonymous" cannot list resource "configmaps" in API group "" in the namespace "ml" (grant the ferry-agent service account that right: infra/agent/rbac-apply.yaml for the target\'s namespaces and kinds; the next resync retries it)',
    });
    expect(current(h).status).toMatchObject({ phase: 'Failed' });
    granted = true;
    expect(await reconcileSync(h.deps, current(h), 'resync')).toMatchObject({ result: 'healthy' });
    expect(h.server.get({ ...CM, name: 'a' })).toBeDefined();
  });

  it('patches the target’s state when it was created between its 404 and the agent’s create (409)', async () => {
    h = await startHarness();
    const server = h.server;
    const stateRef = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      namespace: 'ferry-system',
      name: 'ferry-target-prod',
    };
    server.onRequest = (r) => {
      if (r.method !== 'POST' || r.path !== '/api/v1/namespaces/ferry-system/configmaps') return;
      server.onRequest = undefined;
      // Someone else creates it first: the agent's create gets 409 AlreadyExists.
      server.put({ ...stateRef, metadata: { name: stateRef.name, namespace: stateRef.namespace }, data: {} });
    };
    await h.send(h.repo.commit('main', { '.github/ferry.yml': CONFIG, 'deploy/a.yaml': configMap('a') }));
    expect(await reconcileSync(h.deps, current(h), 'event')).toMatchObject({ result: 'healthy' });
    expect(server.requests.some((r) => r.method === 'POST' && r.status === 409)).toBe(true);
    expect(server.get(stateRef)?.data).toMatchObject({ appliedRevision: current(h).spec.revision });
  });
});
