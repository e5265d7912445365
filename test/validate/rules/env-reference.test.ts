// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the tests are about ${NAME} written as text.
import { describe, expect, it } from 'vitest';
import { envReferenceRule } from '../../../src/validate/rules/env-reference.ts';
import { messagesOf, runRule } from './run-rule.ts';

const deployment = (container: string) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: llm}
spec:
  selector: {matchLabels: {app: llm}}
  template:
    metadata: {labels: {app: llm}}
    spec:
      containers:
        - name: vllm
          image: vllm/vllm-openai:v0.6.3
${container
  .split('\n')
  .map((l) => `          ${l}`)
  .join('\n')}`;

describe('env-reference', () => {
  it('warns at the line of an env value that is $NAME, passed to the container as that text', () => {
    expect(
      runRule(
        envReferenceRule,
        deployment(`env:
  - name: MODEL
    value: meta-llama/Llama-3.1-8B
  - name: HF_TOKEN
    value: $HF_TOKEN`),
      ),
    ).toEqual([
      {
        severity: 'warning',
        file: 'test.yaml',
        line: 16,
        message:
          "env HF_TOKEN of container vllm in Deployment ml/llm is the literal text '$HF_TOKEN': Kubernetes expands only $(NAME), of variables defined before it, and nothing substitutes it before the apply; take the value from a Secret (valueFrom.secretKeyRef) or write it in",
      },
    ]);
  });

  it('warns on ${NAME} too (envsubst or Flux postBuild syntax, which nothing runs here)', () => {
    expect(
      messagesOf(envReferenceRule, deployment('env:\n  - {name: CLUSTER, value: "${cluster_name}"}')),
    ).toEqual([
      expect.stringContaining(
        "env CLUSTER of container vllm in Deployment ml/llm is the literal text '${cluster_name}'",
      ),
    ]);
  });

  it('leaves alone what Kubernetes expands or what is plainly meant: $(NAME), $$ escapes, text around a $', () => {
    const values = [
      '$(POD_IP)',
      '$(POD_IP):8080',
      '$$HOME',
      'price$5',
      'a $HOME b',
      '$',
      '$1',
      '${A:-x}',
      '${}',
      '$HF-TOKEN',
    ];
    const yaml = deployment(
      `env:\n${values.map((v, i) => `  - {name: V${i}, value: ${JSON.stringify(v)}}`).join('\n')}`,
    );
    expect(messagesOf(envReferenceRule, yaml)).toEqual([]);
  });

  it('warns on args and command of a program that is not a shell, and says what to write instead', () => {
    expect(
      runRule(
        envReferenceRule,
        deployment(`command: [vllm, serve]
args: [--api-key, $VLLM_API_KEY, --model, '\${MODEL}']`),
      ).map((s) => [s.line, s.message]),
    ).toEqual([
      [
        13,
        "args[1] of container vllm in Deployment ml/llm is the literal text '$VLLM_API_KEY': no shell runs it (the command is vllm) and Kubernetes expands only $(NAME); write $(VLLM_API_KEY) to pass the container's env var VLLM_API_KEY",
      ],
      [
        13,
        expect.stringContaining(
          "args[3] of container vllm in Deployment ml/llm is the literal text '${MODEL}'",
        ),
      ],
    ]);
  });

  it('leaves args alone when a shell runs them or the image decides (no command)', () => {
    for (const container of [
      'command: [/bin/sh, -c]\nargs: [$START]',
      'command: [bash]\nargs: [-c, $START]',
      'args: [--api-key, $VLLM_API_KEY]',
    ]) {
      expect(messagesOf(envReferenceRule, deployment(container)), container).toEqual([]);
    }
  });

  it('checks init containers and KServe model specs', () => {
    const yaml = `apiVersion: serving.kserve.io/v1beta1
kind: InferenceService
metadata: {name: llama}
spec:
  predictor:
    initContainers:
      - {name: fetch, image: busybox:1.36, env: [{name: T, value: $T}]}
    model:
      modelFormat: {name: huggingface}
      env:
        - {name: HF_TOKEN, value: '\${HF_TOKEN}'}`;
    expect(messagesOf(envReferenceRule, yaml).map((m) => m.split(' is ')[0])).toEqual([
      'env HF_TOKEN of predictor.model in InferenceService ml/llama',
      'env T of predictor init container fetch in InferenceService ml/llama',
    ]);
  });
});
