import type { KubeObject } from '../types.ts';
import type { Health } from './health-of.ts';
import { conditionsOf, type Obj } from './status-conditions.ts';

const trueCondition = (status: Obj, types: readonly string[]) =>
  conditionsOf(status).find((c) => c.status === 'True' && types.includes(c.type ?? ''));
const text = (v: unknown): string => (typeof v === 'string' ? v : '');
const because = (what: string, detail: unknown): string => (text(detail) ? `${what}: ${text(detail)}` : what);

/**
 * Job-like conditions (Kubeflow's training jobs and MPIJob: Created, Running, Restarting, Succeeded,
 * Suspended, Failed; Trainer's TrainJob: Complete, Failed, Suspended; JobSet: Completed, Failed,
 * Suspended, RestartingJobSet, StartupPolicyInProgress).
 */
const FAILED = ['Failed'];
const SUCCEEDED = ['Succeeded', 'Complete', 'Completed'];
const RUNNING = ['Running'];
const SUSPENDED = ['Suspended'];
const STARTING = ['Created', 'Restarting', 'RestartingJobSet', 'StartupPolicyInProgress'];

/**
 * Health of a batch or training workload whose status kstatus cannot read: such kinds carry no `Ready`
 * condition, so by kstatus alone a PyTorchJob that failed at once was healthy. As Argo CD reads a
 * SparkApplication (resource_customizations/sparkoperator.k8s.io/SparkApplication/health.lua) and
 * kstatus a Job: running counts, since a training run lasts hours past any deploy's health timeout;
 * succeeded counts; queued (suspended: Kueue admits it later) counts; failed fails; created but not yet
 * running is waited for. Some kinds say it their own way: KubeRay, Volcano, Spark, KAITO, Kueue's queues,
 * NVIDIA's NIM Operator (KIND_RULES, GROUP_RULES). (A Kubernetes Job keeps its own rule in healthOf: it is waited for to
 * complete, as a step that later waves depend on.) Undefined when the object is none of these.
 */
export function batchWorkloadHealth(o: KubeObject, status: Obj): Health | undefined {
  const group = o.apiVersion.includes('/') ? o.apiVersion.slice(0, o.apiVersion.indexOf('/')) : '';
  const byKind = KIND_RULES[`${group}/${o.kind}`] ?? GROUP_RULES[group];
  if (byKind) return byKind(status);
  return jobConditionsHealth(status);
}

/**
 * Health from job-like conditions; undefined when the status has none of them. `Failed` True fails any
 * kind; the others decide only where no `Ready` or `Available` condition does (kstatus reads those).
 */
function jobConditionsHealth(status: Obj): Health | undefined {
  const failed = trueCondition(status, FAILED);
  if (failed)
    return { state: 'unhealthy', message: because(`${failed.type}`, failed.message ?? failed.reason) };
  if (conditionsOf(status).some((c) => c.type === 'Ready' || c.type === 'Available')) return undefined;
  const succeeded = trueCondition(status, SUCCEEDED);
  if (succeeded) return { state: 'healthy', message: succeeded.type ?? 'Succeeded' };
  if (trueCondition(status, RUNNING)) return { state: 'healthy', message: 'running' };
  if (trueCondition(status, SUSPENDED))
    return { state: 'healthy', message: 'suspended: queued until it is admitted or resumed' };
  const starting = trueCondition(status, STARTING);
  if (starting) return { state: 'progressing', message: `${starting.type}, not running yet` };
  return undefined;
}

/** KubeRay's RayJob: `status.jobDeploymentStatus` (ray-operator/apis/ray/v1/rayjob_types.go). */
function rayJobHealth(status: Obj): Health {
  const deployment = text(status.jobDeploymentStatus);
  const job = text(status.jobStatus);
  if (deployment === 'Failed' || deployment === 'ValidationFailed' || job === 'FAILED')
    return {
      state: 'unhealthy',
      message: because(`RayJob ${deployment || job}`, status.message ?? status.reason),
    };
  if (deployment === 'Complete' || job === 'SUCCEEDED')
    return { state: 'healthy', message: 'RayJob complete' };
  if (deployment === 'Running') return { state: 'healthy', message: 'RayJob running' };
  if (deployment === 'Suspended' || deployment === 'Suspending')
    return { state: 'healthy', message: `RayJob ${deployment.toLowerCase()}: queued until it is resumed` };
  return { state: 'progressing', message: `RayJob ${deployment || 'not started'}` };
}

/**
 * KubeRay's RayCluster: the `ReplicaFailure` condition or `status.state` `failed`; `ready` (or the
 * `RayClusterProvisioned` and `HeadPodReady` conditions) when every pod is up; `suspended` by request.
 */
function rayClusterHealth(status: Obj): Health {
  const state = text(status.state);
  if (state === 'failed') return { state: 'unhealthy', message: because('RayCluster failed', status.reason) };
  const provisioned = trueCondition(status, ['RayClusterProvisioned']);
  if (state === 'ready' || (provisioned && trueCondition(status, ['HeadPodReady'])))
    return { state: 'healthy', message: 'RayCluster ready' };
  if (state === 'suspended') return { state: 'healthy', message: 'RayCluster suspended' };
  const replicaFailure = trueCondition(status, ['ReplicaFailure']);
  if (replicaFailure)
    return {
      state: 'progressing',
      message: because('RayCluster cannot create pods', replicaFailure.message),
    };
  return { state: 'progressing', message: `RayCluster ${state || 'not ready yet'}` };
}

