import { afterEach, describe, expect, it } from 'vitest';
import { type RunningAgent, runOnce, startAgent } from '../../src/agent/run-agent.ts';
import { fieldOf } from '../helpers/kube-apiserver/field-of.ts';
import { eventually, type Harness, startHarness } from './helpers/agent-harness.ts';
import { configMap, deployment, ferryConfig } from './helpers/manifests.ts';

const CONFIG = ferryConfig({ prod: { path: 'deploy', namespace: 'ml' } });
const CM = { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'ml' };

describe('the agent loop', () => {
  let h: Harness;
  let agent: RunningAgent | undefined;
  afterEach(async () => {
    await agent?.stop();
    agent = undefined;
    await h.close();
  });

  const start = (opts: { resyncMs?: number; pollMs?: number } = {}) => {
    agent = startAgent({
      deps: h.deps,
      resyncMs: opts.resyncMs ?? 3_600_000,
      pollMs: opts.pollMs ?? 0,
      retryMs: 20,
      maxRetryMs: 200,
    });
    return agent.ready;
  };

  it('applies a revision as soon as the signal patches the Sync (watch)', async () => {
    h = await startHarness();
    await start();
    const sha = h.repo.commit('main', { '.github/ferry.yml': CONFIG, 'deploy/app.yaml': deployment('api') });
    await h.send(sha);
    await eventually(() => h.sync()?.status?.phase === 'Healthy', 'Healthy');
    expect(h.sync()?.status?.appliedRevision).toBe(sha);

    const next = h.repo.commit('main', { 'deploy/config.yaml': configMap('settings') });
    await h.send(next);
    await eventually(() => h.sync()?.status?.appliedRevision === next, 'second revision applied');
    expect(h.server.get({ ...CM, name: 'settings' })).toBeDefined();
  });

  it('converges after API server 500s', async () => {
    h = await startHarness();
    await start();
    h.server.faults.failNext(3, { match: (r) => r.contentType === 'application/apply-patch+yaml' });
    const sha = h.repo.commit('main', {
      '.github/ferry.yml': CONFIG,
      'deploy/a.yaml': configMap('a'),
      'deploy/b.yaml': configMap('b'),
    });
    await h.send(sha);
    await eventually(() => h.sync()?.status?.phase === 'Healthy', 'Healthy after 500s');
    const failed = h.server.requests.filter((r) => r.status === 500);
    expect(failed).toHaveLength(3);
    expect(h.server.list(CM)).toHaveLength(2);
    // Each object's apply is sent again after a server error; the reconcile itself did not fail.
    expect(h.logs.some((l) => l.includes('reconcile failed; retrying'))).toBe(false);
  });

  it('converges after API server timeouts', async () => {
    h = await startHarness({ timeoutMs: 300 });
    await start();
    h.server.faults.hangNext(2, { ms: 2000, match: (r) => r.contentType === 'application/apply-patch+yaml' });
    const sha = h.repo.commit('main', { '.github/ferry.yml': CONFIG, 'deploy/a.yaml': configMap('a') });
    await h.send(sha);
    await eventually(() => h.sync()?.status?.phase === 'Healthy', 'Healthy after timeouts');
    expect(h.logs.some((l) => l.includes('timed out'))).toBe(true);
    expect(fieldOf(h.server.get({ ...CM, name: 'a' }), 'metadata').labels).toMatchObject({
      'ferry.dev/target': 'prod',
    });
  });

  it('reconnects when the watch drops, and relists when its resourceVersion is gone (410)', async () => {
    h = await startHarness();
    await start();
    const first = h.repo.commit('main', { '.github/ferry.yml': CONFIG, 'deploy/a.yaml': configMap('a') });
    await h.send(first);
    await eventually(() => h.sync()?.status?.appliedRevision === first, 'first');

    h.server.faults.compactHistory();
    h.server.faults.dropWatches();
    const second = h.repo.commit('main', { 'deploy/b.yaml': configMap('b') });
    await h.send(second);
    await eventually(() => h.sync()?.status?.appliedRevision === second, 'second after a dropped watch');
    const watches = h.server.requests.filter((r) => r.verb === 'watch');
    expect(watches.length).toBeGreaterThanOrEqual(2);
  });

  it('polls the branch head when a signal was missed, through the same Sync patch', async () => {
    h = await startHarness();
    await start();
    const first = h.repo.commit('main', { '.github/ferry.yml': CONFIG, 'deploy/a.yaml': configMap('a') });
    await h.send(first);
    await eventually(() => h.sync()?.status?.phase === 'Healthy', 'first Healthy');
    await agent?.pollNow();
    const missed = h.repo.commit('main', { 'deploy/b.yaml': configMap('b') });
    await agent?.pollNow();
    await eventually(() => h.sync()?.status?.appliedRevision === missed, 'polled head applied');
    expect(h.sync()?.spec.reason).toMatch(/branch head poll: main is at/);
    expect(h.sync()?.status?.lastPolledHead).toBe(missed);
  });

  it('does not undo an explicit rollback by polling the head it rolled back from', async () => {
    h = await startHarness();
    await start();
    const good = h.repo.commit('main', {
      '.github/ferry.yml': CONFIG,
      'deploy/a.yaml': configMap('a', { v: '1' }),
    });
    await h.send(good);
    await eventually(() => h.sync()?.status?.appliedRevision === good, 'good');
    const bad = h.repo.commit('main', { 'deploy/a.yaml': configMap('a', { v: '2' }) });
    await h.send(bad);
    await eventually(() => h.sync()?.status?.appliedRevision === bad, 'bad');
    await h.send(good, { rollback: true, reason: 'rollback requested by @alice on #2' });
    await eventually(() => h.sync()?.status?.appliedRevision === good, 'rolled back');
    await agent?.pollNow();
    await agent?.idle();
    expect(h.sync()?.spec.revision).toBe(good);
    expect(fieldOf(h.server.get({ ...CM, name: 'a' }), 'data')).toEqual({ v: '1' });
  });

  it('does not resync at all with a resync interval of 0 (off)', async () => {
    h = await startHarness();
    await start({ resyncMs: 0 });
    const sha = h.repo.commit('main', { '.github/ferry.yml': CONFIG, 'deploy/a.yaml': configMap('a') });
    await h.send(sha);
    await eventually(() => h.sync()?.status?.phase === 'Healthy', 'Healthy');
    const live = h.server.get({ ...CM, name: 'a' });
    h.server.put({ ...live, data: { mode: 'edited-by-hand' } });
    await new Promise((resolve) => setTimeout(resolve, 300));
    await agent?.idle();
    expect(fieldOf(h.server.get({ ...CM, name: 'a' }), 'data').mode).toBe('edited-by-hand');
  });

  it('self-heals drift on the resync interval', async () => {
    h = await startHarness();
    await start({ resyncMs: 50 });
    const sha = h.repo.commit('main', {
      '.github/ferry.yml': CONFIG,
      'deploy/a.yaml': configMap('a', { mode: 'fast' }),
    });
    await h.send(sha);
    await eventually(() => h.sync()?.status?.phase === 'Healthy', 'Healthy');
    const live = h.server.get({ ...CM, name: 'a' });
    h.server.put({ ...live, data: { mode: 'edited-by-hand' } });
    await eventually(
      () => fieldOf(h.server.get({ ...CM, name: 'a' }), 'data').mode === 'fast',
      'drift corrected',
    );
  });

  it('exposes reconcile outcomes as metrics', async () => {
    h = await startHarness();
    await start();
    await h.send(h.repo.commit('main', { '.github/ferry.yml': CONFIG, 'deploy/a.yaml': configMap('a') }));
    // The outcome is counted once reconcileSync returns, just after the status is written.
    const text = await eventually(() => {
      const t = h.deps.metrics.format();
      return t.includes('ferry_sync_total{target="prod",result="healthy"} 1') ? t : undefined;
    }, 'the outcome counted');
    expect(text).toContain('ferry_resources_managed{target="prod"} 1');
    expect(text).toMatch(/ferry_last_sync_timestamp_seconds\{target="prod"\} \d+/);
    expect(text).toMatch(/ferry_apply_duration_seconds_count [1-9]/);
  });

  it('without the Sync CRD, says so once in the CLI’s words and backs off instead of retrying at a fixed pace', async () => {
    // It logged "watch of Syncs ended; reconnecting" with the raw error at every retry (retryMs: about
    // once a second in a pod), forever.
    h = await startHarness({ server: { crds: [] } });
    agent = startAgent({ deps: h.deps, resyncMs: 0, pollMs: 0, retryMs: 5 });
    await new Promise((r) => setTimeout(r, 400));
    // Every failed try is logged (the repeats at debug level).
    const logged = h.logs.map((l) => JSON.parse(l) as { level: string; msg: string });
    const tries = logged.filter((l) => /^watch of Syncs/.test(l.msg)).length;

    expect(logged.filter((l) => l.level !== 'debug' && /Syncs/.test(l.msg)).map((l) => l.msg)).toEqual([
      'watch of Syncs failed: the Sync CRD (syncs.ferry.dev) is not installed: kubectl apply -k infra/agent; retrying with backoff',
    ]);
    // 5, 10, 20, 40, 80, 160 ms: a handful of tries in 400 ms, not one every 5 ms.
    expect(tries).toBeLessThanOrEqual(10);
  });
});

describe('runOnce', () => {
  let h: Harness;
  afterEach(() => h.close());

  it('reconciles every Sync once and reports each outcome', async () => {
    h = await startHarness();
    const sha = h.repo.commit('main', {
      '.github/ferry.yml': ferryConfig({
        prod: { path: 'deploy', namespace: 'ml' },
        staging: { path: 'staging', namespace: 'ml' },
      }),
      'deploy/a.yaml': configMap('a'),
      'staging/b.yaml': configMap('b'),
    });
    await h.send(sha);
    await h.signal.sendSync({
      target: {
        ...(await import('./helpers/make-target.ts')).makeTarget({ name: 'staging', path: 'staging' }),
      },
      repository: 'acme/models',
      revision: sha,
      reason: 'ferry sync',
      requestedAt: new Date().toISOString(),
    });
    const outcomes = await runOnce(h.deps, { retryMs: 10 });
    expect([...outcomes.entries()].map(([name, o]) => [name, o.result])).toEqual([
      ['prod', 'healthy'],
      ['staging', 'healthy'],
    ]);
    expect(h.server.list(CM)).toHaveLength(2);
  });
});
