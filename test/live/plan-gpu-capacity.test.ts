import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { planGpuCapacity } from '../../src/live/plan-gpu-capacity.ts';
import { parseManifests } from '../../src/manifest/parse-manifests.ts';
import type { KubeObject, Resource } from '../../src/types.ts';

type Obj = Record<string, unknown>;

function parse(...objects: Obj[]): Resource[] {
  const { resources, findings } = parseManifests(
    objects.map((o) => JSON.stringify(o)).join('\n---\n'),
    'apps/ml.yaml',
  );
  expect(findings).toEqual([]);
  return resources;
}

interface PodOpts {
  gpus?: number;
  resource?: string;
  nodeSelector?: Record<string, string>;
  tolerations?: Obj[];
  affinity?: Obj;
  image?: string;
}

function podSpec(o: PodOpts): Obj {
  const resource = o.resource ?? 'nvidia.com/gpu';
  return {
    ...(o.nodeSelector && { nodeSelector: o.nodeSelector }),
    ...(o.tolerations && { tolerations: o.tolerations }),
    ...(o.affinity && { affinity: o.affinity }),
    containers: [
      {
        name: 'server',
        image: o.image ?? 'vllm/vllm-openai:v0.6.0',
        resources: o.gpus ? { limits: { [resource]: o.gpus } } : {},
      },
    ],
  };
}

function deployment(name: string, o: PodOpts & { replicas?: number; strategy?: Obj } = {}): Obj {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'ml' },
    spec: {
      replicas: o.replicas ?? 1,
      ...(o.strategy && { strategy: o.strategy }),
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: podSpec(o) },
    },
  };
}

function node(
  name: string,
  o: {
    gpus?: Record<string, number>;
    labels?: Record<string, string>;
    taints?: Obj[];
    unschedulable?: boolean;
    ready?: boolean;
  } = {},
): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/hostname': name, ...o.labels } },
    spec: { ...(o.taints && { taints: o.taints }), ...(o.unschedulable && { unschedulable: true }) },
    status: {
      allocatable: { cpu: '96', memory: '1Ti', ...o.gpus },
      conditions: [{ type: 'Ready', status: o.ready === false ? 'False' : 'True' }],
    },
  };
}

const h100 = { 'nvidia.com/gpu.product': 'NVIDIA-H100-80GB-HBM3' };

function pod(
  name: string,
  o: {
    node?: string;
    labels?: Record<string, string>;
    gpus?: number;
    phase?: string;
    namespace?: string;
  } = {},
): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: o.namespace ?? 'ml', labels: o.labels ?? {} },
    spec: { ...(o.node && { nodeName: o.node }), ...podSpec({ gpus: o.gpus }) },
    status: { phase: o.phase ?? 'Running' },
  };
}

interface Case {
  name: string;
  base?: Obj[];
  head: Obj[];
  nodes: KubeObject[];
  pods?: KubeObject[];
  want: Array<{ peak: number; held: number; free: number; fits: boolean; message: RegExp }>;
}

