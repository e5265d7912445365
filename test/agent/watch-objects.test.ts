import { KubeConfig } from '@kubernetes/client-node';
import { afterEach, describe, expect, it } from 'vitest';
import { createClusterClient } from '../../src/agent/cluster-client.ts';
import { createLogger, type LogLevel } from '../../src/agent/logger.ts';
import { watchObjects } from '../../src/agent/watch-objects.ts';
import { type FakeKubeApiServer, startKubeApiServer } from '../helpers/kube-apiserver/kube-apiserver.ts';
import { loadSyncCrd } from '../helpers/kube-apiserver/sync-crd.ts';
import { eventually } from './helpers/agent-harness.ts';
import { SHA_A } from './helpers/make-target.ts';

let server: FakeKubeApiServer | undefined;
afterEach(() => server?.close());

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Watches Syncs on a fresh fake API server without the Sync CRD; log lines are parsed JSON. */
async function watchWithoutCrd(opts: { level: LogLevel; backoffMs?: () => number; maxBackoffMs?: number }) {
  server = await startKubeApiServer({ namespaces: ['ferry-system'] });
  const kc = new KubeConfig();
  kc.loadFromString(server.kubeconfig());
  const logs: { level: string; msg: string; retryInMs?: number }[] = [];
  const changed: string[] = [];
  const watched = watchObjects({
    client: createClusterClient(kc, { timeoutMs: 5000 }),
    apiVersion: 'ferry.dev/v1alpha1',
    kind: 'Sync',
    namespace: 'ferry-system',
    log: createLogger({ level: opts.level, write: (line) => logs.push(JSON.parse(line)) }),
    retryMs: 1,
    ...(opts.backoffMs ? { backoffMs: opts.backoffMs } : {}),
    ...(opts.maxBackoffMs === undefined ? {} : { maxBackoffMs: opts.maxBackoffMs }),
    onChange: (name) => changed.push(name),
  });
  return { server, watched, logs, changed };
}

describe('watchObjects', () => {
  it('retries a watch that keeps failing without piling up listeners on its stop signal', async () => {
    // With no Sync CRD every list fails: each retry paused once and left an abort listener on the one
    // stop signal, never removed (Node warned "MaxListenersExceededWarning … 11 abort listeners").
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(`${w.name}: ${w.message}`);
    process.on('warning', onWarning);
    let failures = 0;
    try {
      const { watched, logs } = await watchWithoutCrd({
        level: 'debug',
        backoffMs: () => 1,
        maxBackoffMs: 1,
      });
      while (logs.length < 25) await sleep(5);
      failures = logs.length;
      await watched.stop();
      // Warnings are emitted on the next tick.
      await new Promise((r) => setImmediate(r));
    } finally {
      process.off('warning', onWarning);
    }
    expect(failures).toBeGreaterThanOrEqual(25);
    expect(warnings.filter((w) => /MaxListeners/.test(w))).toEqual([]);
  });

  it('says once that the CRD is missing, in the CLI’s words, and backs off while it stays missing', async () => {
    // It logged "watch of Syncs ended; reconnecting" with the raw error at every retry, a second apart, forever.
    const { watched, logs } = await watchWithoutCrd({ level: 'debug', maxBackoffMs: 16 });
    await eventually(() => logs.length >= 10, 'ten failed tries');
    await watched.stop();

    const warnings = logs.filter((l) => l.level !== 'debug');
    expect(warnings.map((l) => [l.level, l.msg])).toEqual([
      [
        'warn',
        'watch of Syncs failed: the Sync CRD (syncs.ferry.dev) is not installed: kubectl apply -k infra/agent; retrying with backoff',
      ],
    ]);
    expect(logs.slice(1).every((l) => /^watch of Syncs still failing: the Sync CRD/.test(l.msg))).toBe(true);
    expect(logs.slice(0, 10).map((l) => l.retryInMs)).toEqual([1, 2, 4, 8, 16, 16, 16, 16, 16, 16]);
  });

  it('keeps trying while the CRD is missing and says once when the watch resumes', async () => {
    const { server, watched, logs, changed } = await watchWithoutCrd({ level: 'info', maxBackoffMs: 20 });
    await eventually(() => server.requests.length >= 6, 'a few failed tries');
    server.put(loadSyncCrd());
    // The fake server serves a new CRD's kind once it is Established (after establishDelayMs).
    await eventually(() => logs.some((l) => l.msg === 'watch of Syncs resumed'), 'the watch resumed');
    server.put({
      apiVersion: 'ferry.dev/v1alpha1',
      kind: 'Sync',
      metadata: { name: 'prod', namespace: 'ferry-system' },
      spec: { target: 'prod', repository: 'acme/models', branch: 'main', path: 'deploy', revision: SHA_A },
    });
    await watched.ready;
    await eventually(() => changed.includes('prod'), 'the Sync listed');
    await watched.stop();

    expect(logs.map((l) => [l.level, l.msg])).toEqual([
      [
        'warn',
        'watch of Syncs failed: the Sync CRD (syncs.ferry.dev) is not installed: kubectl apply -k infra/agent; retrying with backoff',
      ],
      ['info', 'watch of Syncs resumed'],
    ]);
  });
});
