import { describe, expect, it } from 'vitest';
import { hasHealthSemantics, healthOf } from '../../src/agent/health-of.ts';
import type { KubeObject } from '../../src/types.ts';

const deploy = (status: object, spec: object = { replicas: 3 }, generation = 2): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'api', generation },
  spec,
  status,
});

const sts = (status: object, spec: object = { replicas: 2 }): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'StatefulSet',
  metadata: { name: 'db', generation: 1 },
  spec,
  status: { observedGeneration: 1, ...status },
});

const isvc = (status: object): KubeObject => ({
  apiVersion: 'serving.kserve.io/v1beta1',
  kind: 'InferenceService',
  metadata: { name: 'm' },
  status,
});

describe('healthOf', () => {
  it.each<[string, KubeObject, string]>([
    [
      'a Deployment whose controller has not seen the new generation',
      deploy({ observedGeneration: 1, replicas: 3, updatedReplicas: 3, availableReplicas: 3 }),
      'progressing',
    ],
    [
      'a Deployment mid-rollout',
      deploy({ observedGeneration: 2, replicas: 3, updatedReplicas: 1, availableReplicas: 3 }),
      'progressing',
    ],
    [
      'a Deployment with old replicas still terminating',
      deploy({ observedGeneration: 2, replicas: 4, updatedReplicas: 3, availableReplicas: 3 }),
      'progressing',
    ],
    [
      'a rolled-out Deployment',
      deploy({ observedGeneration: 2, replicas: 3, updatedReplicas: 3, availableReplicas: 3 }),
      'healthy',
    ],
    [
      'a Deployment past its progress deadline',
      deploy({
        observedGeneration: 2,
        conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded' }],
      }),
      'unhealthy',
    ],
    [
      'a Deployment defaulting to one replica',
      deploy({ observedGeneration: 2, replicas: 1, updatedReplicas: 1, availableReplicas: 1 }, {}),
      'healthy',
    ],
    [
      'a StatefulSet at one revision',
      sts({ readyReplicas: 2, currentRevision: 'db-1', updateRevision: 'db-1' }),
      'healthy',
    ],
    [
      'a StatefulSet between revisions',
      sts({ readyReplicas: 2, updatedReplicas: 1, currentRevision: 'db-1', updateRevision: 'db-2' }),
      'progressing',
    ],
    [
      'a partitioned StatefulSet rollout that reached its partition',
      sts(
        { readyReplicas: 2, updatedReplicas: 1, currentRevision: 'a', updateRevision: 'b' },
        { replicas: 2, updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 1 } } },
      ),
      'healthy',
    ],
    [
      'a complete Job',
      {
        apiVersion: 'batch/v1',
        kind: 'Job',
        metadata: { name: 't' },
        status: { conditions: [{ type: 'Complete', status: 'True' }] },
      },
      'healthy',
    ],
    [
      'a failed Job',
      {
        apiVersion: 'batch/v1',
        kind: 'Job',
        metadata: { name: 't' },
        status: { conditions: [{ type: 'Failed', status: 'True', reason: 'BackoffLimitExceeded' }] },
      },
      'unhealthy',
    ],
    [
      'a running Job',
      { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 't' }, status: { active: 1 } },
      'progressing',
    ],
    [
      'a Ready InferenceService with its model Loaded',
      isvc({
        conditions: [{ type: 'Ready', status: 'True' }],
        modelStatus: { states: { activeModelState: 'Loaded' } },
      }),
      'healthy',
    ],
    [
      'a Ready InferenceService still loading its model',
      isvc({
        conditions: [{ type: 'Ready', status: 'True' }],
        modelStatus: { states: { activeModelState: 'Pending' } },
      }),
      'progressing',
    ],
    [
      'an InferenceService whose model failed to load',
      isvc({
        modelStatus: {
          states: { targetModelState: 'FailedToLoad' },
          lastFailureInfo: { message: 'OOMKilled' },
        },
      }),
      'unhealthy',
    ],
    [
      'a Healthy Argo Rollout',
      {
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'Rollout',
        metadata: { name: 'r' },
        status: { phase: 'Healthy' },
      },
      'healthy',
    ],
    [
      'a Degraded Argo Rollout',
      {
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'Rollout',
        metadata: { name: 'r' },
        status: { phase: 'Degraded', message: 'ProgressDeadlineExceeded' },
      },
      'unhealthy',
    ],
    [
      'a paused Argo Rollout',
      {
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'Rollout',
        metadata: { name: 'r' },
        status: { phase: 'Paused' },
      },
      'progressing',
    ],
    [
      'a custom resource with Ready True',
      {
        apiVersion: 'ml.acme.dev/v1',
        kind: 'Model',
        metadata: { name: 'x' },
        status: { conditions: [{ type: 'Ready', status: 'True' }] },
      },
      'healthy',
    ],
    [
      'a custom resource with Ready False and a failure reason',
      {
        apiVersion: 'ml.acme.dev/v1',
        kind: 'Model',
        metadata: { name: 'x' },
        status: { conditions: [{ type: 'Ready', status: 'False', reason: 'DownloadFailed' }] },
      },
      'unhealthy',
    ],
    [
      'a custom resource not Ready yet',
      {
        apiVersion: 'ml.acme.dev/v1',
        kind: 'Model',
        metadata: { name: 'x' },
        status: { conditions: [{ type: 'Ready', status: 'False', reason: 'Downloading' }] },
      },
      'progressing',
    ],
    [
      'a custom resource without status',
      { apiVersion: 'ml.acme.dev/v1', kind: 'Model', metadata: { name: 'x' } },
      'healthy',
    ],
  ])('judges %s', (_, object, state) => {
    expect(healthOf(object).state).toBe(state);
  });

  it('explains the failure in words', () => {
    expect(
      healthOf(
        isvc({
          modelStatus: {
            states: { targetModelState: 'FailedToLoad' },
            lastFailureInfo: { message: 'OOMKilled' },
          },
        }),
      ).message,
    ).toBe('model failed to load: OOMKilled');
    expect(
      healthOf(deploy({ observedGeneration: 2, replicas: 3, updatedReplicas: 3, availableReplicas: 1 }))
        .message,
    ).toBe('1 of 3 updated replicas available');
  });

  it('waits only for kinds that have health semantics', () => {
    expect(hasHealthSemantics('apps/v1', 'Deployment')).toBe(true);
    expect(hasHealthSemantics('serving.kserve.io/v1beta1', 'InferenceService')).toBe(true);
    expect(hasHealthSemantics('v1', 'ConfigMap')).toBe(false);
    expect(hasHealthSemantics('rbac.authorization.k8s.io/v1', 'RoleBinding')).toBe(false);
    expect(hasHealthSemantics('apiextensions.k8s.io/v1', 'CustomResourceDefinition')).toBe(false);
  });
});
