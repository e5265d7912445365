import { KubeConfig } from '@kubernetes/client-node';
import { afterEach, describe, expect, it } from 'vitest';
import { createClusterClient } from '../../src/agent/cluster-client.ts';
import { createLogger } from '../../src/agent/logger.ts';
import { watchObjects } from '../../src/agent/watch-objects.ts';
import { type FakeKubeApiServer, startKubeApiServer } from '../helpers/kube-apiserver/kube-apiserver.ts';

let server: FakeKubeApiServer | undefined;
afterEach(() => server?.close());

describe('watchObjects', () => {
  it('retries a watch that keeps failing without piling up listeners on its stop signal', async () => {
    // With no Sync CRD every list fails: each retry paused once and left an abort listener on the one
    // stop signal, never removed (Node warned "MaxListenersExceededWarning … 11 abort listeners").
    server = await startKubeApiServer({ namespaces: ['ferry-system'] });
    const kc = new KubeConfig();
    kc.loadFromString(server.kubeconfig());
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(`${w.name}: ${w.message}`);
    process.on('warning', onWarning);
    const failures: string[] = [];
    try {
      const watched = watchObjects({
        client: createClusterClient(kc, { timeoutMs: 5000 }),
        apiVersion: 'ferry.dev/v1alpha1',
        kind: 'Sync',
        namespace: 'ferry-system',
        log: createLogger({ level: 'warn', write: (line) => failures.push(line) }),
        retryMs: 1,
        backoffMs: () => 1,
        onChange: () => undefined,
      });
      while (failures.length < 25) await new Promise((r) => setTimeout(r, 5));
      await watched.stop();
      // Warnings are emitted on the next tick.
      await new Promise((r) => setImmediate(r));
    } finally {
      process.off('warning', onWarning);
    }
    expect(failures.length).toBeGreaterThanOrEqual(25);
    expect(failures[0]).toMatch(/watch of Syncs ended; reconnecting/);
    expect(warnings.filter((w) => /MaxListeners/.test(w))).toEqual([]);
  });
});
