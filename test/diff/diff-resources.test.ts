import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { diffResources } from '../../src/diff/diff-resources.ts';
import { resourceIdOf } from '../../src/manifest/resource-id.ts';
import type { KubeObject, Resource } from '../../src/types.ts';
import { listCases, loadCase } from './load-case.ts';

function resource(obj: KubeObject, defaultNamespace = 'ml'): Resource {
  return {
    id: resourceIdOf(obj, { defaultNamespace }),
    apiVersion: obj.apiVersion,
    object: obj,
    file: 'k8s/a.yaml',
    line: 1,
  };
}

function configMap(name: string, data: Record<string, string>, namespace?: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, ...(namespace ? { namespace } : {}) },
    data,
  };
}

/** Per fixture case: the action of every resource, and the summary lines (resource → facts). */
const EXPECTED: Record<string, { actions: string[]; summary: Record<string, string[]> }> = {
  'argo-rollout': {
    actions: ['changed Rollout ml/recommender'],
    summary: {
      'Rollout ml/recommender': [
        'rollout steps 10%→pause 10m→50%→pause 30m→100% (was 20%→pause 10m→100%)',
        'image ghcr.io/acme/recommender@sha256:111111111111… → @sha256:222222222222…',
      ],
    },
  },
  'batch-jobs': {
    actions: ['changed CronJob training/nightly-eval', 'changed Job training/train-classifier'],
    summary: {
      'CronJob training/nightly-eval': [
        'model s3://acme-models/classifier/v1 → …/v2',
        'image ghcr.io/acme/eval:1.2 → 1.3',
      ],
      'Job training/train-classifier': [
        'Job will be re-created: training re-runs',
        'hyperparameters epochs 10 → 20',
        'image ghcr.io/acme/train:2024.10 → 2024.11',
        'GPUs 1 → 8 (nvidia.com/gpu)',
        'GPUs 1 → 32 × nvidia.com/gpu in total',
        'parallelism 1 → 4',
        'completions unset → 4',
      ],
    },
  },
  'default-namespace': {
    actions: [
      'removed Ingress ml/api',
      'added Ingress ml/api',
      'unchanged ClusterRole api-reader',
      'unchanged Service ml/api',
    ],
    summary: {},
  },
  'deployment-autoscaling': {
    actions: ['changed Deployment ml/my-app', 'changed HorizontalPodAutoscaler ml/my-app'],
    summary: {
      'Deployment ml/my-app': [
        'model version 1 → 2',
        'image ghcr.io/acme/my-app:1.0 → 1.1 (server)',
        'replicas 3 → 5',
        'autoscaling 1–3 → 2–10',
      ],
    },
  },
  'model-upgrade': {
    actions: [
      'removed ConfigMap ml/classifier-labels-v1',
      'changed InferenceService ml/classifier',
      'changed Secret ml/model-store',
    ],
    summary: {
      'InferenceService ml/classifier': [
        'model gs://ferry-models/classifier/v1 → …/v2',
        'canary 10% (new model 10%, previous 90%)',
        'GPUs 1 → 2 (nvidia.com/gpu)',
      ],
      'Secret ml/model-store': ['key changed: SERVICE_ACCOUNT_KEY'],
    },
  },
  'noise-only': {
    actions: ['unchanged ConfigMap ml/settings', 'unchanged Deployment ml/api'],
    summary: {},
  },
  'pod-only': {
    actions: ['added Pod research/scratch', 'changed Pod research/notebook'],
    summary: {
      'Pod research/scratch': ['new', 'image busybox:1.37'],
      'Pod research/notebook': [
        'image quay.io/jupyter/pytorch-notebook:cuda12-2024-10-07 → cuda12-2024-11-04',
        'GPUs 1 → 2 (nvidia.com/gpu)',
      ],
    },
  },
  'risky-deletions': {
    actions: [
      'removed Namespace ml-staging',
      'removed PersistentVolumeClaim ml/embeddings',
      'removed CustomResourceDefinition evals.acme.dev',
      'removed InferenceService ml/legacy',
      'removed StatefulSet ml/vector-db',
      'removed ConfigMap ml/a-config',
      'unchanged Service ml/kept',
    ],
    summary: { 'InferenceService ml/legacy': ['removed'], 'StatefulSet ml/vector-db': ['removed'] },
  },
  'statefulset-gpu': {
    actions: ['changed StatefulSet serving/llm'],
    summary: {
      'StatefulSet serving/llm': [
        'model meta-llama/Llama-3.1-8B-Instruct → …-70B-Instruct',
        'GPUs 1 → 4 (nvidia.com/gpu)',
        'GPU type a10g → a100',
        'toleration added nvidia.com/gpu:NoSchedule',
        'GPUs 2 → 8 × nvidia.com/gpu on a100 in total',
      ],
    },
  },
  'traffic-routes': {
    actions: ['changed HTTPRoute ml/detector', 'changed VirtualService ml/classifier'],
    summary: {
      'HTTPRoute ml/detector': ['traffic detector-v1 100% → detector-v1 75% / detector-v2 25%'],
      'VirtualService ml/classifier': ['traffic v1 90% / v2 10% → v1 50% / v2 50%'],
    },
  },
};

