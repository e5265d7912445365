import { describe, expect, it } from 'vitest';
import { duplicateContainerRule } from '../../../src/validate/rules/duplicate-container.ts';
import { runRule } from './run-rule.ts';

describe('duplicate-container', () => {
  it('is an error on the second container of a Deployment with the same name, at its name line', () => {
    expect(
      runRule(
        duplicateContainerRule,
        `apiVersion: apps/v1
kind: Deployment
metadata: {name: llm}
spec:
  selector: {matchLabels: {app: llm}}
  template:
    metadata: {labels: {app: llm}}
    spec:
      containers:
        - name: server
          image: vllm/vllm-openai:v0.6.3
        - name: server
          image: envoyproxy/envoy:v1.31.0`,
      ),
    ).toEqual([
      {
        severity: 'error',
        file: 'test.yaml',
        line: 12,
        message:
          'container server (containers[1]) in Deployment ml/llm has the same name as container server (containers[0]); the API server refuses a pod whose containers, init containers and ephemeral containers share a name: rename one',
      },
    ]);
  });

  it('counts init and ephemeral containers with the containers', () => {
    const seen = runRule(
      duplicateContainerRule,
      `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  initContainers:
    - {name: fetch, image: busybox:1.36}
  containers:
    - {name: fetch, image: app:1}
  ephemeralContainers:
    - {name: fetch, image: debug:1}`,
    );
    expect(seen.map((s) => s.message.split(';')[0])).toEqual([
      'container fetch (containers[0]) in Pod ml/p has the same name as init container fetch (initContainers[0])',
      'ephemeral container fetch (ephemeralContainers[0]) in Pod ml/p has the same name as init container fetch (initContainers[0])',
    ]);
    expect(seen.map((s) => s.line)).toEqual([8, 10]);
  });

  it('checks each pod template of a kind on its own (LeaderWorkerSet leader and workers may share names)', () => {
    expect(
      runRule(
        duplicateContainerRule,
        `apiVersion: leaderworkerset.x-k8s.io/v1
kind: LeaderWorkerSet
metadata: {name: lws}
spec:
  leaderWorkerTemplate:
    leaderTemplate:
      spec:
        containers: [{name: vllm, image: vllm:1}]
    workerTemplate:
      spec:
        containers: [{name: vllm, image: vllm:1}, {name: vllm, image: vllm:1}]`,
      ).map((s) => [s.line, s.message.split(' has')[0]]),
    ).toEqual([[11, 'container vllm (containers[1]) in LeaderWorkerSet ml/lws']]);
  });

  it('names the KServe component the pod belongs to', () => {
    const seen = runRule(
      duplicateContainerRule,
      `apiVersion: serving.kserve.io/v1beta1
kind: InferenceService
metadata: {name: clf}
spec:
  predictor:
    containers:
      - {name: kserve-container, image: a:1}
      - {name: kserve-container, image: b:1}`,
    );
    expect(seen[0]?.message).toContain('in predictor of InferenceService ml/clf');
  });

  it('accepts distinct names and containers without names', () => {
    expect(
      runRule(
        duplicateContainerRule,
        `apiVersion: batch/v1
kind: Job
metadata: {name: train}
spec:
  template:
    spec:
      initContainers: [{name: data, image: a:1}]
      containers: [{name: trainer, image: b:1}, {image: c:1}, {image: d:1}]`,
      ),
    ).toEqual([]);
  });
});
