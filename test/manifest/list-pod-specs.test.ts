import { describe, expect, it } from 'vitest';
import { listContainers, listPodSpecs } from '../../src/manifest/list-pod-specs.ts';
import { resourcesOf } from '../validate/rules/run-rule.ts';

const POD_SPEC = `
      initContainers:
        - name: fetch
          image: busybox:1.36
      containers:
        - name: app
          image: app:1.0`;

function only(yaml: string) {
  const [resource] = resourcesOf(yaml);
  if (!resource) throw new Error('no resource');
  return resource.object;
}

describe('listContainers', () => {
  it.each([
    {
      kind: 'Pod',
      yaml: `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  initContainers: [{name: fetch, image: busybox:1.36}]
  containers: [{name: app, image: app:1.0}]`,
      paths: ['spec/initContainers/0', 'spec/containers/0'],
    },
    ...['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet'].map((kind) => ({
      kind,
      yaml: `apiVersion: apps/v1
kind: ${kind}
metadata: {name: w}
spec:
  template:
    spec:${POD_SPEC}`,
      paths: ['spec/template/spec/initContainers/0', 'spec/template/spec/containers/0'],
    })),
    {
      kind: 'Job',
      yaml: `apiVersion: batch/v1
kind: Job
metadata: {name: j}
spec:
  template:
    spec:${POD_SPEC}`,
      paths: ['spec/template/spec/initContainers/0', 'spec/template/spec/containers/0'],
    },
    {
      kind: 'CronJob',
      yaml: `apiVersion: batch/v1
kind: CronJob
metadata: {name: c}
spec:
  jobTemplate:
    spec:
      template:
        spec:
          containers: [{name: app, image: app:1.0}]`,
      paths: ['spec/jobTemplate/spec/template/spec/containers/0'],
    },
    {
      kind: 'Argo Rollout',
      yaml: `apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata: {name: r}
spec:
  template:
    spec:${POD_SPEC}`,
      paths: ['spec/template/spec/initContainers/0', 'spec/template/spec/containers/0'],
    },
    {
      kind: 'LeaderWorkerSet',
      yaml: `apiVersion: leaderworkerset.x-k8s.io/v1
kind: LeaderWorkerSet
metadata: {name: vllm}
spec:
  leaderWorkerTemplate:
    leaderTemplate:
      spec:
        containers: [{name: leader, image: vllm/vllm-openai:v0.6.0}]
    workerTemplate:
      spec:
        containers: [{name: worker, image: vllm/vllm-openai:v0.6.0}]`,
      paths: [
        'spec/leaderWorkerTemplate/leaderTemplate/spec/containers/0',
        'spec/leaderWorkerTemplate/workerTemplate/spec/containers/0',
      ],
    },
    {
      kind: 'RayService',
      yaml: `apiVersion: ray.io/v1
kind: RayService
metadata: {name: ray}
spec:
  rayClusterConfig:
    headGroupSpec:
      template:
        spec:
          containers: [{name: head, image: rayproject/ray-ml:2.9.0}]
    workerGroupSpecs:
      - template:
          spec:
            containers: [{name: worker, image: rayproject/ray-ml:2.9.0}]`,
      paths: [
        'spec/rayClusterConfig/headGroupSpec/template/spec/containers/0',
        'spec/rayClusterConfig/workerGroupSpecs/0/template/spec/containers/0',
      ],
    },
    {
      kind: 'PyTorchJob',
      yaml: `apiVersion: kubeflow.org/v1
kind: PyTorchJob
metadata: {name: ft}
spec:
  pytorchReplicaSpecs:
    Master:
      replicas: 1
      template:
        spec:
          containers: [{name: pytorch, image: trainer:1}]
    Worker:
      replicas: 3
      template:
        spec:
          containers: [{name: pytorch, image: trainer:1}]`,
      paths: [
        'spec/pytorchReplicaSpecs/Master/template/spec/containers/0',
        'spec/pytorchReplicaSpecs/Worker/template/spec/containers/0',
      ],
    },
    {
      kind: 'TrainJob',
      yaml: `apiVersion: trainer.kubeflow.org/v1alpha1
kind: TrainJob
metadata: {name: ft}
spec:
  runtimeRef: {name: torch-distributed}
  trainer:
    image: trainer:1
    numNodes: 2
    resourcesPerNode: {limits: {nvidia.com/gpu: 4}}`,
      paths: ['spec/trainer'],
    },
    {
      kind: 'Volcano Job',
      yaml: `apiVersion: batch.volcano.sh/v1alpha1
kind: Job
metadata: {name: mpi}
spec:
  tasks:
    - name: master
      replicas: 1
      template:
        spec:
          containers: [{name: mpi, image: mpi:1}]
    - name: worker
      replicas: 4
      template:
        spec:
          containers: [{name: mpi, image: mpi:1}]`,
      paths: ['spec/tasks/0/template/spec/containers/0', 'spec/tasks/1/template/spec/containers/0'],
    },
    {
      kind: 'Knative Service',
      yaml: `apiVersion: serving.knative.dev/v1
kind: Service
metadata: {name: ksvc}
spec:
  template:
    spec:
      containers: [{image: ghcr.io/acme/clf:1.0}]`,
      paths: ['spec/template/spec/containers/0'],
    },
    {
      kind: 'LLMInferenceService',
      yaml: `apiVersion: serving.kserve.io/v1alpha1
kind: LLMInferenceService
metadata: {name: llama}
spec:
  model: {uri: hf://meta-llama/Llama-3.1-8B-Instruct}
  replicas: 2
  template:
    containers: [{name: main, image: vllm/vllm-openai:v0.8.0}]
  worker:
    containers: [{name: main, image: vllm/vllm-openai:v0.8.0}]`,
      paths: ['spec/template/containers/0', 'spec/worker/containers/0'],
    },
  ])('finds the containers of a $kind at their paths', ({ yaml, paths }) => {
    expect(listContainers(only(yaml)).map((c) => c.path.join('/'))).toEqual(paths);
  });

  it('finds the model specs, custom containers and worker containers of a KServe InferenceService', () => {
    const refs = listContainers(
      only(`apiVersion: serving.kserve.io/v1beta1
kind: InferenceService
metadata: {name: clf}
spec:
  predictor:
    model:
      modelFormat: {name: sklearn}
      storageUri: s3://models/clf/v1
    sklearn:
      storageUri: s3://models/clf/v1
    workerSpec:
      containers: [{name: worker, image: kserve/huggingfaceserver:v0.14.0}]
  transformer:
    containers: [{name: tx, image: tx:1.0}]
  explainer:
    alibi:
      type: AnchorTabular
`),
    );
    expect(refs.map((c) => [c.name, c.path.join('/')])).toEqual([
      ['predictor.model', 'spec/predictor/model'],
      ['predictor.sklearn', 'spec/predictor/sklearn'],
      ['predictor.workerSpec container worker', 'spec/predictor/workerSpec/containers/0'],
      ['transformer container tx', 'spec/transformer/containers/0'],
      ['explainer.alibi', 'spec/explainer/alibi'],
    ]);
  });

  it('names init containers as such and falls back to the index for unnamed containers', () => {
    const refs = listContainers(
      only(`apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  initContainers: [{name: fetch}]
  containers: [{image: app:1.0}]`),
    );
    expect(refs.map((c) => [c.name, c.init])).toEqual([
      ['init container fetch', true],
      ['container 0', false],
    ]);
  });

  it.each([
    ['a ConfigMap', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {a: b}'],
    [
      'a Deployment without a template',
      'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec: {}',
    ],
    [
      'a Pod whose containers is not a list',
      'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: 3}',
    ],
    [
      'a CRD kind named Deployment in another group',
      'apiVersion: example.com/v1\nkind: Deployment\nmetadata: {name: d}\nspec: {template: {spec: {containers: [{name: a}]}}}',
    ],
  ])('finds no containers in %s', (_, yaml) => {
    expect(listContainers(only(yaml))).toEqual([]);
  });
});

describe('listPodSpecs', () => {
  it('reads pod template labels and marks kinds that run no pods', () => {
    const [deployment, template] = resourcesOf(`apiVersion: apps/v1
kind: Deployment
metadata: {name: d}
spec:
  template:
    metadata:
      labels: {app: api, version: 2}
    spec:
      containers: [{name: a}]
---
apiVersion: v1
kind: PodTemplate
metadata: {name: t}
template:
  metadata: {labels: {app: t}}
  spec:
    containers: [{name: a}]
`);
    if (!deployment || !template) throw new Error('missing resources');
    const [pods] = listPodSpecs(deployment.object);
    expect(pods?.labels).toEqual({ app: 'api', version: '2' });
    expect(pods?.labelsPath).toEqual(['spec', 'template', 'metadata', 'labels']);
    expect(pods?.runsPods).toBe(true);
    expect(listPodSpecs(template.object).map((p) => p.runsPods)).toEqual([false]);
  });

  it('gives KServe component pods the object labels, component labels and KServe identity labels', () => {
    const [pods] = listPodSpecs(
      only(`apiVersion: serving.kserve.io/v1beta1
kind: InferenceService
metadata: {name: clf, labels: {team: ml}}
spec:
  predictor:
    labels: {tier: gpu}
    model: {modelFormat: {name: sklearn}}
`),
    );
    expect(pods?.labels).toEqual({
      team: 'ml',
      tier: 'gpu',
      'serving.kserve.io/inferenceservice': 'clf',
      component: 'predictor',
    });
    expect(pods?.addedLabels.map((a) => a.key)).toContain('serving.kserve.io/');
    expect(pods?.addedLabels.find((a) => a.key === 'app')?.valuePrefixes).toEqual([
      'isvc.clf-predictor',
      'clf-predictor',
    ]);
  });
});

describe('one list of pod specs for rules and summary', () => {
  it('names each pod spec and knows what holds its replica count', () => {
    const obj = only(`apiVersion: leaderworkerset.x-k8s.io/v1
kind: LeaderWorkerSet
metadata: {name: vllm}
spec:
  replicas: 2
  leaderWorkerTemplate:
    size: 4
    leaderTemplate:
      spec:
        containers: [{name: leader, image: vllm:1}]
    workerTemplate:
      spec:
        containers: [{name: worker, image: vllm:1}]`);
    expect(listPodSpecs(obj).map((p) => [p.label, p.holder.replicas, p.podsPerReplica])).toEqual([
      ['leader', 2, 1],
      ['worker', 2, 3],
    ]);
    const ray = only(`apiVersion: ray.io/v1
kind: RayJob
metadata: {name: tune}
spec:
  rayClusterSpec:
    headGroupSpec:
      template:
        spec:
          containers: [{name: head, image: ray:2}]
    workerGroupSpecs:
      - groupName: gpu
        replicas: 4
        template:
          spec:
            containers: [{name: worker, image: ray:2}]`);
    expect(listPodSpecs(ray).map((p) => [p.label, p.holder.replicas])).toEqual([
      ['head', undefined],
      ['gpu', 4],
    ]);
  });

  it('leaves kinds it does not know alone, even with a containers list', () => {
    expect(
      listPodSpecs(
        only(`apiVersion: acme.dev/v1
kind: Widget
metadata: {name: w}
spec:
  template:
    spec:
      containers: [{name: a, image: a:1}]`),
      ),
    ).toEqual([]);
  });

  it('lists ephemeral containers only when asked', () => {
    const pod = only(`apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers: [{name: a, image: a:1}]
  ephemeralContainers: [{name: debug, image: busybox:1.36}]`);
    expect(listContainers(pod).map((c) => c.name)).toEqual(['container a']);
    expect(listContainers(pod, { ephemeral: true }).map((c) => c.name)).toEqual([
      'container a',
      'ephemeral container debug',
    ]);
  });
});

describe('rules and summary see the same containers', () => {
  it.each([
    [
      'kubeflow.org/v1',
      'PyTorchJob',
      'pytorchReplicaSpecs: {Worker: {replicas: 2, template: {spec: {containers: [{name: t, image: "t:latest"}]}}}}',
    ],
    [
      'ray.io/v1',
      'RayCluster',
      'headGroupSpec: {template: {spec: {containers: [{name: h, image: "h:latest"}]}}}',
    ],
    ['serving.knative.dev/v1', 'Service', 'template: {spec: {containers: [{name: k, image: "k:latest"}]}}'],
    [
      'batch.volcano.sh/v1alpha1',
      'Job',
      'tasks: [{name: w, template: {spec: {containers: [{name: v, image: "v:latest"}]}}}]',
    ],
  ])(
    '%s %s: the image-pinned rule flags exactly the containers the summary reads',
    async (apiVersion, kind, spec) => {
      const { imagePinnedRule } = await import('../../src/validate/rules/image-pinned.ts');
      const { podSpecsOf } = await import('../../src/diff/summary/pod-specs-of.ts');
      const resources = resourcesOf(
        `apiVersion: ${apiVersion}\nkind: ${kind}\nmetadata: {name: x}\nspec: {${spec}}\n`,
      );
      const [resource] = resources;
      if (!resource) throw new Error('no resource');
      const flagged = imagePinnedRule.check({ resources, kubernetesVersion: '1.34' }).length;
      const seen = podSpecsOf(resource.object).flatMap((p) => p.containers.map((c) => c.raw.image));
      expect(seen).toHaveLength(1);
      expect(flagged).toBe(seen.length);
    },
  );
});
