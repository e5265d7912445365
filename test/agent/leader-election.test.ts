import { afterEach, describe, expect, it } from 'vitest';
import type { AgentDeps } from '../../src/agent/agent-deps.ts';
import type { ClusterClient } from '../../src/agent/cluster-client.ts';
import { decideLease, type LeaderElection, startLeaderElection } from '../../src/agent/leader-election.ts';
import { createLogger } from '../../src/agent/logger.ts';
import { reconcileSync } from '../../src/agent/reconcile-sync.ts';
import { type RunningAgent, startAgent } from '../../src/agent/run-agent.ts';
import type { SyncObject } from '../../src/signal/sync-object.ts';
import { fieldOf } from '../helpers/kube-apiserver/field-of.ts';
import { eventually, type Harness, startHarness } from './helpers/agent-harness.ts';
import { configMap, ferryConfig } from './helpers/manifests.ts';

const NOW = new Date('2026-01-01T00:00:10Z');
const LEASE = {
  apiVersion: 'coordination.k8s.io/v1',
  kind: 'Lease',
  namespace: 'ferry-system',
  name: 'ferry-agent',
};

describe('decideLease', () => {
  it.each([
    ['takes a Lease nobody holds', undefined, 'acquire'],
    ['takes a released Lease', { leaseDurationSeconds: 15 }, 'acquire'],
    [
      'renews its own',
      { holderIdentity: 'me', leaseDurationSeconds: 15, renewTime: '2026-01-01T00:00:09.000000Z' },
      'renew',
    ],
    [
      'waits while the holder renews',
      { holderIdentity: 'other', leaseDurationSeconds: 15, renewTime: '2026-01-01T00:00:00.000000Z' },
      'wait',
    ],
    [
      'takes one whose holder stopped renewing',
      { holderIdentity: 'other', leaseDurationSeconds: 5, renewTime: '2026-01-01T00:00:04.000000Z' },
      'acquire',
    ],
  ] as const)('%s', (_name, lease, action) => {
    expect(decideLease({ lease, identity: 'me', now: NOW })).toBe(action);
  });
});

/** A replica's client that can be killed: after kill(), no request leaves it (a crashed process). */
function killable(client: ClusterClient, dieOnApply: number) {
  let dead = false;
  let applies = 0;
  const never = new Promise<never>(() => undefined);
  const wrapped = new Proxy(client, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        if (prop === 'apply' && ++applies === dieOnApply) dead = true;
        if (dead) return never;
        return value.apply(target, args);
      };
    },
  });
  return { client: wrapped, isDead: () => dead };
}

describe('two replicas', () => {
  let h: Harness;
  const elections: LeaderElection[] = [];
  const agents: RunningAgent[] = [];
  afterEach(async () => {
    for (const a of agents.splice(0)) await a.stop();
    for (const e of elections.splice(0)) await e.stop();
    await h.close();
  });

  const replica = (deps: AgentDeps, identity: string, opts: { runAgent?: boolean } = {}) => {
    let agent: RunningAgent | undefined;
    const election = startLeaderElection({
      client: deps.client,
      namespace: 'ferry-system',
      identity,
      leaseDurationMs: 800,
      retryMs: 50,
      now: () => new Date(),
      log: createLogger({ level: 'silent' }),
      onStartedLeading: () => {
        if (opts.runAgent === false) return;
        agent = startAgent({ deps, resyncMs: 3_600_000, pollMs: 0, retryMs: 20, maxRetryMs: 200 });
      },
      onStoppedLeading: () => undefined,
    });
    return { election, agent: () => agent };
  };

  it('lets one replica lead; the other stands by and takes over when the leader steps down', async () => {
    h = await startHarness();
    const a = replica(h.deps, 'a', { runAgent: false });
    elections.push(a.election);
    await eventually(() => a.election.isLeader(), 'a leads');
    const b = replica(h.deps, 'b', { runAgent: false });
    elections.push(b.election);
    // Several of b's attempts (every 50 ms) while a renews.
    await new Promise((r) => setTimeout(r, 300));
    expect(b.election.isLeader()).toBe(false);
    expect(fieldOf(h.server.get(LEASE), 'spec').holderIdentity).toBe('a');
    await a.election.stop();
    await eventually(() => b.election.isLeader(), 'b takes over after a releases');
    expect(fieldOf(h.server.get(LEASE), 'spec')).toMatchObject({ holderIdentity: 'b', leaseTransitions: 1 });
  });

  it('finishes a sync the killed leader started, without applying an object twice or a partial prune', async () => {
    h = await startHarness();
    const config = ferryConfig({ prod: { path: 'deploy', namespace: 'ml' } });
    const keep = Object.fromEntries(['a', 'b', 'c'].map((n) => [`deploy/${n}.yaml`, configMap(n)]));
    const first = h.repo.commit('main', {
      '.github/ferry.yml': config,
      ...keep,
      'deploy/gone.yaml': configMap('gone'),
    });
    await h.send(first);
    await reconcileSync(h.deps, h.sync() as SyncObject, 'event');
    const added = ['n1', 'n2', 'n3', 'n4', 'n5', 'n6'];
    const second = h.repo.commit('main', {
      'deploy/gone.yaml': null,
      ...Object.fromEntries(added.map((n) => [`deploy/${n}.yaml`, configMap(n)])),
    });
    const before = h.server.requests.length;

    // Replica a leads, and dies on its third apply request of the next revision.
    const crashing = killable(h.deps.client, 3);
    const a = replica({ ...h.deps, client: crashing.client, applyConcurrency: 1 }, 'a');
    await eventually(() => a.election.isLeader(), 'a leads');
    const b = replica(h.deps, 'b');
    elections.push(b.election);
    await h.send(second);
    await eventually(() => crashing.isDead(), 'a died mid-sync');
    expect(
      h.server.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'ml', name: 'gone' }),
    ).toBeDefined();

    await eventually(() => b.election.isLeader(), 'b took the lease after it expired');
    const agentB = b.agent();
    if (agentB) agents.push(agentB);
    await eventually(
      () => h.sync()?.status?.appliedRevision === second && h.sync()?.status?.phase === 'Healthy',
      'b finished',
    );

    const after = h.server.requests.slice(before);
    const applied = after.filter((r) => r.contentType === 'application/apply-patch+yaml').map((r) => r.name);
    expect([...applied].sort()).toEqual(added);
    const deleted = after.filter((r) => r.method === 'DELETE').map((r) => r.name);
    expect(deleted).toEqual(['gone']);
    const names = h.server
      .list({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'ml' })
      .map((c) => String(fieldOf(c, 'metadata').name))
      .sort();
    expect(names).toEqual(['a', 'b', 'c', ...added]);
  });
});
