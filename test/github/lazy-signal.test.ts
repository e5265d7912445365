import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLazySignalFor } from '../../src/github/ferry-deps.ts';
import { makeTarget, SHA_A } from '../agent/helpers/make-target.ts';
import { fieldOf } from '../helpers/kube-apiserver/field-of.ts';
import { type FakeKubeApiServer, startKubeApiServer } from '../helpers/kube-apiserver/kube-apiserver.ts';
import { loadSyncCrd } from '../helpers/kube-apiserver/sync-crd.ts';

describe("the App's default signalFor", () => {
  let server: FakeKubeApiServer;
  let dir: string;
  const saved = process.env.KUBECONFIG;

  beforeEach(async () => {
    server = await startKubeApiServer({ crds: [loadSyncCrd()], namespaces: ['ferry-system'] });
    dir = await mkdtemp(join(tmpdir(), 'ferry-lazy-signal-'));
    process.env.KUBECONFIG = join(dir, 'kubeconfig.json');
    await writeFile(process.env.KUBECONFIG, server.kubeconfig());
  });
  afterEach(async () => {
    process.env.KUBECONFIG = saved;
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('has no Signal for a preview-only target (no cluster)', () => {
    expect(createLazySignalFor()(makeTarget({ cluster: undefined }))).toBeUndefined();
  });

  it('patches the Sync through the kubeconfig of a `provider: kubeconfig` target', async () => {
    const target = makeTarget({ name: 'prod', cluster: { provider: 'kubeconfig' } });
    const signal = createLazySignalFor()(target);
    const result = await signal?.sendSync({
      target,
      repository: 'acme/models',
      revision: SHA_A,
      reason: 'merge of #7',
      requestedAt: '2026-01-01T00:00:00Z',
    });
    expect(result).toEqual({ sync: 'prod', changed: true });
    const sync = server.get({
      apiVersion: 'ferry.dev/v1alpha1',
      kind: 'Sync',
      namespace: 'ferry-system',
      name: 'prod',
    });
    expect(fieldOf(sync, 'spec').revision).toBe(SHA_A);
  });

  it('reports an EKS target without a region as a failed signal, not a crash at startup', async () => {
    const target = makeTarget({ cluster: { provider: 'eks', name: 'ml-prod' } });
    const signal = createLazySignalFor({})(target);
    await expect(
      signal?.sendSync({
        target,
        repository: 'a/b',
        revision: SHA_A,
        reason: 'x',
        requestedAt: '2026-01-01T00:00:00Z',
      }),
    ).rejects.toThrow(/no region/);
  });
});
