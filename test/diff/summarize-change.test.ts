import { describe, expect, it } from 'vitest';
import { MAX_FACTS, summarizeChange } from '../../src/diff/summarize-change.ts';
import type { KubeObject } from '../../src/types.ts';

type Container = Record<string, unknown>;

function podSpec(containers: Container[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { containers, ...extra };
}

function deployment(spec: Record<string, unknown>, replicas?: number, kind = 'Deployment'): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind,
    metadata: { name: 'api' },
    spec: { ...(replicas === undefined ? {} : { replicas }), template: { spec } },
  };
}

function isvc(predictor: Record<string, unknown>, extra: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'serving.kserve.io/v1beta1',
    kind: 'InferenceService',
    metadata: { name: 'classifier' },
    spec: { predictor, ...extra },
  };
}

const model = (uri: string, gpus = 1, format: Record<string, unknown> = { name: 'sklearn' }) => ({
  modelFormat: format,
  storageUri: uri,
  resources: { limits: { 'nvidia.com/gpu': gpus } },
});

describe('summarizeChange: Deployment and StatefulSet', () => {
  it('tells image per container when the pod has several, and replicas', () => {
    const before = deployment(
      podSpec([
        { name: 'app', image: 'my-app:1.0' },
        { name: 'proxy', image: 'envoy:1.30' },
      ]),
      3,
    );
    const after = deployment(
      podSpec([
        { name: 'app', image: 'my-app:1.1' },
        { name: 'proxy', image: 'envoy:1.30' },
      ]),
      5,
    );
    expect(summarizeChange({ before, after })).toEqual(['image my-app:1.0 → 1.1 (app)', 'replicas 3 → 5']);
  });

  it('reads an unset replicas as the Kubernetes default of 1', () => {
    const before = deployment(podSpec([{ name: 'app', image: 'a:1' }]));
    const after = deployment(podSpec([{ name: 'app', image: 'a:1' }]), 2, 'StatefulSet');
    expect(summarizeChange({ before: { ...before, kind: 'StatefulSet' }, after })).toEqual([
      'replicas 1 → 2',
    ]);
  });

  it('tells containers added and removed, init containers named as such', () => {
    const before = deployment(
      podSpec([
        { name: 'app', image: 'a:1' },
        { name: 'old', image: 'o:1' },
      ]),
    );
    const after = deployment(
      podSpec([{ name: 'app', image: 'a:1' }], {
        initContainers: [{ name: 'fetch-model', image: 'gsutil:5' }],
      }),
    );
    expect(summarizeChange({ before, after })).toEqual([
      'init container fetch-model added (gsutil:5)',
      'container old removed',
    ]);
  });

  it('tells a new repository in full and a digest change shortened', () => {
    const before = deployment(podSpec([{ name: 'app', image: 'docker.io/acme/app:1.0' }]));
    const after = deployment(podSpec([{ name: 'app', image: `ghcr.io/acme/app@sha256:${'ab'.repeat(32)}` }]));
    expect(summarizeChange({ before, after })).toEqual([
      'image docker.io/acme/app:1.0 → ghcr.io/acme/app@sha256:abababababab…',
    ]);
  });

  it('tells GPU count, GPU type from required node affinity, and tolerations removed', () => {
    const affinity = (gpu: string) => ({
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [
            {
              matchExpressions: [{ key: 'cloud.google.com/gke-accelerator', operator: 'In', values: [gpu] }],
            },
          ],
        },
      },
    });
    const gpu = (n: number) => ({ resources: { limits: { 'nvidia.com/gpu': n } } });
    const before = deployment(
      podSpec([{ name: 'app', image: 'a:1', ...gpu(1) }], {
        affinity: affinity('nvidia-l4'),
        tolerations: [{ key: 'dedicated', value: 'ml', effect: 'NoSchedule', operator: 'Equal' }],
      }),
    );
    const after = deployment(
      podSpec([{ name: 'app', image: 'a:1', ...gpu(2) }], { affinity: affinity('nvidia-h100-80gb') }),
    );
    expect(summarizeChange({ before, after })).toEqual([
      'GPUs 1 → 2 (nvidia.com/gpu)',
      'GPU type nvidia-l4 → nvidia-h100-80gb',
      'toleration removed dedicated=ml:NoSchedule',
    ]);
  });

  it('names the accelerator type in a workload total, not an instance type', () => {
    const pods = (replicas: number, n: number, nodeSelector: Record<string, string>) =>
      deployment(
        podSpec([{ name: 'vllm', image: 'v:1', resources: { limits: { 'nvidia.com/gpu': n } } }], {
          nodeSelector,
        }),
        replicas,
      );
    const a100 = { 'nvidia.com/gpu.product': 'NVIDIA-A100-SXM4-80GB' };
    expect(summarizeChange({ before: pods(4, 1, a100), after: pods(4, 2, a100) })).toEqual([
      'GPUs 1 → 2 (nvidia.com/gpu)',
      'GPUs 4 → 8 × nvidia.com/gpu on NVIDIA-A100-SXM4-80GB in total',
    ]);
    const machine = { 'node.kubernetes.io/instance-type': 'p4d.24xlarge' };
    expect(summarizeChange({ before: pods(2, 1, machine), after: pods(3, 1, machine) })).toContain(
      'GPUs 2 → 3 × nvidia.com/gpu in total',
    );
  });

  it('tells the model named by environment variables and flags, never a token variable', () => {
    const before = deployment(
      podSpec([
        {
          name: 'tgi',
          image: 'tgi:2',
          args: ['--model-id', 'acme/classifier-v1', '--port=80'],
          env: [
            { name: 'HF_MODEL_ID', value: 'acme/base-v1' },
            { name: 'MODEL_TOKEN', value: 'hf_do_not_echo_1' },
          ],
        },
      ]),
    );
    const after = deployment(
      podSpec([
        {
          name: 'tgi',
          image: 'tgi:2',
          args: ['--model-id', 'acme/classifier-v2', '--port=80'],
          env: [
            { name: 'HF_MODEL_ID', value: 'acme/base-v2' },
            { name: 'MODEL_TOKEN', value: 'hf_do_not_echo_2' },
          ],
        },
      ]),
    );
    const facts = summarizeChange({ before, after });
    expect(facts).toEqual(['model acme/base-v1 → …-v2', 'model acme/classifier-v1 → …-v2']);
    expect(facts.join(' ')).not.toContain('do_not_echo');
  });

  it('says nothing when no AI-relevant field changed', () => {
    const before = deployment(
      podSpec([{ name: 'app', image: 'a:1', env: [{ name: 'LOG_LEVEL', value: 'info' }] }]),
    );
    const after = deployment(
      podSpec([{ name: 'app', image: 'a:1', env: [{ name: 'LOG_LEVEL', value: 'debug' }] }]),
    );
    expect(summarizeChange({ before, after })).toEqual([]);
  });

  it('describes a new workload and marks a removed one', () => {
    const obj = deployment(
      podSpec([{ name: 'app', image: 'a:1', resources: { limits: { 'amd.com/gpu': 1 } } }]),
      3,
    );
    expect(summarizeChange({ after: obj })).toEqual([
      'new',
      'image a:1',
      'GPUs 1 (amd.com/gpu)',
      'GPUs 3 × amd.com/gpu in total',
      'replicas 3',
    ]);
    expect(summarizeChange({ before: obj })).toEqual(['removed']);
  });

  it('keeps a summary line short, counting what it leaves out', () => {
    const many = (tag: string) =>
      deployment(podSpec(Array.from({ length: 12 }, (_, i) => ({ name: `c${i}`, image: `img${i}:${tag}` }))));
    const facts = summarizeChange({ before: many('1'), after: many('2') });
    expect(facts).toHaveLength(MAX_FACTS);
    expect(facts.at(-1)).toBe(`+${12 - MAX_FACTS + 1} more`);
  });
});

