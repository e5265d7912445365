import { describe, expect, it } from 'vitest';
import { summarizeChange } from '../../src/diff/summarize-change.ts';
import type { KubeObject } from '../../src/types.ts';

// The serving kinds as their projects' samples write them (NIM Operator, KubeAI, KAITO, llmaz): none
// holds a pod spec, so before this every change to them had no summary line.
const nimService = (tag: string, gpus: number, replicas = 1): KubeObject => ({
  apiVersion: 'apps.nvidia.com/v1alpha1',
  kind: 'NIMService',
  metadata: { name: 'llm', namespace: 'nim' },
  spec: {
    image: { repository: 'nvcr.io/nim/meta/llama-3.1-8b-instruct', tag, pullSecrets: ['ngc-secret'] },
    authSecret: 'ngc-api-secret',
    storage: { nimCache: { name: 'llama-3.1-8b-cache', profile: '' } },
    replicas,
    resources: { limits: { 'nvidia.com/gpu': gpus } },
    expose: { service: { type: 'ClusterIP', port: 8000 } },
  },
});

const kubeAiModel = (url: string, profile: string, max: number): KubeObject => ({
  apiVersion: 'kubeai.org/v1',
  kind: 'Model',
  metadata: { name: 'llama-3.1-8b-instruct-fp8-l4' },
  spec: {
    features: ['TextGeneration'],
    url,
    engine: 'VLLM',
    args: ['--max-model-len=16384'],
    minReplicas: 0,
    maxReplicas: max,
    resourceProfile: profile,
  },
});

const workspace = (preset: string, count: number, instanceType = 'Standard_NC12s_v3'): KubeObject =>
  ({
    apiVersion: 'kaito.sh/v1beta1',
    kind: 'Workspace',
    metadata: { name: 'workspace-phi-3-mini' },
    resource: { instanceType, count, labelSelector: { matchLabels: { apps: 'phi-3' } } },
    inference: { preset: { name: preset } },
  }) as unknown as KubeObject;

describe('summary of model-serving kinds that hold no pod spec', () => {
  it("says a NIMService's new image (its model) and GPUs", () => {
    expect(summarizeChange({ before: nimService('1.3.3', 1), after: nimService('1.8.0', 2, 2) })).toEqual([
      'image nvcr.io/nim/meta/llama-3.1-8b-instruct:1.3.3 → …:1.8.0',
      'GPUs 1 → 2 (nvidia.com/gpu)',
      'replicas 1 → 2',
    ]);
  });

  it("says a KubeAI Model's model, resource profile and autoscaling bounds", () => {
    expect(
      summarizeChange({
        before: kubeAiModel('hf://neuralmagic/Meta-Llama-3.1-8B-Instruct-FP8', 'nvidia-gpu-l4:1', 3),
        after: kubeAiModel('hf://neuralmagic/Meta-Llama-3.1-70B-Instruct-FP8', 'nvidia-gpu-h100:4', 6),
      }),
    ).toEqual([
      'model hf://neuralmagic/Meta-Llama-3.1-8B-Instruct-FP8 → …-70B-Instruct-FP8',
      'resource profile nvidia-gpu-l4:1 → h100:4',
      'autoscaling 0–3 → 0–6',
    ]);
  });

  it("says a KAITO Workspace's preset model, GPU nodes and instance type", () => {
    expect(
      summarizeChange({
        before: workspace('phi-3-mini-4k-instruct', 1),
        after: workspace('phi-3.5-mini-instruct', 2, 'Standard_NC24ads_A100_v4'),
      }),
    ).toEqual([
      'model phi-3-mini-4k-instruct → 3.5-mini-instruct',
      'GPU nodes 1 → 2',
      'instance type Standard_NC12s_v3 → NC24ads_A100_v4',
    ]);
  });

  it('describes a new one as it is, and a removed one as removed', () => {
    expect(summarizeChange({ after: nimService('1.8.0', 1) })).toEqual([
      'new',
      'image nvcr.io/nim/meta/llama-3.1-8b-instruct:1.8.0',
      'NIM cache llama-3.1-8b-cache',
      'GPUs 1 (nvidia.com/gpu)',
      'replicas 1',
    ]);
    expect(summarizeChange({ before: workspace('phi-3-mini-4k-instruct', 1) })).toEqual(['removed']);
  });

  it('says nothing when only metadata changes', () => {
    const labelled = {
      ...nimService('1.3.3', 1),
      metadata: { name: 'llm', namespace: 'nim', labels: { team: 'a' } },
    };
    expect(summarizeChange({ before: nimService('1.3.3', 1), after: labelled })).toEqual([]);
  });

  it("reads llmaz's OpenModel and Playground", () => {
    const model = (revision: string): KubeObject => ({
      apiVersion: 'llmaz.io/v1alpha1',
      kind: 'OpenModel',
      metadata: { name: 'qwen2-0--5b' },
      spec: {
        familyName: 'qwen2',
        source: { modelHub: { modelID: 'Qwen/Qwen2-0.5B-Instruct', revision } },
        inferenceConfig: { flavors: [{ name: 'a10', limits: { 'nvidia.com/gpu': 1 } }] },
      },
    });
    expect(summarizeChange({ before: model('main'), after: model('a1b2c3') })).toEqual([
      'model revision main → a1b2c3',
    ]);
    const playground = (name: string, replicas: number): KubeObject => ({
      apiVersion: 'inference.llmaz.io/v1alpha1',
      kind: 'Playground',
      metadata: { name: 'qwen2-0--5b' },
      spec: { replicas, modelClaim: { modelName: name } },
    });
    expect(
      summarizeChange({ before: playground('qwen2-0--5b', 1), after: playground('qwen2-7b', 2) }),
    ).toEqual(['model qwen2-0--5b → 7b', 'replicas 1 → 2']);
  });
});

describe('summary of a SparkApplication', () => {
  const spark = (opts: { image: string; instances: number; memory: string; gpus?: number }): KubeObject => ({
    apiVersion: 'sparkoperator.k8s.io/v1beta2',
    kind: 'SparkApplication',
    metadata: { name: 'spark-pi', namespace: 'default' },
    spec: {
      type: 'Scala',
      mode: 'cluster',
      image: opts.image,
      mainClass: 'org.apache.spark.examples.SparkPi',
      mainApplicationFile: 'local:///opt/spark/examples/jars/spark-examples.jar',
      sparkVersion: '4.0.1',
      driver: { cores: 1, memory: '512m', serviceAccount: 'spark-operator-spark' },
      executor: {
        instances: opts.instances,
        cores: 1,
        memory: opts.memory,
        ...(opts.gpus ? { gpu: { name: 'nvidia.com/gpu', quantity: opts.gpus } } : {}),
      },
    },
  });
  it('says its image, executors, their memory and GPUs', () => {
    expect(
      summarizeChange({
        before: spark({ image: 'docker.io/library/spark:4.0.0', instances: 1, memory: '512m' }),
        after: spark({ image: 'docker.io/library/spark:4.0.1', instances: 4, memory: '2g', gpus: 1 }),
      }),
    ).toEqual([
      'image docker.io/library/spark:4.0.0 → …:4.0.1',
      'executors 1 → 4',
      'executor memory 512m → 2g',
      'GPUs per executor 0 → 1 (nvidia.com/gpu)',
    ]);
  });
});