const cases: Case[] = [
  {
    name: 'a new Deployment needs replicas × per pod, no surge, and fits',
    head: [deployment('llm', { replicas: 2, gpus: 4 })],
    nodes: [node('g1', { gpus: { 'nvidia.com/gpu': 8 }, labels: h100 })],
    want: [
      {
        peak: 8,
        held: 0,
        free: 8,
        fits: true,
        message:
          /^needs 8 × nvidia.com\/gpu \(NVIDIA-H100-80GB-HBM3\) at peak \(2 replicas × 4\), its pods hold 0 now; 8 free on matching nodes: fits, 0 to spare$/,
      },
    ],
  },
  {
    name: 'a rolling update adds maxSurge 25% of replicas, rounded up, and stalls when it does not fit',
    base: [deployment('llm', { replicas: 4, gpus: 2 })],
    head: [deployment('llm', { replicas: 4, gpus: 2, image: 'vllm/vllm-openai:v0.7.0' })],
    nodes: [node('g1', { gpus: { 'nvidia.com/gpu': 8 }, labels: h100 })],
    pods: [1, 2, 3, 4].map((i) => pod(`llm-${i}`, { node: 'g1', labels: { app: 'llm' }, gpus: 2 })),
    want: [
      {
        peak: 10,
        held: 8,
        free: 0,
        fits: false,
        message:
          /^needs 10 × nvidia.com\/gpu \(NVIDIA-H100-80GB-HBM3\) at peak \(4 replicas × 2 \+ 1 pod × 2 \(maxSurge 25%\)\), its pods hold 8 now; 0 free on matching nodes: the rollout will stall$/,
      },
    ],
  },
  {
    name: 'Recreate has no surge: a changed template with the same replicas does not grow',
    base: [deployment('llm', { replicas: 4, gpus: 2, strategy: { type: 'Recreate' } })],
    head: [deployment('llm', { replicas: 4, gpus: 2, strategy: { type: 'Recreate' }, image: 'v:2' })],
    nodes: [node('g1', { gpus: { 'nvidia.com/gpu': 8 } })],
    want: [],
  },
  {
    name: 'a pure scale-up needs only the new count (no surge), minus what its pods hold',
    base: [deployment('llm', { replicas: 2, gpus: 2 })],
    head: [deployment('llm', { replicas: 3, gpus: 2 })],
    nodes: [node('g1', { gpus: { 'nvidia.com/gpu': 8 } })],
    pods: [
      pod('llm-1', { node: 'g1', labels: { app: 'llm' }, gpus: 2 }),
      pod('llm-2', { node: 'g1', labels: { app: 'llm' }, gpus: 2 }),
    ],
    want: [{ peak: 6, held: 4, free: 4, fits: true, message: /\(3 replicas × 2\).*: fits, 2 to spare$/ }],
  },
  {
    name: 'a scale-down has no finding',
    base: [deployment('llm', { replicas: 4, gpus: 2 })],
    head: [deployment('llm', { replicas: 2, gpus: 2 })],
    nodes: [node('g1', { gpus: { 'nvidia.com/gpu': 8 } })],
    want: [],
  },
  {
    name: 'an unchanged workload has no finding',
    base: [deployment('llm', { replicas: 4, gpus: 2 })],
    head: [deployment('llm', { replicas: 4, gpus: 2 })],
    nodes: [],
    want: [],
  },
  {
    name: 'a workload without accelerators has no finding',
    head: [deployment('web', { replicas: 40 })],
    nodes: [node('g1', { gpus: { 'nvidia.com/gpu': 8 } })],
    want: [],
  },
  {
    name: 'fragmentation shows: 4 free in total, but no node has 4 for one pod',
    head: [deployment('llm', { replicas: 1, gpus: 4 })],
    nodes: [node('g1', { gpus: { 'nvidia.com/gpu': 2 } }), node('g2', { gpus: { 'nvidia.com/gpu': 2 } })],
    want: [
      {
        peak: 4,
        held: 0,
        free: 4,
        fits: false,
        message:
          /4 free on matching nodes, but no matching node has 4 free for one pod: its pods will stay Pending$/,
      },
    ],
  },
  {
    name: 'devices requested by running pods are not free; finished pods hold nothing',
    head: [deployment('llm', { replicas: 1, gpus: 4 })],
    nodes: [node('g1', { gpus: { 'nvidia.com/gpu': 8 } })],
    pods: [
      pod('other', { node: 'g1', gpus: 6, namespace: 'team' }),
      pod('done', { node: 'g1', gpus: 2, phase: 'Succeeded' }),
      pod('pending', { gpus: 8 }),
    ],
    want: [
      {
        peak: 4,
        held: 0,
        free: 2,
        fits: false,
        message: /2 free on matching nodes: its pods will stay Pending$/,
      },
    ],
  },
  {
    name: 'MIG profiles are their own resources',
    head: [deployment('small', { replicas: 3, gpus: 1, resource: 'nvidia.com/mig-1g.10gb' })],
    nodes: [node('g1', { gpus: { 'nvidia.com/gpu': 8, 'nvidia.com/mig-1g.10gb': 2 } })],
    want: [{ peak: 3, held: 0, free: 2, fits: false, message: /^needs 3 × nvidia.com\/mig-1g.10gb at peak/ }],
  },
  {
    name: 'a NoSchedule taint keeps pods off unless tolerated',
    head: [deployment('llm', { replicas: 1, gpus: 1 })],
    nodes: [
      node('g1', {
        gpus: { 'nvidia.com/gpu': 8 },
        taints: [{ key: 'nvidia.com/gpu', effect: 'NoSchedule' }],
      }),
    ],
    want: [
      {
        peak: 1,
        held: 0,
        free: 0,
        fits: false,
        message:
          /^no node matches its nodeSelector\/affinity\/tolerations for nvidia.com\/gpu: its pods will stay Pending$/,
      },
    ],
  },
  {
    name: 'an Exists toleration on the key lets them on; PreferNoSchedule never keeps them off',
    head: [
      deployment('llm', {
        replicas: 1,
        gpus: 1,
        tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists' }],
      }),
    ],
    nodes: [
      node('g1', {
        gpus: { 'nvidia.com/gpu': 1 },
        taints: [
          { key: 'nvidia.com/gpu', value: 'present', effect: 'NoSchedule' },
          { key: 'spot', effect: 'PreferNoSchedule' },
        ],
      }),
    ],
    want: [{ peak: 1, held: 0, free: 1, fits: true, message: /fits/ }],
  },
  {
    name: 'an Equal toleration must match the value and effect; an empty key with Exists tolerates all',
    head: [
      deployment('a', {
        replicas: 1,
        gpus: 1,
        tolerations: [{ key: 'team', value: 'ml', effect: 'NoExecute' }],
      }),
      deployment('b', { replicas: 1, gpus: 1, tolerations: [{ operator: 'Exists' }] }),
    ],
    nodes: [
      node('g1', {
        gpus: { 'nvidia.com/gpu': 1 },
        taints: [{ key: 'team', value: 'ml', effect: 'NoSchedule' }],
      }),
    ],
    want: [
      { peak: 1, held: 0, free: 0, fits: false, message: /^no node matches/ },
      { peak: 1, held: 0, free: 1, fits: true, message: /fits/ },
    ],
  },
  {
    name: 'unschedulable and not-Ready nodes are not counted',
    head: [deployment('llm', { replicas: 1, gpus: 1 })],
    nodes: [
      node('cordoned', { gpus: { 'nvidia.com/gpu': 8 }, unschedulable: true }),
      node('down', { gpus: { 'nvidia.com/gpu': 8 }, ready: false }),
    ],
    want: [{ peak: 1, held: 0, free: 0, fits: false, message: /^no node matches/ }],
  },
  {
    name: 'nodeSelector picks the GPU type; the message names it',
    head: [deployment('llm', { replicas: 2, gpus: 8, nodeSelector: h100 })],
    nodes: [
      node('a100', {
        gpus: { 'nvidia.com/gpu': 8 },
        labels: { 'nvidia.com/gpu.product': 'NVIDIA-A100-SXM4-80GB' },
      }),
      node('h100', { gpus: { 'nvidia.com/gpu': 8 }, labels: h100 }),
    ],
    want: [
      {
        peak: 16,
        held: 0,
        free: 8,
        fits: false,
        message: /\(NVIDIA-H100-80GB-HBM3\).*8 free on matching nodes/,
      },
    ],
  },
  {
    name: 'the cluster may autoscale: said in the message',
    head: [deployment('llm', { replicas: 2, gpus: 8 })],
    nodes: [node('g1', { gpus: { 'nvidia.com/gpu': 8 }, labels: { 'karpenter.sh/nodepool': 'gpu' } })],
    want: [
      {
        peak: 16,
        held: 0,
        free: 8,
        fits: false,
        message: /: its pods will stay Pending unless the autoscaler adds nodes$/,
      },
    ],
  },
];