describe('diffResources over fixture cases', () => {
  it('has an expectation for every fixture folder', () => {
    expect(listCases()).toEqual(Object.keys(EXPECTED).sort());
  });

  for (const name of listCases()) {
    it(`reports the actions and summary of ${name}`, () => {
      const expected = EXPECTED[name];
      const { changes, summary } = diffResources({ target: 'production', ...loadCase(name) });
      const formatted = changes.map(
        (c) => `${c.action} ${c.id.kind} ${c.id.namespace ? `${c.id.namespace}/` : ''}${c.id.name}`,
      );
      expect(formatted).toEqual(expected?.actions);
      expect(Object.fromEntries(summary.map((s) => [s.resource, s.facts]))).toEqual(expected?.summary);
    });
  }
});

describe('diffResources identity matching', () => {
  it('matches a resource whose namespace comes from the target default with one that spells it out', () => {
    const { changes } = diffResources({
      target: 't',
      base: [resource(configMap('c', { a: '1' }, 'ml'))],
      head: [resource(configMap('c', { a: '1' }))],
    });
    expect(changes.map((c) => c.action)).toEqual(['unchanged']);
  });

  it('treats the same name in another namespace as another resource', () => {
    const { changes } = diffResources({
      target: 't',
      base: [resource(configMap('c', { a: '1' }, 'ml'))],
      head: [resource(configMap('c', { a: '1' }, 'ml-2'))],
    });
    expect(changes.map((c) => `${c.action} ${c.id.namespace}`)).toEqual(['removed ml', 'added ml-2']);
  });

  it('matches across apiVersions of one group (the API server serves one object)', () => {
    const hpa = (apiVersion: string): KubeObject => ({
      apiVersion,
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'h' },
      spec: { maxReplicas: 3 },
    });
    const { changes } = diffResources({
      target: 't',
      base: [resource(hpa('autoscaling/v1'))],
      head: [resource(hpa('autoscaling/v2'))],
    });
    expect(changes.map((c) => `${c.action} ${c.apiVersion}`)).toEqual(['changed autoscaling/v2']);
    expect(changes[0]?.diff).toContain('-apiVersion: autoscaling/v1\n+apiVersion: autoscaling/v2');
  });

  it('keeps the later of two resources with one identity, as a sequential apply would', () => {
    const { changes } = diffResources({
      target: 't',
      base: [],
      head: [resource(configMap('c', { v: 'first' })), resource(configMap('c', { v: 'second' }))],
    });
    expect(changes).toHaveLength(1);
    expect(changes[0]?.diff).toContain('+  v: second');
  });

  it('points each change at the head file (the base file for removals)', () => {
    const base = { ...resource(configMap('gone', {})), file: 'old.yaml', line: 4 };
    const head = { ...resource(configMap('kept', { a: '2' })), file: 'new.yaml', line: 9 };
    const { changes } = diffResources({
      target: 't',
      base: [base, resource(configMap('kept', { a: '1' }))],
      head: [head],
    });
    expect(changes.map((c) => `${c.action} ${c.file}:${c.line}`)).toEqual([
      'removed old.yaml:4',
      'changed new.yaml:9',
    ]);
  });
});

