import { describe, expect, it } from 'vitest';
import { modelRequestsRule } from '../../../src/validate/rules/model-requests.ts';
import { messagesOf, resourcesOf, runRule } from './run-rule.ts';

function workload(opts: {
  kind?: string;
  apiVersion?: string;
  labels?: string;
  image?: string;
  resources?: string;
}) {
  return `apiVersion: ${opts.apiVersion ?? 'apps/v1'}
kind: ${opts.kind ?? 'Deployment'}
metadata: {name: llm}
spec:
  template:
    metadata:
      labels: {app: llm${opts.labels ? `, ${opts.labels}` : ''}}
    spec:
      containers:
        - name: server
          image: ${opts.image ?? 'acme/app:1.0'}
${opts.resources ?? ''}`;
}

const GPU_ONLY = '          resources:\n            limits: {nvidia.com/gpu: 1}';

describe('model-requests', () => {
  it.each([
    ['a plain web app without requests', workload({})],
    [
      'a GPU server with requests',
      workload({ resources: `${GPU_ONLY}\n            requests: {cpu: 4, memory: 16Gi}` }),
    ],
    [
      'a GPU server with CPU and memory limits only (requests default to limits)',
      workload({
        resources: '          resources:\n            limits: {nvidia.com/gpu: 1, cpu: 4, memory: 16Gi}',
      }),
    ],
    ['a model-server DaemonSet (not a serving kind)', workload({ kind: 'DaemonSet', resources: GPU_ONLY })],
  ])('stays quiet for %s', (_, yaml) => {
    expect(runRule(modelRequestsRule, yaml)).toEqual([]);
  });

  it('warns about a GPU container without CPU or memory requests, at its resources', () => {
    expect(runRule(modelRequestsRule, workload({ resources: GPU_ONLY }))).toEqual([
      {
        severity: 'warning',
        file: 'test.yaml',
        line: 12,
        message:
          'container server in Deployment ml/llm uses nvidia.com/gpu but declares no CPU or memory request; set resources.requests.cpu and memory so the scheduler does not overpack GPU nodes',
      },
    ]);
  });

  // GoogleCloudPlatform/ai-on-gke tutorials-and-examples/inference-servers/jetstream (google.com/tpu),
  // and the other accelerators a node may hold: the warning said "GPU nodes" for each.
  it.each([
    ['google.com/tpu: 4', 'google.com/tpu', 'TPU nodes'],
    ['aws.amazon.com/neuron: 1', 'aws.amazon.com/neuron', 'Neuron nodes'],
    ['habana.ai/gaudi: 8', 'habana.ai/gaudi', 'Gaudi nodes'],
    ['amd.com/gpu: 1', 'amd.com/gpu', 'GPU nodes'],
  ])('names the nodes by the accelerator the pod holds: %s', (limit, resource, nodes) => {
    const resources = `          resources:\n            limits: {${limit}}`;
    expect(messagesOf(modelRequestsRule, workload({ resources }))).toEqual([
      `container server in Deployment ml/llm uses ${resource} but declares no CPU or memory request; set resources.requests.cpu and memory so the scheduler does not overpack ${nodes}`,
    ]);
    const server = workload({ image: 'vllm/vllm-tpu:v0.9.0', resources });
    expect(messagesOf(modelRequestsRule, server)[0]).toMatch(
      new RegExp(`serves a model.*overpack ${nodes}$`),
    );
  });

  it.each([
    'nvcr.io/nvidia/tritonserver:24.05-py3',
    'vllm/vllm-openai:v0.6.0',
    'ghcr.io/huggingface/text-generation-inference:2.0',
    'acme/tgi:1.0',
    'pytorch/torchserve:0.11.0',
    'tensorflow/serving:2.15.0',
    'kserve/sklearnserver:v0.14.0',
    'seldonio/mlserver:1.6.0',
    'rayproject/ray-ml:2.9.0',
    'ollama/ollama:0.3.0',
  ])('recognises %s as a model server', (image) => {
    expect(messagesOf(modelRequestsRule, workload({ image }))).toHaveLength(1);
  });

  // community-charts/helm-charts charts/kserve: the KServe controller's pod (kserve/kserve-controller
  // beside a kube-rbac-proxy without requests) was said to serve a model, as its image names kserve.
  it.each([
    'kserve/kserve-controller:v0.8.0',
    'kserve/modelmesh-controller:v0.8.0',
    'docker.io/seldonio/seldon-core-operator:1.18.0',
    'kserve/llmisvc-controller:v0.16.0',
  ])('does not take the control plane image %s for a model server', (image) => {
    expect(messagesOf(modelRequestsRule, workload({ image }))).toEqual([]);
  });

  // awslabs/ai-on-eks@41a979e infra/jupyterhub/examples/test-pods/verify-gpu-access.yaml: an nvidia-smi
  // Deployment holds a GPU and serves nothing; a model server's image still "serves a model".
  it('says a GPU pod that runs no model server uses its GPU, not that it serves a model', () => {
    expect(
      messagesOf(
        modelRequestsRule,
        workload({ image: 'nvidia/cuda:12.4.1-base-ubuntu22.04', resources: GPU_ONLY }),
      ),
    ).toEqual([
      'container server in Deployment ml/llm uses nvidia.com/gpu but declares no CPU or memory request; set resources.requests.cpu and memory so the scheduler does not overpack GPU nodes',
    ]);
    expect(
      messagesOf(modelRequestsRule, workload({ image: 'vllm/vllm-openai:v0.6.0', resources: GPU_ONLY }))[0],
    ).toContain('serves a model');
  });

  it('does not mistake tgi inside another word for a model server', () => {
    expect(messagesOf(modelRequestsRule, workload({ image: 'acme/antgine:1.0' }))).toEqual([]);
  });

  it.each(['model-server', 'serving', 'inference', 'predictor'])(
    'recognises the app.kubernetes.io/component=%s label',
    (component) => {
      expect(
        messagesOf(modelRequestsRule, workload({ labels: `app.kubernetes.io/component: ${component}` })),
      ).toHaveLength(1);
    },
  );

  it('names only what is missing', () => {
    expect(
      messagesOf(
        modelRequestsRule,
        workload({ resources: `${GPU_ONLY}\n            requests: {cpu: 2}`, kind: 'StatefulSet' }),
      ),
    ).toEqual([
      'container server in StatefulSet ml/llm uses nvidia.com/gpu but declares no memory request; set resources.requests.memory so the scheduler does not overpack GPU nodes',
    ]);
  });

  it('checks Argo Rollouts', () => {
    expect(
      messagesOf(
        modelRequestsRule,
        workload({ kind: 'Rollout', apiVersion: 'argoproj.io/v1alpha1', resources: GPU_ONLY }),
      ),
    ).toHaveLength(1);
  });

  it('checks every KServe component, pointing at the container when it has no resources', () => {
    const found = runRule(
      modelRequestsRule,
      `apiVersion: serving.kserve.io/v1beta1
kind: InferenceService
metadata: {name: clf}
spec:
  predictor:
    model:
      modelFormat: {name: sklearn}
      storageUri: s3://models/clf/v1
      resources:
        requests: {cpu: 1, memory: 2Gi}
  transformer:
    containers:
      - name: tx
        image: acme/tx:1.0
`,
    );
    expect(found.map((f) => [f.line, f.message])).toEqual([
      [
        13,
        'transformer container tx in InferenceService ml/clf serves a model but declares no CPU or memory request; set resources.requests.cpu and memory so the scheduler does not overpack GPU nodes',
      ],
    ]);
  });

  // NVIDIA/nim-deploy: its InferenceServices name a ServingRuntime that sets 12 CPU / 32Gi; KServe merges
  // the runtime's kserve-container under the model (its resources the defaults, the model's override).
  function isvcWithRuntime(opts: { runtime?: string; model?: string }) {
    return `apiVersion: serving.kserve.io/v1beta1
kind: InferenceService
metadata: {name: llama}
spec:
  predictor:
    model:
      modelFormat: {name: nvidia-nim-llama3-8b-instruct}
      runtime: nim-llama3-8b-instruct${opts.model ?? ''}
${opts.runtime ?? ''}`;
  }
  const runtime = (kind: string, resources: string) => `---
apiVersion: serving.kserve.io/v1alpha1
kind: ${kind}
metadata: {name: nim-llama3-8b-instruct}
spec:
  supportedModelFormats: [{name: nvidia-nim-llama3-8b-instruct}]
  containers:
    - name: sidecar
      image: acme/proxy:1.0
    - name: kserve-container
      image: nvcr.io/nim/meta/llama3-8b-instruct:1.0.0
      resources:
${resources}`;
  const FULL =
    '        limits: {cpu: "12", memory: 32Gi, nvidia.com/gpu: "1"}\n        requests: {cpu: "12", memory: 32Gi}';

  it.each(['ServingRuntime', 'ClusterServingRuntime'])(
    'takes the CPU and memory a %s in the set gives the model, before or after it',
    (kind) => {
      expect(runRule(modelRequestsRule, isvcWithRuntime({ runtime: runtime(kind, FULL) }))).toEqual([]);
      const first = `${runtime(kind, FULL).replace(/^---\n/, '')}\n---\n${isvcWithRuntime({})}`;
      expect(runRule(modelRequestsRule, first)).toEqual([]);
    },
  );

  it('reads the runtime when it is in another part of the target', () => {
    const inParts = (resources: string) => {
      const stream = modelRequestsRule.stream?.({ kubernetesVersion: '1.34' });
      if (!stream) throw new Error('model-requests reads the target in parts');
      const part = runtime('ServingRuntime', resources).replace(/^---\n/, '');
      return [
        ...stream.add(resourcesOf(isvcWithRuntime({}))),
        ...stream.add(resourcesOf(part, 'runtime.yaml')),
        ...stream.finish(),
      ].map((f) => f.message);
    };
    expect(inParts(FULL)).toEqual([]);
    expect(inParts('        requests: {cpu: "12"}')).toEqual([
      expect.stringContaining('declares no memory request (nor does its runtime nim-llama3-8b-instruct)'),
    ]);
  });

  it('warns of what neither the model nor its runtime declares, at the model', () => {
    const found = runRule(
      modelRequestsRule,
      isvcWithRuntime({
        runtime: runtime('ServingRuntime', '        limits: {cpu: "12", nvidia.com/gpu: "1"}'),
      }),
    );
    expect(found).toEqual([
      {
        severity: 'warning',
        file: 'test.yaml',
        line: 6,
        message:
          'predictor.model in InferenceService ml/llama serves a model but declares no memory request (nor does its runtime nim-llama3-8b-instruct); set resources.requests.memory so the scheduler does not overpack GPU nodes',
      },
    ]);
  });

  it('lets the model override what its runtime leaves out', () => {
    const model = '\n      resources:\n        requests: {memory: 32Gi}';
    const rt = runtime('ServingRuntime', '        requests: {cpu: "12"}');
    expect(runRule(modelRequestsRule, isvcWithRuntime({ model, runtime: rt }))).toEqual([]);
  });

  it('takes the ServingRuntime of the model namespace over a cluster runtime of the same name', () => {
    const cluster = runtime('ClusterServingRuntime', FULL);
    const own = runtime('ServingRuntime', '        limits: {nvidia.com/gpu: "1"}');
    expect(messagesOf(modelRequestsRule, isvcWithRuntime({ runtime: `${cluster}\n${own}` }))).toHaveLength(1);
    const elsewhere = own.replace('metadata: {name:', 'metadata: {namespace: other, name:');
    expect(messagesOf(modelRequestsRule, isvcWithRuntime({ runtime: `${cluster}\n${elsewhere}` }))).toEqual(
      [],
    );
  });

  it('says nothing of a model whose named runtime is not in the target (a cluster runtime, another target)', () => {
    expect(runRule(modelRequestsRule, isvcWithRuntime({}))).toEqual([]);
  });

  it('still warns of a model that names no runtime (KServe picks one by format; its defaults are small)', () => {
    expect(messagesOf(modelRequestsRule, isvcWithRuntime({}).replace(/\n\s+runtime: .*/, ''))).toHaveLength(
      1,
    );
  });
});
