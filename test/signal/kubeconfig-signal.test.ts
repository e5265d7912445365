import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InvalidSyncRequestError } from '../../src/signal/format-sync.ts';
import {
  createKubeconfigSignal,
  KubeconfigError,
  loadKubeConfig,
} from '../../src/signal/kubeconfig-signal.ts';
import type { Signal, SyncRequest } from '../../src/signal/signal.ts';
import { SignalError } from '../../src/signal/upsert-sync.ts';
import { makeTarget, SHA_A, SHA_B } from '../agent/helpers/make-target.ts';
import { fieldOf } from '../helpers/kube-apiserver/field-of.ts';
import { type FakeKubeApiServer, startKubeApiServer } from '../helpers/kube-apiserver/kube-apiserver.ts';
import { loadSyncCrd } from '../helpers/kube-apiserver/sync-crd.ts';

const SYNC = { apiVersion: 'ferry.dev/v1alpha1', kind: 'Sync', namespace: 'ferry-system', name: 'prod' };

function request(overrides: Partial<SyncRequest> = {}): SyncRequest {
  return {
    target: makeTarget(),
    repository: 'acme/models',
    revision: SHA_A,
    reason: 'merge of #42',
    requestedAt: '2025-05-01T10:00:00Z',
    deploymentId: 7,
    ...overrides,
  };
}

describe('kubeconfig signal', () => {
  let server: FakeKubeApiServer;
  let signal: Signal;

  beforeEach(async () => {
    server = await startKubeApiServer({ crds: [loadSyncCrd()], namespaces: ['default', 'ferry-system'] });
    const kc = new KubeConfig();
    kc.loadFromString(server.kubeconfig());
    signal = createKubeconfigSignal({ kubeConfig: kc });
  });
  afterEach(() => server.close());

  it('creates the target Sync with the full spec when none exists', async () => {
    const result = await signal.sendSync(request());
    expect(result).toEqual({ sync: 'prod', changed: true });
    const sync = server.get(SYNC);
    expect(sync?.spec).toEqual({
      target: 'prod',
      repository: 'acme/models',
      branch: 'main',
      path: 'deploy',
      revision: SHA_A,
      requestedAt: '2025-05-01T10:00:00Z',
      reason: 'merge of #42',
      rollback: false,
      releaseHold: false,
      allowMassPrune: false,
      deploymentId: 7,
    });
    const create = server.requests.find((r) => r.method === 'POST');
    expect(create?.query.fieldManager).toBe('ferry');
  });

  it('merge-patches revision, time and reason, and clears a deployment id the request does not carry', async () => {
    await signal.sendSync(request());
    const { deploymentId: _omit, ...withoutDeployment } = request({
      revision: SHA_B,
      reason: 'ferry sync',
      requestedAt: '2025-05-01T11:00:00Z',
    });
    await signal.sendSync(withoutDeployment);
    const patch = server.requests.find((r) => r.method === 'PATCH');
    expect(patch?.contentType).toBe('application/merge-patch+json');
    expect(patch?.body).toEqual({
      spec: {
        revision: SHA_B,
        requestedAt: '2025-05-01T11:00:00Z',
        reason: 'ferry sync',
        rollback: false,
        releaseHold: false,
        deploymentId: null,
        allowMassPrune: false,
      },
    });
    const spec = server.get(SYNC)?.spec as Record<string, unknown>;
    expect(spec.revision).toBe(SHA_B);
    expect(spec).not.toHaveProperty('deploymentId');
    expect(spec.target).toBe('prod');
  });

  it('treats the same SHA signalled twice as one deploy: no second write', async () => {
    await signal.sendSync(request());
    const writesBefore = server.requests.filter((r) => r.method !== 'GET').length;
    const generation = fieldOf(server.get(SYNC), 'metadata').generation;
    const again = await signal.sendSync(request({ requestedAt: '2025-05-01T10:05:00Z', deploymentId: 8 }));
    expect(again).toEqual({ sync: 'prod', changed: false });
    expect(server.requests.filter((r) => r.method !== 'GET').length).toBe(writesBefore);
    expect(fieldOf(server.get(SYNC), 'metadata').generation).toBe(generation);
  });

  it('sends a rollback to the revision already desired, because the Sync does not say rollback yet', async () => {
    await signal.sendSync(request());
    const result = await signal.sendSync(
      request({ rollback: true, reason: 'rollback requested by @alice on #42' }),
    );
    expect(result.changed).toBe(true);
    expect(fieldOf(server.get(SYNC), 'spec').rollback).toBe(true);
  });

  it('refuses a short SHA before talking to the cluster', async () => {
    await expect(signal.sendSync(request({ revision: 'abc1234' }))).rejects.toBeInstanceOf(
      InvalidSyncRequestError,
    );
    expect(server.requests).toHaveLength(0);
  });

  it('says the agent is not installed when the Sync CRD is missing', async () => {
    const bare = await startKubeApiServer({ namespaces: ['ferry-system'] });
    try {
      const kc = new KubeConfig();
      kc.loadFromString(bare.kubeconfig());
      const err = await createKubeconfigSignal({ kubeConfig: kc })
        .sendSync(request())
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(SignalError);
      expect((err as Error).message).toMatch(/CRD \(syncs\.ferry\.dev\) is not installed/);
    } finally {
      await bare.close();
    }
  });

  it('says the namespace is missing when ferry-system does not exist', async () => {
    const bare = await startKubeApiServer({ crds: [loadSyncCrd()] });
    try {
      const kc = new KubeConfig();
      kc.loadFromString(bare.kubeconfig());
      const err = await createKubeconfigSignal({ kubeConfig: kc })
        .sendSync(request())
        .catch((e: unknown) => e);
      expect((err as Error).message).toMatch(/namespace ferry-system does not exist/);
    } finally {
      await bare.close();
    }
  });

  it('names the RBAC the signal needs when the cluster forbids it', async () => {
    const locked = await startKubeApiServer({
      crds: [loadSyncCrd()],
      namespaces: ['ferry-system'],
      tokens: { 'signal-token': 'ferry-signal' },
      // Only get and patch: creating the first Sync is refused.
      authorize: (a) => a.resource === 'syncs' && ['get', 'patch'].includes(a.verb),
    });
    try {
      const kc = new KubeConfig();
      kc.loadFromString(locked.kubeconfig({ token: 'signal-token' }));
      const err = await createKubeconfigSignal({ kubeConfig: kc })
        .sendSync(request())
        .catch((e: unknown) => e);
      expect((err as Error).message).toMatch(/forbidden \(403\).*get, create and patch on syncs\.ferry\.dev/);
      expect((err as Error).message).toMatch(/User "ferry-signal" cannot create resource "syncs"/);
    } finally {
      await locked.close();
    }
  });
});

