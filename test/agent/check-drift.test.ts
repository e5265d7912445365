import { KubeConfig } from '@kubernetes/client-node';
import { afterEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { checkDrift } from '../../src/agent/check-drift.ts';
import { createClusterClient } from '../../src/agent/cluster-client.ts';
import { parseManifests } from '../../src/manifest/parse-manifests.ts';
import type { Resource } from '../../src/types.ts';
import { type FakeKubeApiServer, startKubeApiServer } from '../helpers/kube-apiserver/kube-apiserver.ts';
import { configMap, deployment } from './helpers/manifests.ts';

let server: FakeKubeApiServer;
afterEach(() => server?.close());

async function start() {
  server = await startKubeApiServer({ namespaces: ['default', 'ml'] });
  const kc = new KubeConfig();
  kc.loadFromString(server.kubeconfig());
  return createClusterClient(kc, { timeoutMs: 5000 });
}

const parse = (text: string, file: string): Resource[] =>
  parseManifests(text, file, { defaultNamespace: 'ml' }).resources;

const withLimits = (cpu: string, memory: string) =>
  stringify({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'worker' },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: 'worker' } },
      template: {
        metadata: { labels: { app: 'worker' } },
        spec: {
          containers: [{ name: 'w', image: 'ghcr.io/acme/w:1', resources: { limits: { cpu, memory } } }],
        },
      },
    },
  });

describe('checkDrift', () => {
  it('names a hand edit by its field manager, a deleted object, and ignores quantities only written differently', async () => {
    const client = await start();
    const applied = parse(
      [deployment('api', { replicas: 2 }), configMap('settings'), withLimits('1', '1Gi')].join('---\n'),
      'deploy/app.yaml',
    );
    for (const r of applied) {
      await client.apply(
        { ...r.object, metadata: { ...(r.object.metadata as object), namespace: 'ml' } },
        {
          fieldManager: 'ferry',
          force: true,
        },
      );
    }
    // What the cluster stores for the worker is the same amount in another notation.
    const worker = server.get({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'ml', name: 'worker' });
    expect(worker).toBeDefined();
    await client.mergePatch(
      { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'ml', name: 'worker' },
      {
        spec: {
          template: {
            spec: {
              containers: [
                {
                  name: 'w',
                  image: 'ghcr.io/acme/w:1',
                  resources: { limits: { cpu: '1000m', memory: '1024Mi' } },
                },
              ],
            },
          },
        },
      },
      { fieldManager: 'kubectl-edit' },
    );
    await client.mergePatch(
      { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'ml', name: 'api' },
      { spec: { replicas: 5 } },
      { fieldManager: 'kubectl-edit' },
    );
    await client.delete({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'ml', name: 'settings' });
    server.mutations.length = 0;
    const before = server.requests.length;

    const head = parse(
      [deployment('api', { replicas: 3 }), configMap('settings')].join('---\n'),
      'deploy/app.yaml',
    );
    const out = await checkDrift({ client, applied, head, concurrency: 2, branch: 'main' });
    expect(out.state).toBe('done');
    expect(out.findings).toEqual([
      {
        check: 'drift',
        severity: 'warning',
        resource: 'Deployment ml/api',
        file: 'deploy/app.yaml',
        line: head[0]?.lines?.lineOf('/spec/replicas'),
        message:
          'changed in the cluster (not by Ferry): spec.replicas: main says 2, cluster has 5 (kubectl-edit)',
      },
      {
        check: 'drift',
        severity: 'warning',
        resource: 'ConfigMap ml/settings',
        file: 'deploy/app.yaml',
        line: head[1]?.line,
        message: 'deleted in the cluster (not by Ferry)',
      },
    ]);
    expect(server.mutations).toEqual([]);
    expect(server.requests.slice(before).filter((r) => r.method !== 'GET')).toEqual([]);
  });

  it('stops at the signal and says how many objects it compared', async () => {
    const client = await start();
    const controller = new AbortController();
    controller.abort();
    const applied = parse(configMap('a'), 'deploy/a.yaml');
    const out = await checkDrift({ client, applied, head: [], concurrency: 1, signal: controller.signal });
    expect(out).toEqual({
      findings: [],
      state: 'timed-out',
      note: 'stopped at the deadline: 0 of 1 objects compared',
    });
  });
});