describe('summarizeChange: Job, CronJob and Pod', () => {
  it('tells Job parallelism and GPUs', () => {
    const job = (parallelism: number, gpus: number): KubeObject => ({
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'train' },
      spec: {
        parallelism,
        template: {
          spec: podSpec([{ name: 't', image: 'train:1', resources: { limits: { 'nvidia.com/gpu': gpus } } }]),
        },
      },
    });
    expect(summarizeChange({ before: job(1, 1), after: job(4, 8) })).toEqual([
      'Job will be re-created: training re-runs',
      'GPUs 1 → 8 (nvidia.com/gpu)',
      'GPUs 1 → 32 × nvidia.com/gpu in total',
      'parallelism 1 → 4',
    ]);
  });

  // NVIDIA/KAI-Scheduler@84de0d9 deployments/kai-scheduler/templates/hooks/post/post-delete-job.yaml: a
  // Helm post-delete hook running `/bin/sh -c <script>` was "Job will be re-created: training re-runs,
  // hyperparameters c <the whole old script> → <the new one>".
  const shellJob = (script: string, annotations?: Record<string, string>): KubeObject => ({
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: 'post-delete-cleanup', ...(annotations ? { annotations } : {}) },
    spec: {
      template: {
        spec: podSpec([{ name: 'deleter', image: 'kubectl:1.31', command: ['/bin/sh', '-c', script] }]),
      },
    },
  });

  it('says nothing of re-creating a Helm or Argo CD hook Job: its hook event runs it, not this deploy', () => {
    const cleanup = 'kubectl -n kai delete deployment --all --ignore-not-found=true\n';
    const more = `${cleanup}kubectl delete Config kai-config --ignore-not-found\necho "Cleanup complete."\n`;
    const hooks: Record<string, string>[] = [
      { 'helm.sh/hook': 'post-delete' },
      { 'argocd.argoproj.io/hook': 'PostDelete' },
    ];
    for (const annotations of hooks) {
      expect(
        summarizeChange({ before: shellJob(cleanup, annotations), after: shellJob(more, annotations) }),
      ).toEqual([]);
    }
  });

  it("reads the flags inside a shell's -c script as hyperparameters, never the script as one", () => {
    const train = (lr: string) => `python train.py --lr ${lr} --epochs 3\necho done\n`;
    expect(summarizeChange({ before: shellJob(train('1e-4')), after: shellJob(train('3e-4')) })).toEqual([
      'Job will be re-created: training re-runs',
      'hyperparameters lr 1e-4 → 3e-4',
    ]);
    // A flag that ends its line, or its command, takes no value from the next command.
    const lines = (end: string) => `kubectl delete cm a --ignore-not-found${end}echo done\n`;
    for (const end of ['\n', '; ', ' && ', ' | ']) {
      expect(summarizeChange({ before: shellJob('echo start\n'), after: shellJob(lines(end)) })).toEqual([
        'Job will be re-created: training re-runs',
        'hyperparameters ignore-not-found unset → true',
      ]);
    }
  });

  it('finds the pod spec of a CronJob under its job template', () => {
    const cron = (image: string): KubeObject => ({
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { name: 'eval' },
      spec: {
        schedule: '@daily',
        jobTemplate: { spec: { template: { spec: podSpec([{ name: 'e', image }]) } } },
      },
    });
    expect(summarizeChange({ before: cron('eval:1'), after: cron('eval:2') })).toEqual(['image eval:1 → 2']);
  });

  it('reads a bare Pod', () => {
    const pod = (image: string): KubeObject => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p' },
      spec: podSpec([{ name: 'x', image }]),
    });
    expect(summarizeChange({ before: pod('x:1'), after: pod('x:2') })).toEqual(['image x:1 → 2']);
  });

  it('labels the components of a custom resource with several pod templates (Kubeflow PyTorchJob)', () => {
    const job = (workers: number, image: string): KubeObject => ({
      apiVersion: 'kubeflow.org/v1',
      kind: 'PyTorchJob',
      metadata: { name: 'ft' },
      spec: {
        pytorchReplicaSpecs: {
          Master: { replicas: 1, template: { spec: podSpec([{ name: 'pytorch', image }]) } },
          Worker: { replicas: workers, template: { spec: podSpec([{ name: 'pytorch', image }]) } },
        },
      },
    });
    expect(summarizeChange({ before: job(2, 'ft:1'), after: job(4, 'ft:2') })).toEqual([
      'Master: image ft:1 → 2',
      'Worker: image ft:1 → 2',
      'Worker: replicas 2 → 4',
    ]);
  });
});

