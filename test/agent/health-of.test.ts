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

const isvc = (
  status: object,
  spec: object = { predictor: { model: { storageUri: 's3://m/2' } } },
): KubeObject => ({
  apiVersion: 'serving.kserve.io/v1beta1',
  kind: 'InferenceService',
  metadata: { name: 'm', generation: 2 },
  spec,
  status: { observedGeneration: 2, ...status },
});

const rollout = (status: object, generation = 3): KubeObject => ({
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'Rollout',
  metadata: { name: 'r', generation },
  status,
});

const model = (status: object | undefined, generation = 4): KubeObject => ({
  apiVersion: 'ml.acme.dev/v1',
  kind: 'Model',
  metadata: { name: 'x', generation },
  ...(status ? { status } : {}),
});

const predictor = (created: string, ready: string, traffic: object[] = []) => ({
  components: { predictor: { latestCreatedRevision: created, latestReadyRevision: ready, traffic } },
});

describe('healthOf', () => {
  it.each<[string, KubeObject, string]>([
    [
      'a Deployment whose controller has not seen the new generation',
      deploy({ observedGeneration: 1, replicas: 3, updatedReplicas: 3, availableReplicas: 3 }),
      'unknown',
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
      'a Deployment whose observedGeneration is written as a string and lags',
      deploy({ observedGeneration: '1', replicas: 3, updatedReplicas: 3, availableReplicas: 3 }),
      'unknown',
    ],
    [
      'a StatefulSet whose controller has not seen the new generation',
      {
        ...sts({ readyReplicas: 2, currentRevision: 'db-1', updateRevision: 'db-1' }),
        metadata: { name: 'db', generation: 2 },
      },
      'unknown',
    ],
    [
      'a DaemonSet whose controller has not seen the new generation',
      {
        apiVersion: 'apps/v1',
        kind: 'DaemonSet',
        metadata: { name: 'ds', generation: 2 },
        status: {
          observedGeneration: 1,
          desiredNumberScheduled: 3,
          updatedNumberScheduled: 3,
          numberAvailable: 3,
        },
      },
      'unknown',
    ],
    [
      'a DaemonSet mid-rollout',
      {
        apiVersion: 'apps/v1',
        kind: 'DaemonSet',
        metadata: { name: 'ds', generation: 2 },
        status: {
          observedGeneration: 2,
          desiredNumberScheduled: 3,
          updatedNumberScheduled: 2,
          numberAvailable: 3,
        },
      },
      'progressing',
    ],
    [
      'a rolled-out DaemonSet',
      {
        apiVersion: 'apps/v1',
        kind: 'DaemonSet',
        metadata: { name: 'ds', generation: 2 },
        status: {
          observedGeneration: 2,
          desiredNumberScheduled: 3,
          updatedNumberScheduled: 3,
          numberAvailable: 3,
        },
      },
      'healthy',
    ],
    [
      'a Bound PersistentVolumeClaim',
      {
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        metadata: { name: 'c' },
        status: { phase: 'Bound' },
      },
      'healthy',
    ],
    [
      'a Pending PersistentVolumeClaim',
      {
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        metadata: { name: 'c' },
        status: { phase: 'Pending' },
      },
      'progressing',
    ],
    [
      'a PersistentVolumeClaim without status yet',
      { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'c' } },
      'progressing',
    ],
    [
      'a Lost PersistentVolumeClaim',
      { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'c' }, status: { phase: 'Lost' } },
      'unhealthy',
    ],
    [
      'a Job that failed before its pods were cleaned up (FailureTarget)',
      {
        apiVersion: 'batch/v1',
        kind: 'Job',
        metadata: { name: 't' },
        status: { conditions: [{ type: 'FailureTarget', status: 'True', reason: 'BackoffLimitExceeded' }] },
      },
      'unhealthy',
    ],
    [
      'an InferenceService at generation 2 whose status still describes generation 1 (Ready True)',
      isvc({ observedGeneration: 1, conditions: [{ type: 'Ready', status: 'True' }] }),
      'unknown',
    ],
    [
      'an InferenceService whose new predictor revision is not ready yet (Ready True from the old one)',
      isvc({
        conditions: [{ type: 'Ready', status: 'True' }],
        ...predictor('m-predictor-2', 'm-predictor-1'),
      }),
      'progressing',
    ],
    [
      'an InferenceService whose latest created predictor revision is ready',
      isvc({
        conditions: [{ type: 'Ready', status: 'True' }],
        ...predictor('m-predictor-2', 'm-predictor-2'),
      }),
      'healthy',
    ],
    [
      'a canary InferenceService whose canary share is not routed to the new revision yet',
      isvc(
        {
          conditions: [{ type: 'Ready', status: 'True' }],
          ...predictor('m-predictor-2', 'm-predictor-2', [
            { tag: 'prev', revisionName: 'm-predictor-1', percent: 100 },
          ]),
        },
        { predictor: { canaryTrafficPercent: 10, model: { storageUri: 's3://m/2' } } },
      ),
      'progressing',
    ],
    [
      'a canary InferenceService serving its canary share from the new revision',
      isvc(
        {
          conditions: [{ type: 'Ready', status: 'True' }],
          ...predictor('m-predictor-2', 'm-predictor-2', [
            { tag: 'prev', revisionName: 'm-predictor-1', percent: 90 },
            { tag: 'latest', revisionName: 'm-predictor-2', percent: 10, latestRevision: true },
          ]),
        },
        { predictor: { canaryTrafficPercent: 10, model: { storageUri: 's3://m/2' } } },
      ),
      'healthy',
    ],
    [
      'an InferenceService whose predictor configuration failed',
      isvc({
        conditions: [
          {
            type: 'PredictorConfigurationReady',
            status: 'False',
            reason: 'RevisionFailed',
            message: 'exit code 1',
          },
          { type: 'Ready', status: 'True' },
        ],
      }),
      'unhealthy',
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
    ['a Healthy Argo Rollout', rollout({ observedGeneration: '3', phase: 'Healthy' }), 'healthy'],
    [
      'a Degraded Argo Rollout',
      rollout({ observedGeneration: '3', phase: 'Degraded', message: 'ProgressDeadlineExceeded' }),
      'unhealthy',
    ],
    [
      'an Argo Rollout paused by hand (spec.paused)',
      rollout({
        observedGeneration: '3',
        phase: 'Paused',
        message: 'manually paused',
        pauseConditions: [{ reason: 'PausedByUser' }],
      }),
      'progressing',
    ],
    [
      'an Argo Rollout paused at a canary step, as its steps say',
      rollout({
        observedGeneration: '3',
        phase: 'Paused',
        message: 'CanaryPauseStep',
        pauseConditions: [{ reason: 'CanaryPauseStep' }],
      }),
      'healthy',
    ],
    [
      'an Argo Rollout whose controller has not seen the new spec (string observedGeneration)',
      rollout({ observedGeneration: '2', phase: 'Healthy' }),
      'unknown',
    ],
    [
      'an Argo Rollout whose observedGeneration is compared as a number, not a string ("10" vs 9)',
      rollout({ observedGeneration: '10', phase: 'Healthy' }, 10),
      'healthy',
    ],
    ['an Argo Rollout without observedGeneration', rollout({ phase: 'Healthy' }), 'unknown'],
    [
      'an Argo Rollout with an invalid spec',
      rollout({
        observedGeneration: 3,
        phase: 'Progressing',
        conditions: [{ type: 'InvalidSpec', status: 'True', message: 'The Rollout "r" is invalid' }],
      }),
      'unhealthy',
    ],
    [
      'a custom resource with Ready True',
      model({ observedGeneration: 4, conditions: [{ type: 'Ready', status: 'True' }] }),
      'healthy',
    ],
    [
      'an unknown CRD whose status still describes the previous generation (Ready True)',
      model({ observedGeneration: 3, conditions: [{ type: 'Ready', status: 'True' }] }),
      'unknown',
    ],
    [
      'an unknown CRD whose Ready condition still describes the previous generation',
      model({ conditions: [{ type: 'Ready', status: 'True', observedGeneration: 3 }] }),
      'unknown',
    ],
    [
      'a custom resource Reconciling',
      model({
        observedGeneration: 4,
        conditions: [
          { type: 'Ready', status: 'True' },
          { type: 'Reconciling', status: 'True', reason: 'Progressing' },
        ],
      }),
      'progressing',
    ],
    [
      'a custom resource Stalled',
      model({
        observedGeneration: 4,
        conditions: [{ type: 'Stalled', status: 'True', reason: 'BadUri', message: 'no such bucket' }],
      }),
      'unhealthy',
    ],
    [
      'a custom resource with Available True and no Ready',
      model({ observedGeneration: 4, conditions: [{ type: 'Available', status: 'True' }] }),
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

describe('healthOf messages', () => {
  it('names the generations when the status is stale, and the condition message when waiting', () => {
    expect(
      healthOf(isvc({ observedGeneration: 1, conditions: [{ type: 'Ready', status: 'True' }] })).message,
    ).toBe('status describes generation 1, not the applied generation 2');
    expect(
      healthOf(
        isvc({
          conditions: [
            { type: 'Ready', status: 'False', reason: 'Pending', message: 'waiting for GPU node' },
          ],
        }),
      ).message,
    ).toBe('waiting for Ready: waiting for GPU node');
  });

  it('waits for PersistentVolumeClaims and custom resources, not for ConfigMaps', () => {
    expect(hasHealthSemantics('v1', 'PersistentVolumeClaim')).toBe(true);
    expect(hasHealthSemantics('ml.acme.dev/v1', 'Model')).toBe(true);
    expect(hasHealthSemantics('v1', 'Service')).toBe(false);
  });
});

describe('Pod health (as Argo CD reads a Pod)', () => {
  const pod = (status: object, restartPolicy?: string): KubeObject => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'notebook' },
    spec: { containers: [{ name: 'jupyter', image: 'x' }], ...(restartPolicy ? { restartPolicy } : {}) },
    status,
  });
  const waiting = (reason: string, message?: string) => ({
    phase: 'Running',
    conditions: [{ type: 'Ready', status: 'False', reason: 'ContainersNotReady' }],
    containerStatuses: [
      { name: 'jupyter', ready: false, restartCount: 4, state: { waiting: { reason, message } } },
    ],
  });

  it.each<[string, KubeObject, string, string]>([
    [
      'crash-looping',
      pod(waiting('CrashLoopBackOff', 'back-off 5m0s restarting failed container=jupyter')),
      'unhealthy',
      'container jupyter: CrashLoopBackOff: back-off 5m0s restarting failed container=jupyter',
    ],
    [
      'an image that cannot be pulled',
      pod(waiting('ImagePullBackOff')),
      'unhealthy',
      'container jupyter: ImagePullBackOff',
    ],
    [
      'a missing ConfigMap key',
      pod(waiting('CreateContainerConfigError')),
      'unhealthy',
      'container jupyter: CreateContainerConfigError',
    ],
    [
      'starting',
      pod(waiting('ContainerCreating')),
      'progressing',
      'Running, waiting for Ready (ContainersNotReady)',
    ],
    [
      'running and ready',
      pod({ phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] }),
      'healthy',
      'Running and Ready',
    ],
    ['failed', pod({ phase: 'Failed', message: 'Pod was evicted' }), 'unhealthy', 'Pod was evicted'],
    [
      'a run to completion that is still running',
      pod({ phase: 'Running' }, 'Never'),
      'progressing',
      'Running',
    ],
    [
      'a run to completion whose image is being retried',
      pod(waiting('ImagePullBackOff'), 'Never'),
      'progressing',
      'Running',
    ],
    ['a run to completion that succeeded', pod({ phase: 'Succeeded' }, 'Never'), 'healthy', 'Succeeded'],
  ])('%s', (_, object, state, message) => {
    expect(healthOf(object)).toEqual({ state, message });
  });

  it('is waited for', () => {
    expect(hasHealthSemantics('v1', 'Pod')).toBe(true);
  });
});