describe('diffResources on fields a chart generates on every render', () => {
  const generated = (data: Record<string, string>, pointers?: string[]): Resource => ({
    ...resource(configMap('hub', data)),
    ...(pointers ? { generated: pointers } : {}),
  });

  it('leaves out a Secret value and a checksum annotation both sides generate, keeping the rest of the change', () => {
    const secret = (data: Record<string, string>, checksum: string, pointers: string[]): Resource => {
      const obj: KubeObject = {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'hub', annotations: { 'checksum/config': checksum } },
        stringData: data,
      };
      return { ...resource(obj), generated: pointers };
    };
    const pointers = ['/stringData/token', '/stringData/k~1v', '/metadata/annotations/checksum~1config'];
    const base = secret({ token: 'a1', 'k/v': 'p', mode: 'x' }, 'c1', pointers);
    const head = secret({ token: 'b2', 'k/v': 'q', mode: 'z' }, 'c2', pointers);
    const [change] = diffResources({ target: 't', base: [base], head: [head] }).changes;
    expect(change?.action).toBe('changed');
    expect(change?.diff).toMatch(/^[-+] +mode:/m);
    // Shown as the base has them, as context at most.
    expect(change?.diff).not.toMatch(/^[-+] +(token|k\/v|checksum\/config):/m);
    const same = secret({ token: 'c3', 'k/v': 'r', mode: 'x' }, 'c3', pointers);
    expect(diffResources({ target: 't', base: [base], head: [same] }).changes[0]?.action).toBe('unchanged');
  });

  it('shows a generated field that could carry a change beside its random part (an image, a ConfigMap value)', () => {
    // A PR could turn `app:{{ randAlphaNum 4 }}` into `evil:{{ randAlphaNum 4 }}`: never hidden.
    const base = generated({ image: 'app:x1y2', config: 'token=a1' }, ['/data/image', '/data/config']);
    const head = generated({ image: 'evil:q9w8', config: 'token=b2\nadmin=true' }, [
      '/data/image',
      '/data/config',
    ]);
    const [change] = diffResources({ target: 't', base: [base], head: [head] }).changes;
    expect(change?.diff).toContain('evil:q9w8');
    expect(change?.diff).toContain('admin=true');
  });

  it('shows a field only one side generates: from the values to random, or back', () => {
    const fixed = generated({ token: 'a1' });
    const random = generated({ token: 'b2' }, ['/data/token']);
    for (const [base, head] of [
      [fixed, random],
      [random, fixed],
    ] as const) {
      expect(diffResources({ target: 't', base: [base], head: [head] }).changes[0]?.diff).toContain('token');
    }
  });
});

describe('diffResources invariants', () => {
  const configMaps = fc.uniqueArray(
    fc.record({
      name: fc.stringMatching(/^[a-z][a-z0-9-]{0,12}$/),
      data: fc.dictionary(fc.string(), fc.string()),
    }),
    { selector: (c) => c.name, maxLength: 12 },
  );

  it('finds nothing to change between a set and itself', () => {
    fc.assert(
      fc.property(configMaps, (items) => {
        const set = items.map((c) => resource(configMap(c.name, c.data)));
        const { changes, summary } = diffResources({ target: 't', base: set, head: set });
        expect(changes.every((c) => c.action === 'unchanged' && c.diff === '')).toBe(true);
        expect(summary).toEqual([]);
      }),
    );
  });

  it('accounts for every resource of both sides exactly once', () => {
    fc.assert(
      fc.property(configMaps, configMaps, (a, b) => {
        const { changes } = diffResources({
          target: 't',
          base: a.map((c) => resource(configMap(c.name, c.data))),
          head: b.map((c) => resource(configMap(c.name, c.data))),
        });
        const names = new Set([...a, ...b].map((c) => c.name));
        expect(changes.map((c) => c.id.name).sort()).toEqual([...names].sort());
        const inBoth = a.filter((c) => b.some((d) => d.name === c.name)).length;
        expect(changes.filter((c) => c.action === 'added')).toHaveLength(b.length - inBoth);
        expect(changes.filter((c) => c.action === 'removed')).toHaveLength(a.length - inBoth);
      }),
    );
  });

  it('swapping base and head swaps added and removed', () => {
    fc.assert(
      fc.property(configMaps, configMaps, (a, b) => {
        const base = a.map((c) => resource(configMap(c.name, c.data)));
        const head = b.map((c) => resource(configMap(c.name, c.data)));
        const forward = diffResources({ target: 't', base, head }).changes;
        const backward = diffResources({ target: 't', base: head, head: base }).changes;
        const flip = {
          added: 'removed',
          removed: 'added',
          changed: 'changed',
          unchanged: 'unchanged',
        } as const;
        const key = (action: string, name: string): string => `${action} ${name}`;
        expect(new Set(backward.map((c) => key(c.action, c.id.name)))).toEqual(
          new Set(forward.map((c) => key(flip[c.action], c.id.name))),
        );
      }),
    );
  });
});

