import { KubeConfig } from '@kubernetes/client-node';
import { afterEach, describe, expect, it } from 'vitest';
import { checkCapacity } from '../../src/agent/check-capacity.ts';
import { createClusterClient } from '../../src/agent/cluster-client.ts';
import { parseManifests } from '../../src/manifest/parse-manifests.ts';
import type { Resource } from '../../src/types.ts';
import { type FakeKubeApiServer, startKubeApiServer } from '../helpers/kube-apiserver/kube-apiserver.ts';

type Obj = Record<string, unknown>;

let server: FakeKubeApiServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function start(opts: Parameters<typeof startKubeApiServer>[0] = {}) {
  server = await startKubeApiServer({ namespaces: ['default', 'ml', 'team'], ...opts });
  const kc = new KubeConfig();
  kc.loadFromString(server.kubeconfig({ token: 'agent' }));
  return { server, client: createClusterClient(kc, { timeoutMs: 5000 }) };
}

function deployment(replicas: number, gpus: number, image = 'vllm/vllm-openai:v0.6.0'): Resource[] {
  const object = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'llm', namespace: 'ml' },
    spec: {
      replicas,
      selector: { matchLabels: { app: 'llm' } },
      template: {
        metadata: { labels: { app: 'llm' } },
        spec: { containers: [{ name: 'server', image, resources: { limits: { 'nvidia.com/gpu': gpus } } }] },
      },
    },
  };
  return parseManifests(JSON.stringify(object), 'apps/llm.yaml').resources;
}

function putNode(s: FakeKubeApiServer, name: string, gpus: number): void {
  s.put({
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { 'nvidia.com/gpu.product': 'NVIDIA-H100-80GB-HBM3' } },
    spec: {},
  });
  s.setStatus(
    { apiVersion: 'v1', kind: 'Node', name },
    { allocatable: { 'nvidia.com/gpu': String(gpus) }, conditions: [{ type: 'Ready', status: 'True' }] },
  );
}

function putPod(
  s: FakeKubeApiServer,
  o: { name: string; namespace: string; node: string; gpus: number; phase: string; labels?: Obj },
): void {
  s.put({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: o.name, namespace: o.namespace, labels: o.labels ?? {} },
    spec: {
      nodeName: o.node,
      containers: [{ name: 'c', image: 'i:1', resources: { limits: { 'nvidia.com/gpu': String(o.gpus) } } }],
    },
  });
  s.setStatus({ apiVersion: 'v1', kind: 'Pod', namespace: o.namespace, name: o.name }, { phase: o.phase });
}

const writes = (s: FakeKubeApiServer) => s.requests.filter((r) => r.method !== 'GET');

describe('checkCapacity', () => {
  it('reports a GPU shortfall from the nodes and the pods on them, writing nothing', async () => {
    const { server: s, client } = await start();
    putNode(s, 'gpu-1', 8);
    putNode(s, 'gpu-2', 8);
    putPod(s, {
      name: 'llm-a',
      namespace: 'ml',
      node: 'gpu-1',
      gpus: 4,
      phase: 'Running',
      labels: { app: 'llm' },
    });
    putPod(s, {
      name: 'llm-b',
      namespace: 'ml',
      node: 'gpu-2',
      gpus: 4,
      phase: 'Running',
      labels: { app: 'llm' },
    });
    putPod(s, { name: 'train', namespace: 'team', node: 'gpu-2', gpus: 2, phase: 'Running' });
    putPod(s, { name: 'old', namespace: 'team', node: 'gpu-1', gpus: 4, phase: 'Failed' });
    s.requests.length = 0;
    const result = await checkCapacity({
      client,
      base: deployment(2, 4),
      head: deployment(4, 4, 'vllm/vllm-openai:v0.7.0'),
    });
    expect(result.state).toBe('done');
    expect(result.demands).toEqual([
      {
        resource: 'Deployment ml/llm',
        gpuResource: 'nvidia.com/gpu',
        gpuType: 'NVIDIA-H100-80GB-HBM3',
        peak: 20,
        held: 8,
        free: 6,
        fits: false,
      },
    ]);
    expect(result.findings).toEqual([
      expect.objectContaining({
        check: 'capacity',
        severity: 'error',
        resource: 'Deployment ml/llm',
        file: 'apps/llm.yaml',
        message:
          'needs 20 × nvidia.com/gpu (NVIDIA-H100-80GB-HBM3) at peak (4 replicas × 4 + 1 pod × 4 (maxSurge 25%)), its pods hold 8 now; 6 free on matching nodes: the rollout will stall',
      }),
    ]);
    // Pods are listed across namespaces, without the finished ones, in one page per request.
    const podList = s.requests.find((r) => r.path === '/api/v1/pods');
    expect(podList?.query.fieldSelector).toBe('status.phase!=Succeeded,status.phase!=Failed');
    expect(s.requests.some((r) => r.path.startsWith('/api/v1/nodes'))).toBe(true);
    expect(writes(s)).toEqual([]);
  });

  it('skips without listing anything when no workload needs more GPUs', async () => {
    const { server: s, client } = await start();
    s.requests.length = 0;
    const result = await checkCapacity({ client, base: deployment(4, 2), head: deployment(2, 2) });
    expect(result).toEqual({
      demands: [],
      findings: [],
      state: 'skipped',
      note: 'no workload needs more GPUs or other accelerators',
    });
    expect(s.requests).toEqual([]);
  });

  it('fails with the RBAC rule to add when the cluster refuses to list nodes', async () => {
    const { client } = await start({
      tokens: { agent: 'system:serviceaccount:ferry-system:ferry-agent' },
      authorize: (a) => a.resource !== 'nodes',
    });
    const result = await checkCapacity({ client, base: [], head: deployment(1, 1) });
    expect(result.state).toBe('failed');
    expect(result.note).toBe(
      'the cluster refused to list nodes or pods: give the agent get/list on nodes and list on pods cluster-wide (ClusterRole ferry-agent-capacity in infra/agent/rbac.yaml)',
    );
    expect(result.findings).toEqual([]);
  });

  it('times out when the deadline passes while the API server does not answer', async () => {
    const { server: s, client } = await start();
    s.faults.hangNext(2, {
      ms: 2000,
      match: (r) => r.path.startsWith('/api/v1/nodes') || r.path.startsWith('/api/v1/pods'),
    });
    const result = await checkCapacity({
      client,
      base: [],
      head: deployment(1, 1),
      signal: AbortSignal.timeout(200),
    });
    expect(result).toEqual({
      demands: [],
      findings: [],
      state: 'timed-out',
      note: 'the deadline passed while listing nodes and pods',
    });
  });
});