describe('loadKubeConfig', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ferry-kubeconfig-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** A kubeconfig file with one context `context` on cluster `cluster` at `server`. */
  function kubeconfig(
    name: string,
    opts: { context: string; cluster: string; server: string; current?: boolean },
  ) {
    const file = join(dir, name);
    writeFileSync(
      file,
      [
        'apiVersion: v1',
        'kind: Config',
        `clusters: [{name: ${opts.cluster}, cluster: {server: "${opts.server}"}}]`,
        `users: [{name: ${opts.context}-user, user: {token: t}}]`,
        `contexts: [{name: ${opts.context}, context: {cluster: ${opts.cluster}, user: ${opts.context}-user}}]`,
        ...(opts.current ? [`current-context: ${opts.context}`] : []),
        '',
      ].join('\n'),
    );
    return file;
  }

  it('merges KUBECONFIG as kubectl does: a missing file is skipped, the first to name a cluster wins', () => {
    const a = kubeconfig('a', {
      context: 'dev',
      cluster: 'shared',
      server: 'https://dev.example',
      current: true,
    });
    const b = kubeconfig('b', { context: 'prod', cluster: 'shared', server: 'https://prod.example' });
    const env = { KUBECONFIG: [join(dir, 'missing'), a, b].join(delimiter) };
    const kc = loadKubeConfig({ env });
    expect(kc.getCurrentContext()).toBe('dev');
    expect(kc.getCurrentCluster()?.server).toBe('https://dev.example');
    expect(loadKubeConfig({ env, context: 'prod' }).getCurrentCluster()?.server).toBe('https://dev.example');
    expect(() =>
      loadKubeConfig({ env: { KUBECONFIG: [join(dir, 'x'), join(dir, 'y')].join(delimiter) } }),
    ).toThrow(/^KUBECONFIG=.*: none of its files exists; pass --kubeconfig PATH/);
  });

  it('says which name a kubeconfig without a current cluster lacks', () => {
    const file = join(dir, 'k');
    const write = (current: string, contextCluster: string) =>
      writeFileSync(
        file,
        [
          'apiVersion: v1',
          'kind: Config',
          'clusters: [{name: c, cluster: {server: "https://c.example"}}]',
          'users: [{name: u, user: {token: t}}]',
          `contexts: [{name: x, context: {cluster: ${contextCluster}, user: u}}]`,
          ...(current ? [`current-context: ${current}`] : []),
          '',
        ].join('\n'),
      );
    write('x', 'gone');
    expect(() => loadKubeConfig({ file })).toThrow(
      `kubeconfig ${file}: context 'x' names cluster 'gone', which is not in the file (clusters: c); add it under clusters, or point the context at one that is`,
    );
    write('y', 'c');
    expect(() => loadKubeConfig({ file })).toThrow(
      `kubeconfig ${file}: current-context 'y' names no context in the file (contexts: x); pass --context NAME or fix current-context`,
    );
    write('', 'c');
    expect(() => loadKubeConfig({ file })).toThrow(
      `kubeconfig ${file} sets no current-context; pass --context NAME (contexts: x) or set current-context in the file`,
    );
    expect(loadKubeConfig({ file, context: 'x' }).getCurrentCluster()?.server).toBe('https://c.example');
  });

  it('says what is wrong with a file that is a folder, not YAML, or YAML of something else', () => {
    writeFileSync(join(dir, 'broken'), 'clusters: [\n');
    writeFileSync(join(dir, 'string'), 'just a string\n');
    const problem = (file: string) => {
      try {
        loadKubeConfig({ file });
      } catch (err) {
        expect(err).toBeInstanceOf(KubeconfigError);
        return (err as Error).message.split('; ')[0];
      }
    };
    expect(problem(dir)).toBe(`kubeconfig ${dir}: is a folder, not a file`);
    expect(problem(join(dir, 'broken'))).toMatch(/^kubeconfig \S+broken: not valid YAML \(.* at line 2\)$/);
    expect(problem(join(dir, 'string'))).toBe(
      `kubeconfig ${join(dir, 'string')}: not a kubeconfig (empty, or YAML without clusters, users and contexts)`,
    );
  });
});