describe('diffResources summary of autoscalers', () => {
  const hpa = (target: string, min: number, max: number): KubeObject => ({
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name: 'scaler' },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: target },
      minReplicas: min,
      maxReplicas: max,
    },
  });

  it('tells a new HPA on the workload it scales, even when the workload did not change', () => {
    const { summary } = diffResources({ target: 't', base: [], head: [resource(hpa('api', 2, 10))] });
    expect(summary).toEqual([{ resource: 'Deployment ml/api', facts: ['autoscaling 2–10 (new HPA)'] }]);
  });

  it('tells a removed HPA and one moved to another workload on both workloads', () => {
    expect(diffResources({ target: 't', base: [resource(hpa('api', 1, 3))], head: [] }).summary).toEqual([
      { resource: 'Deployment ml/api', facts: ['autoscaling removed (HPA)'] },
    ]);
    expect(
      diffResources({
        target: 't',
        base: [resource(hpa('api', 1, 3))],
        head: [resource(hpa('worker', 1, 3))],
      }).summary,
    ).toEqual([
      { resource: 'Deployment ml/api', facts: ['autoscaling removed (HPA)'] },
      { resource: 'Deployment ml/worker', facts: ['autoscaling 1–3 (new HPA)'] },
    ]);
  });

  it('reads KEDA ScaledObjects with their documented defaults', () => {
    const scaled = (max?: number): KubeObject => ({
      apiVersion: 'keda.sh/v1alpha1',
      kind: 'ScaledObject',
      metadata: { name: 'llm' },
      spec: { scaleTargetRef: { name: 'llm' }, ...(max ? { maxReplicaCount: max } : {}) },
    });
    expect(
      diffResources({ target: 't', base: [resource(scaled())], head: [resource(scaled(8))] }).summary,
    ).toEqual([{ resource: 'Deployment ml/llm', facts: ['autoscaling 0–100 → 0–8'] }]);
  });
});

describe('diffResources on hostile input', () => {
  it('diffs objects with YAML alias cycles without recursing forever', () => {
    const data: Record<string, unknown> = { k: 'v' };
    data.loop = data;
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data } as KubeObject;
    const { changes } = diffResources({ target: 't', base: [], head: [resource(cm)] });
    expect(changes[0]?.diff).toContain('+  loop: <circular alias>\n');
  });
});

describe('diffResources summary names', () => {
  it('keeps one line per resource when two kinds of different groups share a name', () => {
    const job = (image: string): KubeObject => ({
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'train' },
      spec: { template: { spec: { containers: [{ name: 'c', image }] } } },
    });
    // Volcano's Job: same kind name, another group, pods under spec.tasks[].template.
    const volcano = (image: string): KubeObject => ({
      apiVersion: 'batch.volcano.sh/v1alpha1',
      kind: 'Job',
      metadata: { name: 'train' },
      spec: {
        tasks: [{ name: 'worker', replicas: 2, template: { spec: { containers: [{ name: 'c', image }] } } }],
      },
    });
    const { summary } = diffResources({
      target: 't',
      base: [resource(job('train:1')), resource(volcano('train:1'))],
      head: [resource(job('train:2')), resource(volcano('train:3'))],
    });
    expect(summary.map((s) => [s.resource, s.facts[s.facts.length - 1]])).toEqual([
      ['Job ml/train', 'image train:1 → 2'],
      ['Job ml/train (batch.volcano.sh)', 'image train:1 → 3'],
    ]);
  });
});
