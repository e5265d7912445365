import { describe, expect, it } from 'vitest';
import { summarizeChange } from '../../src/diff/summarize-change.ts';
import { parseManifests } from '../../src/manifest/parse-manifests.ts';
import type { KubeObject } from '../../src/types.ts';

/** One YAML document → object (a realistic AI repo's manifests, written as a user would). */
function obj(yaml: string): KubeObject {
  const { resources, findings } = parseManifests(yaml, 'x.yaml', {});
  if (findings.length > 0 || !resources[0]) throw new Error(findings.map((f) => f.message).join('; '));
  return resources[0].object;
}

const vllm = (revision: string, model: string, replicas: number, gpus: number) =>
  obj(`apiVersion: apps/v1
kind: Deployment
metadata: {name: llm, namespace: serving}
spec:
  replicas: ${replicas}
  selector: {matchLabels: {app: llm}}
  template:
    metadata: {labels: {app: llm}}
    spec:
      containers:
        - name: vllm
          image: vllm/vllm-openai:v0.6.3
          args: ["--model", "${model}", "--revision", "${revision}", "--tensor-parallel-size", "${gpus}"]
          env:
            - {name: HF_MODEL_REVISION, value: "${revision}"}
            - name: HF_TOKEN
              valueFrom: {secretKeyRef: {name: hf, key: token}}
          resources:
            limits: {nvidia.com/gpu: ${gpus}}
`);

const train = (lr: string, epochs: number) =>
  obj(`apiVersion: batch/v1
kind: Job
metadata: {name: fine-tune, namespace: training}
spec:
  template:
    spec:
      restartPolicy: Never
      containers:
        - name: trainer
          image: ghcr.io/acme/trainer:2.4.1
          args: ["--learning-rate=${lr}", "--epochs", "${epochs}", "--hf-token", "hf_secret_value"]
          env:
            - {name: BATCH_SIZE, value: "32"}
            - {name: WANDB_API_KEY, value: "abcd1234"}
          resources:
            limits: {nvidia.com/gpu: 1}
`);

const pytorch = (workers: number, warmup: string) =>
  obj(`apiVersion: kubeflow.org/v1
kind: PyTorchJob
metadata: {name: pretrain, namespace: training}
spec:
  pytorchReplicaSpecs:
    Master:
      replicas: 1
      template:
        spec:
          containers:
            - name: pytorch
              image: ghcr.io/acme/pretrain:1.0.0
              env: [{name: WARMUP_STEPS, value: "${warmup}"}]
              resources: {limits: {nvidia.com/gpu: 8}}
    Worker:
      replicas: ${workers}
      template:
        spec:
          containers:
            - name: pytorch
              image: ghcr.io/acme/pretrain:1.0.0
              env: [{name: WARMUP_STEPS, value: "${warmup}"}]
              resources: {limits: {nvidia.com/gpu: 8}}
`);

const isvc = (canary: number) =>
  obj(`apiVersion: serving.kserve.io/v1beta1
kind: InferenceService
metadata: {name: classifier, namespace: ml}
spec:
  predictor:
    canaryTrafficPercent: ${canary}
    model:
      modelFormat: {name: sklearn}
      storageUri: gs://models/classifier/v${canary}
`);

const rollout = (steps: string) =>
  obj(`apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata: {name: ranker, namespace: ml}
spec:
  strategy:
    canary:
      steps: ${steps}
  template:
    spec:
      containers: [{name: ranker, image: "ghcr.io/acme/ranker:1.0.0"}]
`);

describe('the model card at the top of the summary', () => {
  it('tells a model revision change written as vLLM flags and HF env, and the GPUs in total', () => {
    const facts = summarizeChange({
      before: vllm('a1b2c3d', 'meta-llama/Llama-3.1-8B-Instruct', 2, 2),
      after: vllm('e4f5a6b', 'meta-llama/Llama-3.1-8B-Instruct', 2, 4),
    });
    expect(facts).toContain('model revision a1b2c3d → e4f5a6b');
    expect(facts).toContain('GPUs 2 → 4 (nvidia.com/gpu)');
    expect(facts).toContain('GPUs 4 → 8 × nvidia.com/gpu in total');
    expect(facts.join(' ')).not.toContain('HF_TOKEN');
  });

  it('tells training hyperparameters and that a changed Job re-runs, never echoing credentials', () => {
    const facts = summarizeChange({ before: train('1e-4', 3), after: train('3e-4', 5) });
    expect(facts[0]).toBe('Job will be re-created: training re-runs');
    expect(facts).toContain('hyperparameters learning-rate 1e-4 → 3e-4, epochs 3 → 5');
    expect(facts.join(' ')).not.toMatch(/hf_secret_value|abcd1234|WANDB|hf-token/);
  });

  it('tells PyTorchJob hyperparameters per replica type and the GPUs over all replicas', () => {
    const facts = summarizeChange({ before: pytorch(1, '100'), after: pytorch(3, '500') });
    expect(facts).toContain('Master: hyperparameters WARMUP_STEPS 100 → 500');
    expect(facts).toContain('Worker: hyperparameters WARMUP_STEPS 100 → 500');
    expect(facts).toContain('GPUs 16 → 32 × nvidia.com/gpu in total');
    expect(facts).toContain('Worker: replicas 1 → 3');
  });

  it('explains canary shares and marks a percent KServe refuses', () => {
    expect(summarizeChange({ before: isvc(10), after: isvc(20) })).toContain(
      'canary 10% → 20% (new model 20%, previous 80%)',
    );
    expect(summarizeChange({ before: isvc(10), after: isvc(0) })).toContain(
      'canary 10% → 0% (the new model gets no traffic yet; 100% stays on the previous one)',
    );
    expect(summarizeChange({ before: isvc(0), after: isvc(150) })).toContain(
      '❌ canary 0% → 150% (must be a whole percent, 0–100)',
    );
  });

  it('tells Rollout step and pause changes, and marks a weight Argo Rollouts refuses', () => {
    expect(
      summarizeChange({
        before: rollout('[{setWeight: 20}, {pause: {}}]'),
        after: rollout('[{setWeight: 20}, {pause: {duration: 1h}}, {setWeight: 60}]'),
      }),
    ).toEqual(['rollout steps 20%→pause 1h→60%→100% (was 20%→pause→100%)']);
    expect(
      summarizeChange({ before: rollout('[{setWeight: 20}]'), after: rollout('[{setWeight: 120}]') }),
    ).toEqual(['rollout ❌ steps 120%→100% (was 20%→100%)']);
  });

  it('tells an analysis gate added to the Rollout steps, with its templates', () => {
    expect(
      summarizeChange({
        before: rollout('[{setWeight: 20}, {setWeight: 60}]'),
        after: rollout(
          '[{setWeight: 20}, {analysis: {templates: [{templateName: success-rate}, {templateName: latency}]}}, {setWeight: 60}]',
        ),
      }),
    ).toEqual(['rollout steps 20%→analysis success-rate+latency→60%→100% (was 20%→60%→100%)']);
  });
});