function nodeAffinity(...expressions: Obj[]): Obj {
  return {
    nodeAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: {
        nodeSelectorTerms: [{ matchExpressions: expressions }],
      },
    },
  };
}

const affinityNodes = [
  node('n1', { gpus: { 'nvidia.com/gpu': 1 }, labels: { zone: 'a', 'gpu-mem': '80' } }),
  node('n2', { gpus: { 'nvidia.com/gpu': 2 }, labels: { zone: 'b', 'gpu-mem': '40' } }),
  node('n3', { gpus: { 'nvidia.com/gpu': 4 }, labels: { zone: 'c' } }),
];

const affinityCases: Array<[string, Obj, number]> = [
  ['In', nodeAffinity({ key: 'zone', operator: 'In', values: ['a', 'b'] }), 3],
  ['NotIn', nodeAffinity({ key: 'zone', operator: 'NotIn', values: ['a'] }), 6],
  ['Exists', nodeAffinity({ key: 'gpu-mem', operator: 'Exists' }), 3],
  ['DoesNotExist', nodeAffinity({ key: 'gpu-mem', operator: 'DoesNotExist' }), 4],
  ['Gt', nodeAffinity({ key: 'gpu-mem', operator: 'Gt', values: ['50'] }), 1],
  ['Lt', nodeAffinity({ key: 'gpu-mem', operator: 'Lt', values: ['50'] }), 2],
  [
    'matchFields metadata.name',
    {
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n3'] }] }],
        },
      },
    },
    4,
  ],
  [
    'terms are ORed',
    {
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [
            { matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] },
            { matchExpressions: [{ key: 'zone', operator: 'In', values: ['c'] }] },
          ],
        },
      },
    },
    5,
  ],
];