describe('summarizeChange: KServe InferenceService', () => {
  it('tells model, canary and GPUs in that order', () => {
    const before = isvc({ model: model('gs://m/classifier/v1', 1) });
    const after = isvc({ canaryTrafficPercent: 10, model: model('gs://m/classifier/v2', 2) });
    expect(summarizeChange({ before, after })).toEqual([
      'model gs://m/classifier/v1 → …/v2',
      'canary 10% (new model 10%, previous 90%)',
      'GPUs 1 → 2 (nvidia.com/gpu)',
    ]);
  });

  it('tells a canary still set when the predictor changes again, and a canary percent moving', () => {
    const a = isvc({ canaryTrafficPercent: 10, model: model('gs://m/v1') });
    const b = isvc({ canaryTrafficPercent: 10, model: model('gs://m/v2') });
    const c = isvc({ canaryTrafficPercent: 50, model: model('gs://m/v2') });
    const d = isvc({ model: model('gs://m/v2') });
    expect(summarizeChange({ before: a, after: b })).toEqual([
      'model gs://m/v1 → …/v2',
      'canary 10% (new model 10%, previous 90%)',
    ]);
    expect(summarizeChange({ before: b, after: c })).toEqual([
      'canary 10% → 50% (new model 50%, previous 50%)',
    ]);
    expect(summarizeChange({ before: c, after: d })).toEqual(['canary off (100% to latest)']);
  });

  it('tells model format, runtime and autoscaling bounds', () => {
    const before = isvc({
      minReplicas: 1,
      maxReplicas: 3,
      model: { ...model('s3://m/v1'), runtime: 'mlserver' },
    });
    const after = isvc({
      minReplicas: 2,
      maxReplicas: 10,
      model: { ...model('s3://m/v1', 1, { name: 'xgboost', version: '2' }), runtime: 'triton' },
    });
    expect(summarizeChange({ before, after })).toEqual([
      'format sklearn → xgboost 2',
      'runtime mlserver → triton',
      'GPUs 1 → 2 × nvidia.com/gpu in total',
      'autoscaling 1–3 → 2–10',
    ]);
  });

  it('reads the older framework form (predictor.sklearn) and a new transformer', () => {
    const before = isvc({ sklearn: { storageUri: 'gs://m/iris/v1' } });
    const after = isvc(
      { sklearn: { storageUri: 'gs://m/iris/v2' } },
      { transformer: { containers: [{ name: 'kserve-container', image: 'feast-transformer:0.4' }] } },
    );
    expect(summarizeChange({ before, after })).toEqual([
      'transformer added',
      'predictor: model gs://m/iris/v1 → …/v2',
      'transformer: image feast-transformer:0.4',
    ]);
  });

  it('describes a new InferenceService: model, format, GPUs', () => {
    const after = isvc({ minReplicas: 1, model: model('gs://m/classifier/v1', 1, { name: 'onnx' }) });
    expect(summarizeChange({ after })).toEqual([
      'new',
      'model gs://m/classifier/v1',
      'format onnx',
      'GPUs 1 (nvidia.com/gpu)',
      'autoscaling 1–∞',
    ]);
  });
});