/**
 * KubeRay's RayService before its `Ready` condition (KubeRay < 1.3): `status.serviceStatus` `Running`.
 * With the condition, the kstatus rule reads it (undefined here).
 */
function rayServiceHealth(status: Obj): Health | undefined {
  if (conditionsOf(status).some((c) => c.type === 'Ready')) return undefined;
  const service = text(status.serviceStatus);
  if (!service) return undefined;
  if (service === 'Running') return { state: 'healthy', message: 'RayService running' };
  return { state: 'progressing', message: `RayService ${service}` };
}

/** Volcano's Job: `status.state.phase` (pkg/apis/batch/v1alpha1). */
function volcanoJobHealth(status: Obj): Health {
  const state = (status.state ?? {}) as Obj;
  const phase = text(state.phase);
  if (phase === 'Failed' || phase === 'Aborted' || phase === 'Terminated')
    return { state: 'unhealthy', message: because(`Volcano Job ${phase}`, state.message ?? state.reason) };
  if (phase === 'Completed' || phase === 'Running')
    return { state: 'healthy', message: `Volcano Job ${phase.toLowerCase()}` };
  return { state: 'progressing', message: `Volcano Job ${phase || 'pending'}` };
}

/** Spark Operator's SparkApplication, as Argo CD's health.lua reads `status.applicationState.state`. */
function sparkApplicationHealth(status: Obj): Health {
  const app = (status.applicationState ?? {}) as Obj;
  const state = text(app.state);
  if (state === 'FAILED' || state === 'SUBMISSION_FAILED' || state === 'FAILING')
    return { state: 'unhealthy', message: because(`SparkApplication ${state}`, app.errorMessage) };
  if (state === 'COMPLETED') return { state: 'healthy', message: 'SparkApplication completed' };
  if (state === 'RUNNING') return { state: 'healthy', message: 'SparkApplication running' };
  return { state: 'progressing', message: `SparkApplication ${state || 'enqueued for submission'}` };
}

/**
 * KAITO's Workspace (and RAGEngine): the summary condition `WorkspaceSucceeded` (`RAGEngineSucceeded`),
 * True once the model serves or the tuning job is done, False with a failure reason when it will not.
 */
function kaitoHealth(summary: string): (status: Obj) => Health {
  return (status) => {
    const c = conditionsOf(status).find((x) => x.type === summary);
    if (c?.status === 'True') return { state: 'healthy', message: summary };
    if (c?.status === 'False' && /Fail|Error/i.test(c.reason ?? ''))
      return { state: 'unhealthy', message: because(`${summary} False`, c.message ?? c.reason) };
    return { state: 'progressing', message: because(`waiting for ${summary}`, c?.message) };
  };
}

/**
 * NVIDIA's NIM Operator kinds without a `Ready` condition (NIMCache, NIMBuild: their conditions are
 * `NIM_CACHE_JOB_COMPLETED` and the like): `status.state` `Ready`, or `Failed` with the
 * `*_RECONCILE_FAILED` condition's message; kinds with `Ready` (NIMService) are left to kstatus.
 */
function nimStateHealth(status: Obj): Health | undefined {
  const conditions = conditionsOf(status);
  if (conditions.some((c) => c.type === 'Ready')) return jobConditionsHealth(status);
  const state = text(status.state);
  const failure = conditions.find((c) => c.status === 'True' && /RECONCILE_FAILED$/.test(c.type ?? ''));
  if (state === 'Failed' || failure)
    return {
      state: 'unhealthy',
      message: because(`${state || 'Failed'}`, failure?.message ?? failure?.reason),
    };
  if (state === 'Ready') return { state: 'healthy', message: 'Ready' };
  return state ? { state: 'progressing', message: state } : undefined;
}

/**
 * Kueue's queues and admission checks: the `Active` condition (pkg/cache: `FlavorNotFound`,
 * `AdmissionCheckNotFound`, a LocalQueue's `ClusterQueueDoesNotExist`…) False means no workload will be
 * admitted; `Stopped` is the queue's own stopPolicy, which the user asked for.
 */
function kueueHealth(status: Obj): Health | undefined {
  const active = conditionsOf(status).find((c) => c.type === 'Active');
  if (!active) return undefined;
  if (active.status === 'True') return { state: 'healthy', message: 'Active' };
  if (active.reason === 'Stopped') return { state: 'healthy', message: 'stopped by its stopPolicy' };
  if (active.status === 'False')
    return { state: 'unhealthy', message: because('not Active', active.message ?? active.reason) };
  return { state: 'progressing', message: 'waiting for Active' };
}

const GROUP_RULES: Readonly<Record<string, (status: Obj) => Health | undefined>> = {
  'apps.nvidia.com': nimStateHealth,
};

const KIND_RULES: Readonly<Record<string, (status: Obj) => Health | undefined>> = {
  'ray.io/RayJob': rayJobHealth,
  'ray.io/RayCluster': rayClusterHealth,
  'ray.io/RayService': rayServiceHealth,
  'batch.volcano.sh/Job': volcanoJobHealth,
  'sparkoperator.k8s.io/SparkApplication': sparkApplicationHealth,
  'kaito.sh/Workspace': kaitoHealth('WorkspaceSucceeded'),
  'kueue.x-k8s.io/ClusterQueue': kueueHealth,
  'kueue.x-k8s.io/LocalQueue': kueueHealth,
  'kueue.x-k8s.io/AdmissionCheck': kueueHealth,
  'kaito.sh/RAGEngine': kaitoHealth('RAGEngineSucceeded'),
};