function rollout(strategy: Obj, image = 'v:1'): Obj {
  const d = deployment('llm', { replicas: 4, gpus: 2, image });
  return {
    ...d,
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Rollout',
    spec: { ...(d.spec as Obj), strategy },
  };
}

function withKind(apiVersion: string, kind: string, spec: Obj, name = 'llm'): Obj {
  return { apiVersion, kind, metadata: { name, namespace: 'ml' }, spec };
}

const template = (gpus: number, image = 'v:1') => ({ spec: podSpec({ gpus, image }) });

const isvc = (image: string, extra: Obj = {}) =>
  withKind('serving.kserve.io/v1beta1', 'InferenceService', {
    predictor: {
      minReplicas: 2,
      ...extra,
      model: { modelFormat: { name: 'huggingface' }, image, resources: { limits: { 'nvidia.com/gpu': 1 } } },
    },
  });

const lws = (image: string, maxSurge?: number) =>
  withKind('leaderworkerset.x-k8s.io/v1', 'LeaderWorkerSet', {
    replicas: 2,
    leaderWorkerTemplate: { size: 4, leaderTemplate: template(8, image), workerTemplate: template(8, image) },
    ...(maxSurge !== undefined && {
      rolloutStrategy: { type: 'RollingUpdate', rollingUpdateConfiguration: { maxSurge } },
    }),
  });

