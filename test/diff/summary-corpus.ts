/**
 * A deterministic corpus of before/after pairs for `summarizeChange`: every kind the summary reads, each
 * changed in the ways a reviewer is told about (images, GPUs per vendor in limits or requests, GPU
 * type, tolerations, replicas and bounds, model storageUri and env/flags, canary percent, containers and
 * pod specs added or removed, hyperparameters) and in ways that tell nothing (metadata only). Same
 * `count` → same pairs. The recorded outputs (test/fixtures/summary/summarize-change-corpus.json) were made by the
 * implementation before its speed work, so a faster one must match them byte for byte.
 */
import type { KubeObject } from '../../src/types.ts';

type Obj = Record<string, unknown>;

export interface SummaryPair {
  before?: KubeObject;
  after?: KubeObject;
}

/** mulberry32: small, fast, and the same sequence on every platform. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The same data with every map's keys reversed. */
function reorderKeys<T>(value: T, depth: number): T {
  if (depth > 12 || typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map((v) => reorderKeys(v, depth + 1)) as T;
  const entries = Object.entries(value as Obj).reverse();
  return Object.fromEntries(entries.map(([k, v]) => [k, reorderKeys(v, depth + 1)])) as T;
}

export function generateSummaryPairs(count: number, seed = 1): SummaryPair[] {
  const rnd = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
  const chance = (p: number): boolean => rnd() < p;
  const pairs: SummaryPair[] = [];

  const gpuResource = (): Obj => {
    const name = pick(['nvidia.com/gpu', 'amd.com/gpu', 'nvidia.com/mig-1g.10gb', 'google.com/tpu', 'cpu']);
    const amount = pick<unknown>([0, 1, 2, 4, '8', '1k', 'x', 0.5, Number.NaN, 1e308]);
    const where = pick(['limits', 'requests', 'both']);
    const res: Obj = { cpu: '500m', memory: '2Gi' };
    const limits: Obj = { memory: '4Gi' };
    if (where !== 'requests') limits[name] = amount;
    if (where !== 'limits') res[name] = where === 'both' ? pick<unknown>([1, 2, amount]) : amount;
    return { requests: res, limits };
  };

  const container = (name: string, i: number): Obj => {
    const c: Obj = {
      name,
      image: pick([
        `reg.io/ml/${name}:1.${i % 4}`,
        `${name}:latest`,
        `ghcr.io/x/${name}@sha256:${'ab'.repeat(32)}`,
      ]),
    };
    if (chance(0.6)) c.resources = gpuResource();
    const env: Obj[] = [{ name: 'LOG_LEVEL', value: 'info' }];
    if (chance(0.5))
      env.push({
        name: pick(['MODEL_ID', 'HF_MODEL_ID', 'MODEL_VERSION', 'REVISION', 'LR']),
        value: pick(['m1', 'm2', '3e-4']),
      });
    if (chance(0.2)) env.push({ name: 'MODEL_TOKEN', value: 'secret' });
    c.env = env;
    if (chance(0.5))
      c.args = pick([
        ['--model', 'org/m-1', '--lr', '1e-4'],
        ['--model-dir=/models', '--epochs=3'],
        ['vllm', 'serve', 'org/m-7b', '--fp16'],
      ]);
    if (chance(0.2)) c.command = ['python', 'train.py', '--batch-size', pick(['32', '64'])];
    return c;
  };

  const podSpec = (): Obj => {
    const n = 1 + Math.floor(rnd() * 3);
    const names = ['server', 'proxy', 'agent', 'server'];
    const spec: Obj = {
      containers: Array.from({ length: n }, (_, i) =>
        container(chance(0.1) ? 'dup' : (names[i] as string), i),
      ),
    };
    if (chance(0.1)) (spec.containers as Obj[]).push({ image: 'nameless:1' });
    if (chance(0.3)) spec.initContainers = [container(chance(0.2) ? 'server' : 'fetch', 0)];
    if (chance(0.4)) spec.tolerations = [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }];
    if (chance(0.3))
      spec.nodeSelector = {
        [pick([
          'nvidia.com/gpu.product',
          'cloud.google.com/gke-tpu-accelerator',
          'node.kubernetes.io/instance-type',
          'team',
        ])]: pick(['A100', 'v5e', 'p4d']),
      };
    if (chance(0.2)) {
      spec.affinity = {
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: {
            nodeSelectorTerms: [
              {
                matchExpressions: [
                  {
                    key: 'cloud.google.com/gke-accelerator',
                    operator: 'In',
                    values: [pick(['nvidia-l4', 'nvidia-h100'])],
                  },
                ],
              },
            ],
          },
        },
      };
    }
    return spec;
  };

  const template = (): Obj => ({ metadata: { labels: { app: 'x' } }, spec: podSpec() });
  const meta = (name: string): Obj => ({ name, namespace: 'ml', annotations: { 'ferry.dev/owner': 'team' } });

  const inferenceService = (name: string): KubeObject => {
    const predictor: Obj = chance(0.7)
      ? {
          minReplicas: 1,
          maxReplicas: pick([3, 5]),
          model: {
            modelFormat: { name: 'sklearn', ...(chance(0.3) ? { version: '1' } : {}) },
            storageUri: `gs://m/classifier/v${pick([1, 2])}`,
            runtime: pick(['kserve-sklearnserver', undefined]),
            resources: gpuResource(),
          },
        }
      : { sklearn: { storageUri: 's3://b/m', resources: gpuResource() }, ...podSpec() };
    if (chance(0.5)) predictor.canaryTrafficPercent = pick([10, 50, 100, 0, 150]);
    if (chance(0.2)) predictor.timeout = pick([30, Number.NaN]);
    if (chance(0.2)) predictor.workerSpec = { ...podSpec(), tensorParallelSize: 2 };
    const spec: Obj = { predictor };
    if (chance(0.3)) spec.transformer = podSpec();
    return {
      apiVersion: 'serving.kserve.io/v1beta1',
      kind: 'InferenceService',
      metadata: meta(name),
      spec,
    };
  };

  const make = (i: number): KubeObject => {
    const name = `r-${i}`;
    switch (i % 14) {
      case 0:
        return {
          apiVersion: 'apps/v1',
          kind: pick(['Deployment', 'StatefulSet']),
          metadata: meta(name),
          spec: { ...(chance(0.7) ? { replicas: pick([1, 2, 4]) } : {}), template: template() },
        };
      case 1:
        return {
          apiVersion: 'batch/v1',
          kind: 'Job',
          metadata: meta(name),
          spec: { parallelism: pick([1, 2]), completions: pick([1, 4]), template: template() },
        };
      case 2:
        return {
          apiVersion: 'kubeflow.org/v1',
          kind: 'PyTorchJob',
          metadata: meta(name),
          spec: {
            pytorchReplicaSpecs: {
              Master: { replicas: 1, template: template() },
              ...(chance(0.8) ? { Worker: { replicas: pick([2, 4]), template: template() } } : {}),
            },
          },
        };
      case 3:
        return {
          apiVersion: 'ray.io/v1',
          kind: 'RayJob',
          metadata: meta(name),
          spec: {
            entrypoint: `python train.py --lr ${pick(['1e-4', '3e-4'])}`,
            rayClusterSpec: {
              headGroupSpec: { template: template() },
              workerGroupSpecs: [
                {
                  groupName: 'gpu',
                  replicas: 2,
                  minReplicas: 1,
                  maxReplicas: pick([4, 8]),
                  template: template(),
                },
              ],
            },
          },
        };
      case 4:
        return {
          apiVersion: 'leaderworkerset.x-k8s.io/v1',
          kind: 'LeaderWorkerSet',
          metadata: meta(name),
          spec: {
            replicas: pick([1, 2, 1e308]),
            leaderWorkerTemplate: {
              size: pick([2, 4]),
              leaderTemplate: template(),
              workerTemplate: template(),
            },
          },
        };
      case 5:
      case 6:
        return inferenceService(name);
      case 7:
        return {
          apiVersion: 'serving.kserve.io/v1alpha1',
          kind: 'LLMInferenceService',
          metadata: meta(name),
          spec: {
            replicas: 2,
            template: podSpec(),
            ...(chance(0.5) ? { worker: podSpec() } : {}),
            ...(chance(0.3) ? { prefill: { replicas: 1, template: podSpec() } } : {}),
          },
        };
      case 8:
        return {
          apiVersion: 'trainer.kubeflow.org/v1alpha1',
          kind: 'TrainJob',
          metadata: meta(name),
          spec: {
            trainer: {
              ...container('trainer', 0),
              numNodes: pick([1, 2, 8]),
              resourcesPerNode: { limits: { 'nvidia.com/gpu': pick([1, 8]) } },
            },
          },
        };
      case 9:
        return { apiVersion: 'v1', kind: 'Service', metadata: meta(name), spec: { ports: [{ port: 80 }] } };
      case 10:
        return {
          apiVersion: 'networking.istio.io/v1',
          kind: 'VirtualService',
          metadata: meta(name),
          spec: {
            http: [
              {
                route: [
                  { destination: { host: 'a', subset: 'v1' }, weight: pick([90, 50]) },
                  { destination: { host: 'a', subset: 'v2' }, weight: pick([10, 50]) },
                ],
              },
            ],
          },
        };
      case 11:
        return {
          apiVersion: 'argoproj.io/v1alpha1',
          kind: 'Rollout',
          metadata: meta(name),
          spec: {
            replicas: 3,
            strategy: {
              canary: { steps: [{ setWeight: pick([10, 20]) }, { pause: {} }, { setWeight: 50 }] },
            },
            template: template(),
          },
        };
      case 12:
        return {
          apiVersion: 'v1',
          kind: 'Secret',
          metadata: meta(name),
          data: { a: pick(['YQ==', 'Yg==']), ...(chance(0.5) ? { b: 'Yw==' } : {}) },
        };
      default:
        return {
          apiVersion: 'batch/v1',
          kind: 'CronJob',
          metadata: meta(name),
          spec: { jobTemplate: { spec: { template: template() } } },
        };
    }
  };

  interface Site {
    next: KubeObject;
    spec?: Obj;
    containers: Obj[];
    c?: Obj;
  }
  const setImage = ({ c }: Site): void => {
    if (c)
      c.image = pick([
        'reg.io/ml/server:2.0',
        'other.io/server:1.0',
        `ghcr.io/x/server@sha256:${'cd'.repeat(32)}`,
      ]);
  };
  const setResources = ({ c }: Site): void => {
    if (c) c.resources = gpuResource();
  };
  const dropResources = ({ c }: Site): void => {
    if (c) delete c.resources;
  };
  const setTolerations = ({ spec }: Site): void => {
    if (spec)
      spec.tolerations = chance(0.5) ? [{ key: 'dedicated', value: 'ml', effect: 'NoSchedule' }, {}] : [];
  };
  const setReplicas = ({ next }: Site): void => {
    const s2 = next.spec as Obj | undefined;
    if (s2 && 'replicas' in s2) s2.replicas = pick([0, 3, 5, '2']);
    else if (s2) s2.replicas = 2;
  };
  const addContainer = ({ spec, containers }: Site): void => {
    if (spec) containers.push(container('added', 3));
  };
  const dropContainer = ({ containers }: Site): void => {
    if (containers.length > 1) containers.splice(0, 1);
  };
  const setPredictor = ({ next }: Site): void => {
    const p = (next.spec as Obj | undefined)?.predictor as Obj | undefined;
    if (!p) return;
    if (chance(0.5)) p.canaryTrafficPercent = pick([20, 100, 0]);
    else delete p.canaryTrafficPercent;
    const m = p.model as Obj | undefined;
    if (m) m.storageUri = pick(['gs://m/classifier/v3', 's3://other/model']);
  };
  const setEnv = ({ c }: Site): void => {
    if (c)
      c.env = [
        { name: 'MODEL_ID', value: pick(['org/m-2', 'org/m-1']) },
        { name: 'LR', value: '5e-4' },
      ];
  };
  const setNodeSelector = ({ spec }: Site): void => {
    if (spec) spec.nodeSelector = { 'nvidia.com/gpu.product': pick(['H100', 'A100']) };
  };
  const changePodSpecs = ({ next }: Site): void => {
    const s2 = next.spec as Obj | undefined;
    const groups = (s2?.rayClusterSpec as Obj | undefined)?.workerGroupSpecs as Obj[] | undefined;
    const replicaSpecs = s2?.pytorchReplicaSpecs as Obj | undefined;
    if (groups) groups.push({ groupName: 'cpu', replicas: 1, template: template() });
    else if (replicaSpecs) delete replicaSpecs.Worker;
    else if (s2 && 'predictor' in s2) s2.transformer = podSpec();
    else if (s2) s2.minReplicas = 1;
  };
  const setArgs = ({ c }: Site): void => {
    if (c) c.args = ['--model', pick(['org/m-2', 'org/m-3']), '--lr', pick(['1e-4', '2e-4'])];
  };
  const MUTATIONS = [
    setImage,
    setResources,
    dropResources,
    setTolerations,
    setReplicas,
    addContainer,
    dropContainer,
    setPredictor,
    setEnv,
    setNodeSelector,
    changePodSpecs,
    setArgs,
  ];
  const podSpecsIn = (node: unknown, depth: number, found: Obj[]): Obj[] => {
    if (depth > 8 || typeof node !== 'object' || node === null) return found;
    if (Array.isArray(node)) {
      for (const x of node) podSpecsIn(x, depth + 1, found);
      return found;
    }
    const o = node as Obj;
    if (Array.isArray(o.containers)) found.push(o);
    for (const v of Object.values(o)) podSpecsIn(v, depth + 1, found);
    return found;
  };

  const mutate = (obj: KubeObject): KubeObject => {
    const next = structuredClone(obj) as KubeObject;
    const metadata = next.metadata as Obj;
    metadata.annotations = { 'ferry.dev/owner-next': 'team' };
    if (chance(0.45)) {
      // Metadata only; sometimes the same fields in another order (key order is not a change to a reader).
      return chance(0.3) ? reorderKeys(next, 0) : next;
    }
    const specs = podSpecsIn(next.spec, 0, []);
    const steps = 1 + Math.floor(rnd() * 3);
    for (let s = 0; s < steps; s++) {
      const spec = specs.length > 0 ? pick(specs) : undefined;
      const containers = (spec?.containers ?? []) as Obj[];
      const c = containers.length > 0 ? pick(containers) : undefined;
      (MUTATIONS[Math.floor(rnd() * MUTATIONS.length)] as (s: Site) => void)({ next, spec, containers, c });
    }
    if (chance(0.1) && next.kind === 'RayJob') (next.spec as Obj).entrypoint = 'python train.py --lr 9e-4';
    if (next.kind === 'Secret' && chance(0.5)) (next as Obj).data = { a: 'Zg==' };
    return next;
  };

  for (let i = 0; i < count; i++) {
    const before = make(i);
    const roll = rnd();
    if (roll < 0.05) pairs.push({ after: before });
    else if (roll < 0.08) pairs.push({ before });
    else pairs.push({ before, after: mutate(before) });
  }
  return pairs;
}
