import { describe, expect, it } from 'vitest';
import { gpuLimitsRule } from '../../../src/validate/rules/gpu-limits.ts';
import { messagesOf, runRule } from './run-rule.ts';

function deployment(resources: string, kind = 'Deployment', apiVersion = 'apps/v1'): string {
  return `apiVersion: ${apiVersion}
kind: ${kind}
metadata:
  name: llm
spec:
  template:
    spec:
      containers:
        - name: server
          image: vllm/vllm-openai:v0.6.0
          resources:
${resources}`;
}

describe('gpu-limits', () => {
  it.each([
    ['a GPU in limits only', '            limits: {nvidia.com/gpu: 1}'],
    [
      'equal requests and limits',
      '            requests: {nvidia.com/gpu: 2}\n            limits: {nvidia.com/gpu: "2"}',
    ],
    [
      'equal quantities written differently',
      '            requests: {amd.com/gpu: "1000m"}\n            limits: {amd.com/gpu: 1}',
    ],
    [
      'CPU and memory overcommitted',
      '            requests: {cpu: 1, memory: 1Gi}\n            limits: {cpu: 4, memory: 8Gi}',
    ],
    ['hugepages in requests only', '            requests: {hugepages-2Mi: 1Gi, memory: 1Gi}'],
  ])('accepts %s', (_, resources) => {
    expect(runRule(gpuLimitsRule, deployment(resources))).toEqual([]);
  });

  it('reports a GPU requested without a limit, at the request', () => {
    expect(
      runRule(gpuLimitsRule, deployment('            requests:\n              nvidia.com/gpu: 1')),
    ).toEqual([
      {
        severity: 'error',
        file: 'test.yaml',
        line: 13,
        message:
          'container server in Deployment ml/llm requests 1 nvidia.com/gpu but sets no limit for it; extended resources cannot be overcommitted, so set limits.nvidia.com/gpu (the request defaults to the limit)',
      },
    ]);
  });

  it('reports a request that differs from the limit', () => {
    expect(
      messagesOf(
        gpuLimitsRule,
        deployment(
          '            requests: {aws.amazon.com/neuron: 1}\n            limits: {aws.amazon.com/neuron: 2}',
        ),
      ),
    ).toEqual([
      'container server in Deployment ml/llm requests 1 aws.amazon.com/neuron but limits it to 2; extended resources cannot be overcommitted, so the request must equal the limit',
    ]);
  });

  it('reports fractional and negative amounts', () => {
    expect(
      messagesOf(
        gpuLimitsRule,
        deployment('            limits: {nvidia.com/gpu: 500m, habana.ai/gaudi: -1}'),
      ),
    ).toEqual([
      'container server in Deployment ml/llm sets limits.nvidia.com/gpu to 500m; extended resources must be whole, non-negative numbers',
      'container server in Deployment ml/llm sets limits.habana.ai/gaudi to -1; extended resources must be whole, non-negative numbers',
    ]);
  });

  it.each([
    ['StatefulSet', 'apps/v1'],
    ['DaemonSet', 'apps/v1'],
    ['ReplicaSet', 'apps/v1'],
    ['Job', 'batch/v1'],
    ['Rollout', 'argoproj.io/v1alpha1'],
  ])('checks a %s', (kind, apiVersion) => {
    const found = messagesOf(
      gpuLimitsRule,
      deployment('            requests: {google.com/tpu: 4}', kind, apiVersion),
    );
    expect(found).toHaveLength(1);
    expect(found[0]).toContain(`container server in ${kind} ml/llm requests 4 google.com/tpu`);
  });

  it('checks init containers, bare Pods and CronJobs', () => {
    const found = runRule(
      gpuLimitsRule,
      `apiVersion: v1
kind: Pod
metadata: {name: warmup}
spec:
  initContainers:
    - name: compile
      resources: {requests: {nvidia.com/gpu: 1}}
  containers:
    - name: app
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: retrain}
spec:
  jobTemplate:
    spec:
      template:
        spec:
          containers:
            - name: train
              resources:
                requests: {nvidia.com/gpu: 8}
                limits: {nvidia.com/gpu: 4}
`,
    );
    expect(found.map((f) => [f.line, f.message.split(' requests')[0]])).toEqual([
      [7, 'init container compile in Pod ml/warmup'],
      [22, 'container train in CronJob ml/retrain'],
    ]);
  });

  it('checks every place a KServe InferenceService keeps resources', () => {
    const found = runRule(
      gpuLimitsRule,
      `apiVersion: serving.kserve.io/v1beta1
kind: InferenceService
metadata:
  name: llm
spec:
  predictor:
    model:
      modelFormat: {name: huggingface}
      resources:
        requests: {nvidia.com/gpu: 1}
    pytorch:
      resources:
        requests: {nvidia.com/gpu: 1}
        limits: {nvidia.com/gpu: 2}
  transformer:
    containers:
      - name: tokenizer
        resources:
          requests: {nvidia.com/gpu: 1}
`,
    );
    expect(found.map((f) => [f.line, f.message.split(' requests')[0]])).toEqual([
      [10, 'predictor.model in InferenceService ml/llm'],
      [13, 'predictor.pytorch in InferenceService ml/llm'],
      [19, 'transformer container tokenizer in InferenceService ml/llm'],
    ]);
  });

  it('ignores objects that run no containers', () => {
    expect(
      runRule(
        gpuLimitsRule,
        'apiVersion: v1\nkind: ResourceQuota\nmetadata: {name: q}\nspec: {hard: {requests.nvidia.com/gpu: 4}}',
      ),
    ).toEqual([]);
  });
});