const surgeCases: Array<[string, Obj | undefined, Obj, number, string]> = [
  [
    'Deployment maxSurge as a count',
    deployment('llm', { replicas: 4, gpus: 2, strategy: { rollingUpdate: { maxSurge: 2 } } }),
    deployment('llm', { replicas: 4, gpus: 2, image: 'v:2', strategy: { rollingUpdate: { maxSurge: 2 } } }),
    12,
    '4 replicas × 2 + 2 pods × 2 (maxSurge 2)',
  ],
  [
    'Deployment maxSurge 0',
    deployment('llm', { replicas: 4, gpus: 2, strategy: { rollingUpdate: { maxSurge: 0 } } }),
    deployment('llm', { replicas: 5, gpus: 2, image: 'v:2', strategy: { rollingUpdate: { maxSurge: 0 } } }),
    10,
    '5 replicas × 2',
  ],
  [
    'StatefulSet replaces pods in place',
    { ...deployment('llm', { replicas: 2, gpus: 2 }), kind: 'StatefulSet' },
    { ...deployment('llm', { replicas: 3, gpus: 2, image: 'v:2' }), kind: 'StatefulSet' },
    6,
    '3 replicas × 2',
  ],
  [
    'Rollout blue-green runs a full second set',
    rollout({ blueGreen: { activeService: 'a' } }),
    rollout({ blueGreen: { activeService: 'a' } }, 'v:2'),
    16,
    '4 replicas × 2 + 4 pods × 2 (blue-green preview)',
  ],
  [
    'Rollout blue-green with previewReplicaCount',
    rollout({ blueGreen: { activeService: 'a', previewReplicaCount: 1 } }),
    rollout({ blueGreen: { activeService: 'a', previewReplicaCount: 1 } }, 'v:2'),
    10,
    '4 replicas × 2 + 1 pod × 2 (blue-green preview)',
  ],
  [
    'Rollout canary without traffic routing: maxSurge 25%',
    rollout({ canary: { steps: [{ setWeight: 50 }] } }),
    rollout({ canary: { steps: [{ setWeight: 50 }] } }, 'v:2'),
    10,
    '4 replicas × 2 + 1 pod × 2 (canary maxSurge 25%)',
  ],
  [
    'Rollout canary with traffic routing reaches 100% beside the stable',
    rollout({
      canary: {
        trafficRouting: { nginx: { stableIngress: 'i' } },
        steps: [{ setCanaryScale: { replicas: 1 } }, { setWeight: 20 }],
      },
    }),
    rollout(
      {
        canary: {
          trafficRouting: { nginx: { stableIngress: 'i' } },
          steps: [{ setCanaryScale: { replicas: 1 } }, { setWeight: 20 }],
        },
      },
      'v:2',
    ),
    16,
    '4 replicas × 2 + 4 pods × 2 (canary at 100% beside the stable)',
  ],
  [
    'Rollout canary with dynamicStableScale adds only rounding',
    rollout({
      canary: {
        dynamicStableScale: true,
        trafficRouting: { nginx: { stableIngress: 'i' } },
        steps: [{ setWeight: 10 }],
      },
    }),
    rollout(
      {
        canary: {
          dynamicStableScale: true,
          trafficRouting: { nginx: { stableIngress: 'i' } },
          steps: [{ setWeight: 10 }],
        },
      },
      'v:2',
    ),
    10,
    '4 replicas × 2 + 1 pod × 2 (canary rounding (dynamicStableScale))',
  ],
  [
    'KServe canary keeps the previous revision running',
    isvc('v:1'),
    isvc('v:2', { canaryTrafficPercent: 10 }),
    4,
    'predictor 2 × 1 + 2 pods × 1 (previous revision, predictor)',
  ],
  [
    'KServe raw deployment rolls a Deployment',
    {
      ...isvc('v:1'),
      metadata: {
        name: 'llm',
        namespace: 'ml',
        annotations: { 'serving.kserve.io/deploymentMode': 'RawDeployment' },
      },
    },
    {
      ...isvc('v:2'),
      metadata: {
        name: 'llm',
        namespace: 'ml',
        annotations: { 'serving.kserve.io/deploymentMode': 'RawDeployment' },
      },
    },
    3,
    'predictor 2 × 1 + 1 pod × 1 (maxSurge 25%, predictor)',
  ],
  [
    'LeaderWorkerSet: size × replicas, no surge by default',
    undefined,
    lws('v:1'),
    64,
    'leader 2 × 8 + worker 6 × 8',
  ],
  [
    'LeaderWorkerSet maxSurge adds whole groups',
    lws('v:1', 1),
    lws('v:2', 1),
    96,
    'leader 2 × 8 + worker 6 × 8 + 1 pod × 8 (maxSurge 1, leader) + 3 pods × 8 (maxSurge 1, worker)',
  ],
  [
    'PyTorchJob sums its replica specs',
    undefined,
    withKind('kubeflow.org/v1', 'PyTorchJob', {
      pytorchReplicaSpecs: {
        Master: { replicas: 1, template: template(8) },
        Worker: { replicas: 3, template: template(8) },
      },
    }),
    32,
    'Master 1 × 8 + Worker 3 × 8',
  ],
  [
    'Job runs parallelism pods, at most completions',
    undefined,
    withKind('batch/v1', 'Job', { parallelism: 4, completions: 2, template: template(1) }),
    2,
    '2 replicas × 1',
  ],
];