describe('summarizeChange: Argo Rollout', () => {
  it('tells the canary steps a new template walks through', () => {
    const rollout = (image: string): KubeObject => ({
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Rollout',
      metadata: { name: 'r' },
      spec: {
        strategy: { canary: { steps: [{ setWeight: 10 }, { pause: {} }, { setWeight: 50 }] } },
        template: { spec: podSpec([{ name: 'app', image }]) },
      },
    });
    expect(summarizeChange({ before: rollout('app:1'), after: rollout('app:2') })).toEqual([
      'rollout steps 10%→pause→50%→100%',
      'image app:1 → 2',
    ]);
  });

  it('tells a move to blue-green with manual promotion', () => {
    const rollout = (strategy: Record<string, unknown>): KubeObject => ({
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Rollout',
      metadata: { name: 'r' },
      spec: { strategy, workloadRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'r' } },
    });
    expect(
      summarizeChange({
        before: rollout({ canary: { steps: [{ setWeight: 20 }] } }),
        after: rollout({ blueGreen: { activeService: 'r', autoPromotionEnabled: false } }),
      }),
    ).toEqual(['rollout blue-green, manual promotion (was steps 20%→100%)']);
  });
});

describe('summarizeChange: routes', () => {
  it('tells Istio VirtualService weights per named route', () => {
    const vs = (a: number, b: number): KubeObject => ({
      apiVersion: 'networking.istio.io/v1beta1',
      kind: 'VirtualService',
      metadata: { name: 'vs' },
      spec: {
        http: [
          {
            name: 'api',
            route: [
              { destination: { host: 'api', subset: 'v1' }, weight: a },
              { destination: { host: 'api', subset: 'v2' }, weight: b },
            ],
          },
          { name: 'admin', route: [{ destination: { host: 'admin' } }] },
        ],
      },
    });
    expect(summarizeChange({ before: vs(90, 10), after: vs(0, 100) })).toEqual([
      'traffic v1 90% / v2 10% → v1 0% / v2 100% (api)',
    ]);
  });

  it('tells Gateway API HTTPRoute relative weights as percentages', () => {
    const route = (weights: number[]): KubeObject => ({
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'HTTPRoute',
      metadata: { name: 'r' },
      spec: { rules: [{ backendRefs: weights.map((weight, i) => ({ name: `m-v${i + 1}`, weight })) }] },
    });
    expect(summarizeChange({ after: route([1, 3]) })).toEqual(['new', 'traffic m-v1 25% / m-v2 75%']);
    expect(summarizeChange({ before: route([1, 3]), after: route([1, 1]) })).toEqual([
      'traffic m-v1 25% / m-v2 75% → m-v1 50% / m-v2 50%',
    ]);
  });

  it('tells Knative Service traffic by tag or revision', () => {
    const ksvc = (latest: number): KubeObject => ({
      apiVersion: 'serving.knative.dev/v1',
      kind: 'Service',
      metadata: { name: 'k' },
      spec: {
        template: { spec: podSpec([{ image: 'k:1' }]) },
        traffic: [
          { latestRevision: true, percent: latest },
          { revisionName: 'k-00001', percent: 100 - latest },
        ],
      },
    });
    expect(summarizeChange({ before: ksvc(0), after: ksvc(20) })).toEqual([
      'traffic latest 0% / k-00001 100% → latest 20% / k-00001 80%',
    ]);
  });
});

describe('summarizeChange: Secrets and other kinds', () => {
  it('tells Secret key names by status, never values', () => {
    const s = (data: Record<string, string>): KubeObject => ({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 's' },
      stringData: data,
    });
    const facts = summarizeChange({
      before: s({ password: 'value-one', user: 'admin', a: '1', b: '2' }),
      after: s({ password: 'value-two', user: 'admin', token: 'tok-value' }),
    });
    expect(facts).toEqual(['key changed: password', 'key added: token', 'keys removed: a, b']);
    expect(facts.join()).not.toMatch(/value-|admin|tok-value/);
  });

  it('says nothing about kinds without pods, routes or values', () => {
    const cm = (v: string): KubeObject => ({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'c' },
      data: { v },
    });
    expect(summarizeChange({ before: cm('1'), after: cm('2') })).toEqual([]);
    expect(summarizeChange({ before: cm('1') })).toEqual([]);
  });
});
