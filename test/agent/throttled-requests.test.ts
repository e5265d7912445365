import { KubeConfig } from '@kubernetes/client-node';
import { afterEach, describe, expect, it } from 'vitest';
import { createClusterClient } from '../../src/agent/cluster-client.ts';
import { reconcileSync } from '../../src/agent/reconcile-sync.ts';
import { KubeApiError, MAX_RETRY_AFTER_WAITS, parseRetryAfter } from '../../src/signal/kube-object-client.ts';
import type { SyncObject } from '../../src/signal/sync-object.ts';
import type { RecordedRequest } from '../helpers/kube-apiserver/kube-apiserver.ts';
import { type Harness, startHarness } from './helpers/agent-harness.ts';
import { configMap, ferryConfig } from './helpers/manifests.ts';

const CONFIG = ferryConfig({ prod: { path: 'deploy', namespace: 'ml', prune: true } });

function current(h: Harness): SyncObject {
  const sync = h.sync();
  if (!sync) throw new Error('no Sync');
  return sync;
}

/** Milliseconds between the first two requests that match, as the server saw them arrive. */
function gapMs(requests: RecordedRequest[], match: (r: RecordedRequest) => boolean): number {
  const [first, second] = requests.filter(match);
  if (!first || !second) throw new Error('fewer than two matching requests');
  return Number(second.at - first.at) / 1e6;
}

// Faults match before the request is routed: by method and path.
const isConfigMap = (name: string, method: string) => (r: RecordedRequest) =>
  r.method === method && r.path === `/api/v1/namespaces/ml/configmaps/${name}`;
const isNamespaceMl = (r: RecordedRequest) => r.path === '/api/v1/namespaces/ml';

describe('429 Too Many Requests with Retry-After', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('waits what API Priority and Fairness asks before it sends the apply again, and deploys', async () => {
    h = await startHarness();
    h.server.faults.throttleNext(1, { retryAfterSeconds: 1, match: isConfigMap('a', 'PATCH') });
    await h.send(h.repo.commit('main', { '.github/ferry.yml': CONFIG, 'deploy/a.yaml': configMap('a') }));
    expect(await reconcileSync(h.deps, current(h), 'event')).toMatchObject({ result: 'healthy' });
    const patches = h.server.requests.filter(isConfigMap('a', 'PATCH'));
    expect(patches.map((r) => r.status)).toEqual([429, 201]);
    expect(gapMs(h.server.requests, isConfigMap('a', 'PATCH'))).toBeGreaterThanOrEqual(950);
  });

  it('waits the Status’s Retry-After before a prune’s delete is sent again', async () => {
    h = await startHarness();
    await h.send(
      h.repo.commit('main', {
        '.github/ferry.yml': CONFIG,
        'deploy/a.yaml': configMap('a'),
        'deploy/b.yaml': configMap('b'),
      }),
    );
    expect(await reconcileSync(h.deps, current(h), 'event')).toMatchObject({ result: 'healthy' });
    await h.send(h.repo.commit('main', { 'deploy/b.yaml': null }));
    h.server.faults.throttleNext(1, {
      retryAfterSeconds: 1,
      status: true,
      match: isConfigMap('b', 'DELETE'),
    });
    const since = h.server.requests.length;
    expect(await reconcileSync(h.deps, current(h), 'event')).toMatchObject({ result: 'healthy' });
    const after = h.server.requests.slice(since);
    expect(after.filter(isConfigMap('b', 'DELETE')).map((r) => r.status)).toEqual([429, 200]);
    expect(gapMs(after, isConfigMap('b', 'DELETE'))).toBeGreaterThanOrEqual(950);
    expect(h.server.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'ml', name: 'b' })).toBeUndefined();
  });

  it('bounds each wait, and hands the error on with its Retry-After after a few', async () => {
    h = await startHarness();
    const kc = new KubeConfig();
    kc.loadFromString(h.server.kubeconfig());
    // A cap of 20 ms in place of 60 s, so an hour's Retry-After is seen to be cut short.
    const client = createClusterClient(kc, { timeoutMs: 5000, maxRetryAfterMs: 20 });
    const ref = { apiVersion: 'v1', kind: 'Namespace', name: 'ml' };
    h.server.faults.throttleNext(2, { retryAfterSeconds: 3600, match: isNamespaceMl });
    const started = Date.now();
    expect(await client.get(ref)).toMatchObject({ metadata: { name: 'ml' } });
    expect(Date.now() - started).toBeLessThan(2000);
    h.server.faults.throttleNext(MAX_RETRY_AFTER_WAITS + 1, {
      retryAfterSeconds: 3600,
      status: true,
      match: isNamespaceMl,
    });
    const err = await client.get(ref).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KubeApiError);
    expect(err).toMatchObject({ code: 429, reason: 'TooManyRequests', retryAfterSeconds: 3600 });
    expect(h.server.requests.filter((r) => isNamespaceMl(r) && r.status === 429)).toHaveLength(
      MAX_RETRY_AFTER_WAITS + 3,
    );
  });

  it('reads Retry-After as seconds or an HTTP date', () => {
    const now = new Date('2026-12-07T21:00:00Z');
    expect(parseRetryAfter('7', now)).toBe(7);
    expect(parseRetryAfter('Mon, 07 Dec 2026 21:00:30 GMT', now)).toBe(30);
    expect(parseRetryAfter('Mon, 07 Dec 2026 20:59:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });
});