describe('peak per kind', () => {
  it.each(surgeCases)('%s', (_name, base, head, peak, explanation) => {
    const { demands, findings } = planGpuCapacity({
      base: base ? parse(base) : [],
      head: parse(head),
      nodes: [node('big', { gpus: { 'nvidia.com/gpu': 1000 } })],
      pods: [],
    });
    expect(demands.map((d) => d.peak)).toEqual([peak]);
    expect(findings[0]?.message).toContain(`(${explanation})`);
  });
});

describe('planGpuCapacity', () => {
  it.each(cases)('$name', ({ base = [], head, nodes, pods = [], want }) => {
    const { demands, findings } = planGpuCapacity({
      base: parse(...base),
      head: parse(...head),
      nodes,
      pods,
    });
    expect(demands.map(({ peak, held, free, fits }) => ({ peak, held, free, fits }))).toEqual(
      want.map(({ peak, held, free, fits }) => ({ peak, held, free, fits })),
    );
    expect(findings).toHaveLength(want.length);
    findings.forEach((f, i) => {
      expect(f.check).toBe('capacity');
      expect(f.severity).toBe(want[i]?.fits ? 'info' : 'error');
      expect(f.message).toMatch(want[i]?.message ?? /never/);
    });
  });

  it.each(affinityCases)(
    'required node affinity with %s counts only the matching nodes',
    (_op, affinity, free) => {
      const { demands } = planGpuCapacity({
        base: [],
        head: parse(deployment('llm', { replicas: 1, gpus: 1, affinity })),
        nodes: affinityNodes,
        pods: [],
      });
      expect(demands.map((d) => d.free)).toEqual([free]);
    },
  );

  it('points the finding at the resources field of the container asking for GPUs', () => {
    const yaml = [
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata: {name: llm, namespace: ml}',
      'spec:',
      '  replicas: 2',
      '  selector: {matchLabels: {app: llm}}',
      '  template:',
      '    metadata: {labels: {app: llm}}',
      '    spec:',
      '      containers:',
      '        - name: server',
      '          image: vllm/vllm-openai:v0.6.0',
      '          resources:',
      '            limits: {nvidia.com/gpu: 4}',
    ].join('\n');
    const head = parseManifests(yaml, 'apps/llm.yaml').resources;
    const { findings } = planGpuCapacity({ base: [], head, nodes: [], pods: [] });
    expect(findings).toEqual([
      expect.objectContaining({
        resource: 'Deployment ml/llm',
        file: 'apps/llm.yaml',
        line: 13,
        severity: 'error',
      }),
    ]);
  });

  it('holds the devices of its own pods only (same namespace, its selector)', () => {
    const { demands } = planGpuCapacity({
      base: [deployment('llm', { replicas: 2, gpus: 2 })].flatMap((o) => parse(o)),
      head: parse(deployment('llm', { replicas: 4, gpus: 2 })),
      nodes: [node('g1', { gpus: { 'nvidia.com/gpu': 8 } })],
      pods: [
        pod('llm-1', { node: 'g1', labels: { app: 'llm' }, gpus: 2 }),
        pod('llm-x', { node: 'g1', labels: { app: 'llm' }, gpus: 2, namespace: 'other' }),
        pod('api', { node: 'g1', labels: { app: 'api' }, gpus: 2 }),
      ],
    });
    expect(demands).toEqual([
      {
        resource: 'Deployment ml/llm',
        gpuResource: 'nvidia.com/gpu',
        peak: 8,
        held: 2,
        free: 2,
        fits: false,
      },
    ]);
  });

  it('adding nodes never turns a fit into a shortfall', () => {
    const arbNode = (name: string) =>
      fc
        .record({
          gpus: fc.integer({ min: 0, max: 8 }),
          zone: fc.constantFrom('a', 'b'),
          tainted: fc.boolean(),
          used: fc.integer({ min: 0, max: 8 }),
        })
        .map((n) => ({
          node: node(name, {
            gpus: { 'nvidia.com/gpu': n.gpus },
            labels: { zone: n.zone },
            ...(n.tainted && { taints: [{ key: 'gpu', effect: 'NoSchedule' }] }),
          }),
          pod: pod(`${name}-user`, { node: name, gpus: Math.min(n.used, n.gpus), namespace: 'team' }),
        }));
    fc.assert(
      fc.property(
        fc.record({
          replicas: fc.integer({ min: 1, max: 6 }),
          gpus: fc.integer({ min: 1, max: 8 }),
          zone: fc.option(fc.constantFrom('a', 'b'), { nil: undefined }),
          tolerates: fc.boolean(),
          rollout: fc.boolean(),
        }),
        fc
          .array(fc.nat(), { minLength: 0, maxLength: 5 })
          .chain((ids) => fc.tuple(...ids.map((_, i) => arbNode(`n${i}`)))),
        arbNode('extra'),
        (w, cluster, extra) => {
          const opts = {
            replicas: w.replicas,
            gpus: w.gpus,
            ...(w.zone && { nodeSelector: { zone: w.zone } }),
            ...(w.tolerates && { tolerations: [{ key: 'gpu', operator: 'Exists' }] }),
          };
          const base = w.rollout ? parse(deployment('llm', opts)) : [];
          const head = parse(deployment('llm', { ...opts, image: 'v:2' }));
          const plan = (more: typeof cluster) =>
            planGpuCapacity({ base, head, nodes: more.map((c) => c.node), pods: more.map((c) => c.pod) });
          const before = plan(cluster).demands[0];
          const after = plan([...cluster, extra]).demands[0];
          if (before?.fits) expect(after?.fits).toBe(true);
          expect(after?.free ?? 0).toBeGreaterThanOrEqual(before?.free ?? 0);
        },
      ),
    );
  });
});

