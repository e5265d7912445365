import type { KubeObject } from '../types.ts';

export type HealthState = 'healthy' | 'progressing' | 'unhealthy';

export interface Health {
  state: HealthState;
  message: string;
}

type Obj = Record<string, unknown>;
interface Condition {
  type?: string;
  status?: string;
  reason?: string;
  message?: string;
}

const num = (v: unknown, fallback = 0): number => (typeof v === 'number' ? v : fallback);
const conditionsOf = (status: Obj): Condition[] =>
  Array.isArray(status.conditions) ? (status.conditions as Condition[]) : [];
const find = (status: Obj, type: string) => conditionsOf(status).find((c) => c.type === type);

/** kubectl rollout status semantics (k8s.io/kubectl/pkg/polymorphichelpers/rollout_status.go). */
function deploymentHealth(o: KubeObject, status: Obj): Health {
  const spec = (o.spec ?? {}) as Obj;
  const generation = num((o.metadata as Obj | undefined)?.generation, 1);
  const replicas = num(spec.replicas, 1);
  if (num(status.observedGeneration, -1) < generation)
    return { state: 'progressing', message: 'waiting for the controller to observe the new generation' };
  const progressing = find(status, 'Progressing');
  if (progressing?.reason === 'ProgressDeadlineExceeded') {
    return { state: 'unhealthy', message: progressing.message ?? 'progress deadline exceeded' };
  }
  const updated = num(status.updatedReplicas);
  const available = num(status.availableReplicas);
  const total = num(status.replicas);
  if (updated < replicas)
    return { state: 'progressing', message: `${updated} of ${replicas} replicas updated` };
  if (total > updated)
    return { state: 'progressing', message: `${total - updated} old replicas pending termination` };
  if (available < updated)
    return { state: 'progressing', message: `${available} of ${updated} updated replicas available` };
  return { state: 'healthy', message: `${available}/${replicas} replicas available` };
}

function statefulSetHealth(o: KubeObject, status: Obj): Health {
  const spec = (o.spec ?? {}) as Obj;
  const generation = num((o.metadata as Obj | undefined)?.generation, 1);
  const replicas = num(spec.replicas, 1);
  if (num(status.observedGeneration, -1) < generation)
    return { state: 'progressing', message: 'waiting for the controller to observe the new generation' };
  const ready = num(status.readyReplicas);
  if (ready < replicas) return { state: 'progressing', message: `${ready} of ${replicas} pods ready` };
  const strategy = (spec.updateStrategy ?? {}) as { type?: string; rollingUpdate?: { partition?: number } };
  if (strategy.type === 'OnDelete')
    return { state: 'healthy', message: `${ready}/${replicas} ready (OnDelete)` };
  const partition = strategy.rollingUpdate?.partition;
  if (typeof partition === 'number' && partition > 0) {
    const updated = num(status.updatedReplicas);
    return updated < replicas - partition
      ? {
          state: 'progressing',
          message: `${updated} of ${replicas - partition} pods updated (partitioned rollout)`,
        }
      : { state: 'healthy', message: `partitioned rollout complete (${updated} updated)` };
  }
  if (status.updateRevision !== status.currentRevision) {
    return {
      state: 'progressing',
      message: `${num(status.updatedReplicas)} of ${replicas} pods at the new revision`,
    };
  }
  return { state: 'healthy', message: `${ready}/${replicas} pods ready` };
}

function jobHealth(status: Obj): Health {
  const failed = find(status, 'Failed');
  if (failed?.status === 'True')
    return { state: 'unhealthy', message: failed.message ?? failed.reason ?? 'Job failed' };
  const complete = find(status, 'Complete');
  if (complete?.status === 'True') return { state: 'healthy', message: 'Job complete' };
  return {
    state: 'progressing',
    message: `${num(status.active)} active, ${num(status.succeeded)} succeeded`,
  };
}

/** KServe: Ready, and when model status is reported, the active model Loaded (FailedToLoad is terminal). */
function inferenceServiceHealth(status: Obj): Health {
  const model = ((status.modelStatus ?? {}) as Obj).states as
    | { activeModelState?: string; targetModelState?: string }
    | undefined;
  const failure = ((status.modelStatus ?? {}) as Obj).lastFailureInfo as
    | { message?: string; reason?: string }
    | undefined;
  if (model?.targetModelState === 'FailedToLoad' || model?.activeModelState === 'FailedToLoad') {
    return {
      state: 'unhealthy',
      message: `model failed to load${failure?.message ? `: ${failure.message}` : ''}`,
    };
  }
  const ready = find(status, 'Ready');
  if (ready?.status === 'True') {
    if (model?.activeModelState && model.activeModelState !== 'Loaded') {
      return { state: 'progressing', message: `model ${model.activeModelState}` };
    }
    return { state: 'healthy', message: model ? 'Ready, model Loaded' : 'Ready' };
  }
  return { state: 'progressing', message: ready?.message ?? 'waiting for Ready' };
}

/** Argo Rollouts: Healthy is done, Degraded is a failure, the rest is in progress. */
function rolloutHealth(status: Obj): Health {
  const phase = typeof status.phase === 'string' ? status.phase : '';
  if (phase === 'Healthy') return { state: 'healthy', message: 'Rollout Healthy' };
  if (phase === 'Degraded')
    return {
      state: 'unhealthy',
      message: `Rollout Degraded${status.message ? `: ${String(status.message)}` : ''}`,
    };
  return {
    state: 'progressing',
    message: `Rollout ${phase || 'pending'}${status.message ? `: ${String(status.message)}` : ''}`,
  };
}

/**
 * An object's health after an apply, from its status alone. Pure. Kinds without health semantics and
 * objects without status are healthy; otherwise a `Ready` condition decides.
 */
export function healthOf(o: KubeObject): Health {
  const status = (o.status ?? undefined) as Obj | undefined;
  const group = o.apiVersion.includes('/') ? o.apiVersion.split('/')[0] : '';
  if (group === 'apps' && o.kind === 'Deployment') return deploymentHealth(o, status ?? {});
  if (group === 'apps' && o.kind === 'StatefulSet') return statefulSetHealth(o, status ?? {});
  if (group === 'batch' && o.kind === 'Job') return jobHealth(status ?? {});
  if (group === 'serving.kserve.io' && o.kind === 'InferenceService')
    return inferenceServiceHealth(status ?? {});
  if (group === 'argoproj.io' && o.kind === 'Rollout') return rolloutHealth(status ?? {});
  if (!status) return { state: 'healthy', message: 'no status' };
  const ready = find(status, 'Ready');
  if (!ready) return { state: 'healthy', message: 'no Ready condition' };
  if (ready.status === 'True') return { state: 'healthy', message: 'Ready' };
  if (ready.status === 'False' && /Failed|Error/i.test(ready.reason ?? '')) {
    return { state: 'unhealthy', message: ready.message ?? ready.reason ?? 'not Ready' };
  }
  return { state: 'progressing', message: ready.message ?? 'waiting for Ready' };
}

/** Kinds whose health the agent waits for (others are healthy on apply). */
export function hasHealthSemantics(apiVersion: string, kind: string): boolean {
  const group = apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
  if (
    group === '' ||
    kind === 'CustomResourceDefinition' ||
    kind.endsWith('Role') ||
    kind.endsWith('Binding')
  )
    return false;
  return !['ConfigMap', 'Secret', 'Service', 'ServiceAccount', 'Namespace'].includes(kind);
}
