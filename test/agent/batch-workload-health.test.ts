import { describe, expect, it } from 'vitest';
import { healthOf } from '../../src/agent/health-of.ts';
import type { KubeObject } from '../../src/types.ts';

const obj = (apiVersion: string, kind: string, status: object, generation = 1): KubeObject => ({
  apiVersion,
  kind,
  metadata: { name: 'x', namespace: 'ml', generation },
  status,
});
const cond = (type: string, status = 'True', extra: object = {}) => ({ type, status, ...extra });

// Status shapes as the controllers write them: Kubeflow Trainer v1 (PyTorchJob), MPI Operator v2beta1,
// Trainer v2 (TrainJob), JobSet, KubeRay, Volcano, Spark Operator, KAITO.
const pytorch = (...conditions: object[]) => obj('kubeflow.org/v1', 'PyTorchJob', { conditions });
const jobset = (...conditions: object[]) => obj('jobset.x-k8s.io/v1alpha2', 'JobSet', { conditions });

describe('health of training and batch kinds without a Ready condition', () => {
  it.each<[string, KubeObject, string]>([
    [
      'a PyTorchJob that failed (by kstatus alone: healthy)',
      pytorch(
        cond('Created'),
        cond('Running', 'False'),
        cond('Failed', 'True', {
          reason: 'PyTorchJobFailed',
          message: 'PyTorchJob ml/x has failed because 1 Master replica(s) failed.',
        }),
      ),
      'unhealthy',
    ],
    ['a PyTorchJob created, its pods not running yet', pytorch(cond('Created')), 'progressing'],
    [
      'a PyTorchJob running (a training run outlasts any health timeout)',
      pytorch(cond('Created'), cond('Running')),
      'healthy',
    ],
    [
      'a PyTorchJob restarting after a pod failed',
      pytorch(cond('Created'), cond('Running', 'False'), cond('Restarting')),
      'progressing',
    ],
    [
      'a PyTorchJob that succeeded',
      pytorch(cond('Created'), cond('Running', 'False'), cond('Succeeded')),
      'healthy',
    ],
    ['a PyTorchJob queued by Kueue (suspended)', pytorch(cond('Created'), cond('Suspended')), 'healthy'],
    [
      'an MPIJob v2beta1 that failed',
      obj('kubeflow.org/v2beta1', 'MPIJob', { conditions: [cond('Created'), cond('Failed')] }),
      'unhealthy',
    ],
    [
      'a TrainJob complete',
      obj('trainer.kubeflow.org/v1alpha1', 'TrainJob', { conditions: [cond('Complete')] }),
      'healthy',
    ],
    [
      'a TrainJob past its deadline',
      obj('trainer.kubeflow.org/v1alpha1', 'TrainJob', {
        conditions: [cond('Failed', 'True', { reason: 'DeadlineExceeded' })],
      }),
      'unhealthy',
    ],
    [
      'a JobSet failed',
      jobset(
        cond('Failed', 'True', {
          reason: 'FailedJobs',
          message: 'jobset failed due to one or more job failures',
        }),
      ),
      'unhealthy',
    ],
    ['a JobSet completed', jobset(cond('StartupPolicyCompleted'), cond('Completed')), 'healthy'],
    ['a JobSet still starting its jobs in order', jobset(cond('StartupPolicyInProgress')), 'progressing'],
    [
      'a RayJob whose job failed',
      obj('ray.io/v1', 'RayJob', {
        jobDeploymentStatus: 'Failed',
        jobStatus: 'FAILED',
        message: 'Job entrypoint command failed with exit code 1',
      }),
      'unhealthy',
    ],
    [
      'a RayJob refused by validation',
      obj('ray.io/v1', 'RayJob', { jobDeploymentStatus: 'ValidationFailed' }),
      'unhealthy',
    ],
    [
      'a RayJob initializing its cluster',
      obj('ray.io/v1', 'RayJob', { jobDeploymentStatus: 'Initializing' }),
      'progressing',
    ],
    [
      'a RayJob running',
      obj('ray.io/v1', 'RayJob', { jobDeploymentStatus: 'Running', jobStatus: 'RUNNING' }),
      'healthy',
    ],
    [
      'a RayJob complete',
      obj('ray.io/v1', 'RayJob', { jobDeploymentStatus: 'Complete', jobStatus: 'SUCCEEDED' }),
      'healthy',
    ],
    [
      'a RayCluster failed',
      obj('ray.io/v1', 'RayCluster', { state: 'failed', reason: 'head pod could not be created' }),
      'unhealthy',
    ],
    [
      'a RayCluster with pods coming up',
      obj('ray.io/v1', 'RayCluster', { conditions: [cond('HeadPodReady', 'False')] }),
      'progressing',
    ],
    [
      'a RayCluster ready by conditions',
      obj('ray.io/v1', 'RayCluster', { conditions: [cond('HeadPodReady'), cond('RayClusterProvisioned')] }),
      'healthy',
    ],
    ['a RayCluster ready by its state', obj('ray.io/v1', 'RayCluster', { state: 'ready' }), 'healthy'],
    [
      'a RayService before the Ready condition, preparing',
      obj('ray.io/v1', 'RayService', { serviceStatus: 'WaitForServeDeploymentReady' }),
      'progressing',
    ],
    [
      'a RayService before the Ready condition, running',
      obj('ray.io/v1', 'RayService', { serviceStatus: 'Running' }),
      'healthy',
    ],
    [
      'a RayService with a Ready condition False (kstatus reads it)',
      obj('ray.io/v1', 'RayService', { serviceStatus: 'Running', conditions: [cond('Ready', 'False')] }),
      'progressing',
    ],
    [
      'a Volcano Job aborted',
      obj('batch.volcano.sh/v1alpha1', 'Job', { state: { phase: 'Aborted', reason: 'PodFailed' } }),
      'unhealthy',
    ],
    [
      'a Volcano Job pending',
      obj('batch.volcano.sh/v1alpha1', 'Job', { state: { phase: 'Pending' } }),
      'progressing',
    ],
    [
      'a Volcano Job running',
      obj('batch.volcano.sh/v1alpha1', 'Job', { state: { phase: 'Running' } }),
      'healthy',
    ],
    [
      'a SparkApplication whose submission failed',
      obj('sparkoperator.k8s.io/v1beta2', 'SparkApplication', {
        applicationState: { state: 'SUBMISSION_FAILED', errorMessage: 'driver pod failed' },
      }),
      'unhealthy',
    ],
    [
      'a SparkApplication submitted',
      obj('sparkoperator.k8s.io/v1beta2', 'SparkApplication', { applicationState: { state: 'SUBMITTED' } }),
      'progressing',
    ],
    [
      'a SparkApplication running',
      obj('sparkoperator.k8s.io/v1beta2', 'SparkApplication', { applicationState: { state: 'RUNNING' } }),
      'healthy',
    ],
    [
      'a KAITO Workspace provisioning GPU nodes',
      obj('kaito.sh/v1beta1', 'Workspace', {
        conditions: [
          cond('ResourceReady', 'False'),
          cond('WorkspaceSucceeded', 'False', { reason: 'workspacePending' }),
        ],
      }),
      'progressing',
    ],
    [
      'a KAITO Workspace failed',
      obj('kaito.sh/v1beta1', 'Workspace', {
        conditions: [
          cond('WorkspaceSucceeded', 'False', {
            reason: 'workspaceFailed',
            message: 'inference deployment failed',
          }),
        ],
      }),
      'unhealthy',
    ],
    [
      'a KAITO Workspace serving',
      obj('kaito.sh/v1beta1', 'Workspace', {
        conditions: [cond('ResourceReady'), cond('InferenceReady'), cond('WorkspaceSucceeded')],
      }),
      'healthy',
    ],
    [
      'a NIMCache whose caching job failed (by kstatus alone: healthy)',
      obj('apps.nvidia.com/v1alpha1', 'NIMCache', {
        state: 'Failed',
        conditions: [
          cond('NIM_CACHE_JOB_CREATED'),
          cond('NIM_CACHE_RECONCILE_FAILED', 'True', { message: 'job failed: model download unauthorized' }),
        ],
      }),
      'unhealthy',
    ],
    [
      'a NIMCache still caching',
      obj('apps.nvidia.com/v1alpha1', 'NIMCache', {
        state: 'InProgress',
        conditions: [cond('NIM_CACHE_JOB_CREATED'), cond('NIM_CACHE_JOB_PENDING', 'False')],
      }),
      'progressing',
    ],
    [
      'a NIMCache ready',
      obj('apps.nvidia.com/v1alpha1', 'NIMCache', {
        state: 'Ready',
        conditions: [cond('NIM_CACHE_JOB_COMPLETED')],
      }),
      'healthy',
    ],
    [
      'a NIMService Ready (kstatus reads its Ready condition)',
      obj('apps.nvidia.com/v1alpha1', 'NIMService', {
        state: 'Ready',
        conditions: [cond('Ready'), cond('Failed', 'False')],
      }),
      'healthy',
    ],
    [
      'a NIMService Failed',
      obj('apps.nvidia.com/v1alpha1', 'NIMService', {
        state: 'Failed',
        conditions: [cond('Ready', 'False'), cond('Failed', 'True', { reason: 'DeploymentFailed' })],
      }),
      'unhealthy',
    ],
    [
      'a Kueue ClusterQueue naming a flavour that does not exist (by kstatus alone: healthy)',
      obj('kueue.x-k8s.io/v1beta1', 'ClusterQueue', {
        conditions: [
          cond('Active', 'False', {
            reason: 'FlavorNotFound',
            message: "Can't admit new workloads: references missing ResourceFlavor(s): h100.",
          }),
        ],
      }),
      'unhealthy',
    ],
    [
      'a Kueue LocalQueue whose ClusterQueue is missing',
      obj('kueue.x-k8s.io/v1beta1', 'LocalQueue', {
        conditions: [cond('Active', 'False', { reason: 'ClusterQueueDoesNotExist' })],
      }),
      'unhealthy',
    ],
    [
      'a Kueue ClusterQueue stopped by its stopPolicy',
      obj('kueue.x-k8s.io/v1beta1', 'ClusterQueue', {
        conditions: [cond('Active', 'False', { reason: 'Stopped' })],
      }),
      'healthy',
    ],
    [
      'a Kueue ClusterQueue active',
      obj('kueue.x-k8s.io/v1beta1', 'ClusterQueue', {
        conditions: [cond('Active', 'True', { reason: 'Ready' })],
      }),
      'healthy',
    ],
    // What kstatus decides stays kstatus's: a Ready condition, Failed True aside.
    [
      'a custom kind Running whose Ready is False',
      obj('acme.dev/v1', 'Model', { conditions: [cond('Running'), cond('Ready', 'False')] }),
      'progressing',
    ],
    [
      'a custom kind Ready whose Failed is True',
      obj('acme.dev/v1', 'Model', {
        conditions: [cond('Ready'), cond('Failed', 'True', { message: 'download failed' })],
      }),
      'unhealthy',
    ],
    [
      'a custom kind with no conditions at all',
      obj('acme.dev/v1', 'Model', { phase: 'whatever' }),
      'healthy',
    ],
  ])('%s: %s', (_name, o, state) => {
    expect(healthOf(o).state).toBe(state);
  });

  it('says why, with the controller words', () => {
    expect(
      healthOf(pytorch(cond('Failed', 'True', { message: '1 Master replica(s) failed.' }))).message,
    ).toBe('Failed: 1 Master replica(s) failed.');
    expect(
      healthOf(obj('ray.io/v1', 'RayJob', { jobDeploymentStatus: 'Failed', message: 'exit code 1' })).message,
    ).toBe('RayJob Failed: exit code 1');
    expect(
      healthOf(
        obj('sparkoperator.k8s.io/v1beta2', 'SparkApplication', {
          applicationState: { state: 'FAILED', errorMessage: 'OOMKilled' },
        }),
      ).message,
    ).toBe('SparkApplication FAILED: OOMKilled');
  });

  it('still waits for a status that describes an older generation', () => {
    const stale = obj(
      'kubeflow.org/v1',
      'PyTorchJob',
      { observedGeneration: 1, conditions: [cond('Running')] },
      2,
    );
    expect(healthOf(stale).state).toBe('unknown');
  });
});