/** A NIMService as NVIDIA's NIM operator takes it: no pod spec, the pod's fields on the service. */
function nimService(
  name: string,
  o: {
    gpus: number;
    replicas?: number;
    hpaMin?: number;
    nodeSelector?: Record<string, string>;
    tag?: string;
  },
): Obj {
  return {
    apiVersion: 'apps.nvidia.com/v1alpha1',
    kind: 'NIMService',
    metadata: { name, namespace: 'ml' },
    spec: {
      image: { repository: 'nvcr.io/nim/meta/llama-3.1-8b-instruct', tag: o.tag ?? '1.3.3' },
      authSecret: 'ngc-api',
      storage: { nimCache: { name: 'llama', profile: '' } },
      resources: { limits: { 'nvidia.com/gpu': o.gpus } },
      ...(o.replicas !== undefined && { replicas: o.replicas }),
      ...(o.hpaMin !== undefined && {
        scale: { enabled: true, hpa: { minReplicas: o.hpaMin, maxReplicas: 8, metrics: [] } },
      }),
      ...(o.nodeSelector && { nodeSelector: o.nodeSelector }),
      expose: { service: { type: 'ClusterIP', port: 8000 } },
    },
  };
}

describe('planGpuCapacity for a NIMService (the operator builds its pods)', () => {
  // It was never weighed: a NIMService holds no pod spec, so 1 → 8 GPUs passed on a node with 2 free.
  it('weighs the GPUs its pods will ask for, on the nodes its nodeSelector allows, crediting its pods', () => {
    const yaml = [
      'apiVersion: apps.nvidia.com/v1alpha1',
      'kind: NIMService',
      'metadata: {name: llama, namespace: ml}',
      'spec:',
      '  image: {repository: nvcr.io/nim/meta/llama-3.1-8b-instruct, tag: 1.3.3}',
      '  authSecret: ngc-api',
      '  storage: {nimCache: {name: llama, profile: ""}}',
      '  replicas: 2',
      '  nodeSelector: {nvidia.com/gpu.product: NVIDIA-H100-80GB-HBM3}',
      '  resources:',
      '    limits: {nvidia.com/gpu: 4}',
      '  expose: {service: {type: ClusterIP, port: 8000}}',
    ].join('\n');
    const { demands, findings } = planGpuCapacity({
      base: parse(nimService('llama', { gpus: 1, replicas: 2, nodeSelector: h100 })),
      head: parseManifests(yaml, 'apps/llama.yaml').resources,
      nodes: [
        node('g1', { gpus: { 'nvidia.com/gpu': 8 }, labels: h100 }),
        // Free, but not where the service's pods may run.
        node('l4', { gpus: { 'nvidia.com/gpu': 8 } }),
      ],
      pods: [
        pod('llama-a', { node: 'g1', labels: { app: 'llama' }, gpus: 1 }),
        pod('llama-b', { node: 'g1', labels: { app: 'llama' }, gpus: 1 }),
        pod('other', { node: 'g1', labels: { app: 'other' }, gpus: 4 }),
      ],
    });
    // Peak 2 × 4 (maxSurge 0: no pod beside the new set); its two pods hold 2; 8 − 6 = 2 free.
    expect(demands).toEqual([
      {
        resource: 'NIMService ml/llama',
        gpuResource: 'nvidia.com/gpu',
        gpuType: 'NVIDIA-H100-80GB-HBM3',
        peak: 8,
        held: 2,
        free: 2,
        fits: false,
      },
    ]);
    expect(findings).toEqual([
      expect.objectContaining({ file: 'apps/llama.yaml', line: 10, severity: 'error' }),
    ]);
    expect(findings[0]?.message).toContain('(2 replicas × 4)');
  });

  it('counts the autoscaler’s minReplicas when scaling is on, one replica when none is set', () => {
    const peakOf = (service: Obj) =>
      planGpuCapacity({
        base: [],
        head: parse(service),
        nodes: [node('big', { gpus: { 'nvidia.com/gpu': 100 } })],
        pods: [],
      }).demands.map((d) => d.peak);
    expect(peakOf(nimService('a', { gpus: 2, replicas: 5, hpaMin: 3 }))).toEqual([6]);
    expect(peakOf(nimService('b', { gpus: 2 }))).toEqual([2]);
    // A multi-node NIMService is a LeaderWorkerSet of the operator's: not weighed here.
    const multi = nimService('c', { gpus: 8 });
    (multi.spec as Obj).multiNode = { parallelism: { pipeline: 2, tensor: 8 } };
    expect(peakOf(multi)).toEqual([]);
  });

  it('a new image alone asks for no more GPUs: nothing to weigh', () => {
    const { demands } = planGpuCapacity({
      base: parse(nimService('llama', { gpus: 2, replicas: 2 })),
      head: parse(nimService('llama', { gpus: 2, replicas: 2, tag: '1.8.0' })),
      nodes: [node('g1', { gpus: { 'nvidia.com/gpu': 4 } })],
      pods: [],
    });
    expect(demands).toEqual([]);
  });
});
