import type { KubeObject } from '../types.ts';
import { batchWorkloadHealth } from './batch-workload-health.ts';
import { gatewayApiHealth } from './gateway-api-health.ts';
import { type Condition, conditionsOf, type Obj } from './status-conditions.ts';

/**
 * `unknown`: the status does not describe the applied generation yet (its controller has not seen it),
 * so nothing can be said; it is waited for like `progressing` and is never healthy.
 */
export type HealthState = 'healthy' | 'progressing' | 'unknown' | 'unhealthy';

export interface Health {
  state: HealthState;
  message: string;
}

/** A number from a status field; controllers differ (Argo Rollouts writes observedGeneration as a string). */
function toNumber(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && /^\d+$/.test(v.trim())) return Number(v);
  return undefined;
}
const num = (v: unknown, fallback = 0): number => toNumber(v) ?? fallback;
const find = (status: Obj, type: string) => conditionsOf(status).find((c) => c.type === type);
const generationOf = (o: KubeObject): number => num((o.metadata as Obj | undefined)?.generation, 1);
const isTrue = (c: Condition | undefined) => c?.status === 'True';
const isFalse = (c: Condition | undefined) => c?.status === 'False';
const withMessage = (what: string, c: Condition | undefined) =>
  c?.message ? `${what}: ${c.message}` : c?.reason ? `${what} (${c.reason})` : what;

/**
 * The status is stale when the controller reports an observedGeneration below the object's generation.
 * `required`: a missing observedGeneration is stale too (the built-in controllers always write it).
 */
function staleness(o: KubeObject, status: Obj, required: boolean): Health | undefined {
  const generation = generationOf(o);
  const observed = toNumber(status.observedGeneration);
  if (observed === undefined && !required) return undefined;
  if (observed !== undefined && observed >= generation) return undefined;
  return {
    state: 'unknown',
    message:
      observed === undefined
        ? `waiting for the controller to observe generation ${generation}`
        : `status describes generation ${observed}, not the applied generation ${generation}`,
  };
}

/** kubectl rollout status semantics (k8s.io/kubectl/pkg/polymorphichelpers/rollout_status.go). */
function deploymentHealth(o: KubeObject, status: Obj): Health {
  const stale = staleness(o, status, true);
  if (stale) return stale;
  const spec = (o.spec ?? {}) as Obj;
  const replicas = num(spec.replicas, 1);
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
  const stale = staleness(o, status, true);
  if (stale) return stale;
  const spec = (o.spec ?? {}) as Obj;
  const replicas = num(spec.replicas, 1);
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

/** kubectl rollout status for DaemonSets: every scheduled node runs an updated, available pod. */
function daemonSetHealth(o: KubeObject, status: Obj): Health {
  const stale = staleness(o, status, true);
  if (stale) return stale;
  const strategy = ((o.spec ?? {}) as Obj).updateStrategy as { type?: string } | undefined;
  const desired = num(status.desiredNumberScheduled);
  if (strategy?.type === 'OnDelete') return { state: 'healthy', message: `${desired} scheduled (OnDelete)` };
  const updated = num(status.updatedNumberScheduled);
  const available = num(status.numberAvailable);
  if (updated < desired)
    return { state: 'progressing', message: `${updated} of ${desired} updated pods scheduled` };
  if (available < desired)
    return { state: 'progressing', message: `${available} of ${desired} updated pods available` };
  return { state: 'healthy', message: `${available}/${desired} pods available` };
}

/** A Job is done when Complete; Failed (or FailureTarget, set before the pods are cleaned up) is terminal. */
function jobHealth(status: Obj): Health {
  const failed = [find(status, 'Failed'), find(status, 'FailureTarget')].find(isTrue);
  if (failed) return { state: 'unhealthy', message: failed.message ?? failed.reason ?? 'Job failed' };
  if (isTrue(find(status, 'Complete'))) return { state: 'healthy', message: 'Job complete' };
  return {
    state: 'progressing',
    message: `${num(status.active)} active, ${num(status.succeeded)} succeeded`,
  };
}

/** A PVC is usable once Bound; Lost (its volume is gone) is terminal. */
function pvcHealth(status: Obj): Health {
  const phase = typeof status.phase === 'string' ? status.phase : 'Pending';
  if (phase === 'Bound') return { state: 'healthy', message: 'Bound' };
  if (phase === 'Lost') return { state: 'unhealthy', message: 'Lost: its PersistentVolume no longer exists' };
  return { state: 'progressing', message: `${phase}: waiting for a volume to bind` };
}

interface ContainerStatus {
  name?: string;
  state?: { waiting?: { reason?: string; message?: string } };
  lastState?: { terminated?: { exitCode?: number; reason?: string } };
}

/** A waiting reason that will not clear by itself (Argo CD's pod health: Err*, *Error, *BackOff). */
const STUCK = /^Err|Error$|BackOff$/;

/**
 * A bare Pod, as Argo CD reads one (gitops-engine health_pod.go): a container stuck waiting
 * (CrashLoopBackOff, ImagePullBackOff, CreateContainerConfigError, …) fails a Pod that restarts
 * (restartPolicy Always, the default) at once, instead of waiting out the deadline; phase Failed fails;
 * Succeeded, or Running and Ready, is healthy. A Pod that does not restart (a run to completion) is
 * healthy only once Succeeded.
 */
function podHealth(o: KubeObject, status: Obj): Health {
  const restartPolicy = ((o.spec ?? {}) as Obj).restartPolicy ?? 'Always';
  const containers = [
    ...((status.initContainerStatuses ?? []) as ContainerStatus[]),
    ...((status.containerStatuses ?? []) as ContainerStatus[]),
  ];
  const message = typeof status.message === 'string' ? status.message : undefined;
  if (restartPolicy === 'Always') {
    const stuck = containers
      .filter((c) => STUCK.test(c.state?.waiting?.reason ?? ''))
      .map(
        (c) =>
          `container ${c.name}: ${c.state?.waiting?.reason}${c.state?.waiting?.message ? `: ${c.state.waiting.message}` : ''}`,
      );
    if (stuck.length > 0) return { state: 'unhealthy', message: stuck.join('; ') };
  }
  const phase = typeof status.phase === 'string' ? status.phase : 'Pending';
  if (phase === 'Succeeded') return { state: 'healthy', message: 'Succeeded' };
  if (phase === 'Failed') return { state: 'unhealthy', message: message ?? 'Failed' };
  if (phase === 'Running' && restartPolicy === 'Always') {
    if (isTrue(find(status, 'Ready'))) return { state: 'healthy', message: 'Running and Ready' };
    return {
      state: 'progressing',
      message: withMessage('Running, waiting for Ready', find(status, 'Ready')),
    };
  }
  return { state: 'progressing', message: message ? `${phase}: ${message}` : phase };
}

interface ComponentStatus {
  latestCreatedRevision?: string;
  latestReadyRevision?: string;
  latestRolledoutRevision?: string;
  traffic?: { revisionName?: string; percent?: number; latestRevision?: boolean; tag?: string }[];
}

/** KServe component conditions that, False with a failure reason, mean the new revision will not come up. */
const ISVC_FAILURE = /Fail|Error|ProgressDeadlineExceeded|ExitCode|CrashLoop|OOMKilled/i;

/** Each component's latest created revision is ready and, with a canary, receives the canary's share. */
function componentRevisionHealth(o: KubeObject, status: Obj): Health | undefined {
  const spec = (o.spec ?? {}) as Record<string, Obj | undefined>;
  const components = (status.components ?? {}) as Record<string, ComponentStatus | undefined>;
  for (const name of ['predictor', 'transformer', 'explainer']) {
    const c = components[name];
    if (!spec[name] || !c?.latestCreatedRevision) continue;
    if (c.latestReadyRevision !== c.latestCreatedRevision) {
      return {
        state: 'progressing',
        message: `${name} revision ${c.latestCreatedRevision} not ready (latest ready: ${c.latestReadyRevision ?? 'none'})`,
      };
    }
    const canary = toNumber(spec[name]?.canaryTrafficPercent);
    if (canary !== undefined && canary > 0 && canary < 100) {
      const latest = (c.traffic ?? []).find((t) => t.latestRevision === true || t.tag === 'latest');
      const routed = latest?.revisionName ?? (latest?.latestRevision ? c.latestReadyRevision : undefined);
      if (routed !== c.latestCreatedRevision || num(latest?.percent) !== canary) {
        return {
          state: 'progressing',
          message: `${name} canary: ${canary}% not yet routed to ${c.latestCreatedRevision}`,
        };
      }
    }
  }
  return undefined;
}

/**
 * KServe: the status describes the applied generation; each component's latest created revision is its
 * latest ready one (serverless mode; raw deployments report no revisions); with `canaryTrafficPercent`
 * the canary's traffic goes to that revision; Ready; and the model Loaded when model status is reported.
 */
function inferenceServiceHealth(o: KubeObject, status: Obj): Health {
  const model = ((status.modelStatus ?? {}) as Obj).states as
    | { activeModelState?: string; targetModelState?: string }
    | undefined;
  const failure = ((status.modelStatus ?? {}) as Obj).lastFailureInfo as
    | { message?: string; reason?: string }
    | undefined;
  const stale = staleness(o, status, false);
  if (stale) return stale;
  if (model?.targetModelState === 'FailedToLoad' || model?.activeModelState === 'FailedToLoad') {
    return {
      state: 'unhealthy',
      message: `model failed to load${failure?.message ? `: ${failure.message}` : ''}`,
    };
  }
  const failed = conditionsOf(status).find((c) => isFalse(c) && ISVC_FAILURE.test(c.reason ?? ''));
  if (failed) return { state: 'unhealthy', message: withMessage(`${failed.type} False`, failed) };
  const revisions = componentRevisionHealth(o, status);
  if (revisions) return revisions;
  const ready = find(status, 'Ready');
  if (isTrue(ready)) {
    if (model?.activeModelState && model.activeModelState !== 'Loaded') {
      return { state: 'progressing', message: `model ${model.activeModelState}` };
    }
    return { state: 'healthy', message: model ? 'Ready, model Loaded' : 'Ready' };
  }
  return { state: 'progressing', message: withMessage('waiting for Ready', ready) };
}

/**
 * Argo Rollouts, as Argo CD reads it (resource_customizations/argoproj.io/Rollout/health.lua): nothing
 * counts until `status.observedGeneration` (a string in Argo Rollouts) equals the generation; then
 * `status.phase` decides. Healthy is done; Paused at a canary pause step (`CanaryPauseStep`, the
 * rollout doing what its steps say) is done too, as `kubectl argo rollouts status` ends there; a
 * Rollout paused for another reason, or Progressing, is waited for; Degraded (aborted, deadline
 * exceeded, invalid spec) is a failure.
 */
function rolloutHealth(o: KubeObject, status: Obj): Health {
  const observed = toNumber(status.observedGeneration);
  const generation = generationOf(o);
  if (observed !== generation)
    return {
      state: 'unknown',
      message:
        observed === undefined
          ? 'waiting for the Rollout controller to observe the spec'
          : `status describes generation ${observed}, not the applied generation ${generation}`,
    };
  const invalid = find(status, 'InvalidSpec');
  if (isTrue(invalid)) return { state: 'unhealthy', message: withMessage('Rollout InvalidSpec', invalid) };
  const phase = typeof status.phase === 'string' ? status.phase : '';
  const message = typeof status.message === 'string' && status.message ? `: ${status.message}` : '';
  if (phase === 'Healthy') return { state: 'healthy', message: 'Rollout Healthy' };
  if (phase === 'Degraded') return { state: 'unhealthy', message: `Rollout Degraded${message}` };
  if (phase === 'Paused') {
    const reasons = Array.isArray(status.pauseConditions)
      ? (status.pauseConditions as { reason?: string }[]).map((p) => p.reason)
      : [];
    if (
      status.message === 'CanaryPauseStep' ||
      (reasons.length > 0 && reasons.every((r) => r === 'CanaryPauseStep'))
    )
      return { state: 'healthy', message: 'Rollout paused at a canary step (CanaryPauseStep)' };
  }
  return { state: 'progressing', message: `Rollout ${phase || 'pending'}${message}` };
}

/**
 * Any other kind, by kstatus rules (sigs.k8s.io/cli-utils/pkg/kstatus): a status whose observedGeneration
 * (or its Ready condition's) lags the generation is unknown; `Stalled` True is a failure; `Reconciling`
 * True is in progress; training and batch kinds are read by batchWorkloadHealth, Gateway API routes,
 * InferencePools and Gateways by gatewayApiHealth; then a `Ready` (else
 * `Available`) condition decides; without one the object is healthy.
 */
function customHealth(o: KubeObject, status: Obj | undefined): Health {
  if (!status) return { state: 'healthy', message: 'no status' };
  const stale = staleness(o, status, false);
  if (stale) return stale;
  const stalled = find(status, 'Stalled');
  if (isTrue(stalled)) return { state: 'unhealthy', message: withMessage('Stalled', stalled) };
  const reconciling = find(status, 'Reconciling');
  if (isTrue(reconciling)) return { state: 'progressing', message: withMessage('Reconciling', reconciling) };
  // Training and batch kinds, which report no Ready condition (batchWorkloadHealth).
  const batch = batchWorkloadHealth(o, status);
  if (batch) return batch;
  // Routes, InferencePools and Gateways report per parent and listener (gatewayApiHealth).
  const gateway = gatewayApiHealth(o, status);
  if (gateway) return gateway;
  const ready = find(status, 'Ready') ?? find(status, 'Available');
  if (!ready) return { state: 'healthy', message: 'no Ready condition' };
  const conditionGeneration = toNumber(ready.observedGeneration);
  if (conditionGeneration !== undefined && conditionGeneration < generationOf(o))
    return {
      state: 'unknown',
      message: `${ready.type} describes generation ${conditionGeneration}, not the applied generation ${generationOf(o)}`,
    };
  if (isTrue(ready)) return { state: 'healthy', message: ready.type ?? 'Ready' };
  if (isFalse(ready) && /Fail|Error/i.test(ready.reason ?? '')) {
    return { state: 'unhealthy', message: withMessage(`${ready.type} False`, ready) };
  }
  return { state: 'progressing', message: withMessage(`waiting for ${ready.type}`, ready) };
}

/**
 * An object's health after an apply, from its status alone. Pure. Healthy only when the status describes
 * the applied generation and its readiness for that generation holds; stale status is `unknown`.
 */
export function healthOf(o: KubeObject): Health {
  const status = (o.status ?? undefined) as Obj | undefined;
  const group = o.apiVersion.includes('/') ? o.apiVersion.split('/')[0] : '';
  if (group === 'apps' && o.kind === 'Deployment') return deploymentHealth(o, status ?? {});
  if (group === 'apps' && o.kind === 'StatefulSet') return statefulSetHealth(o, status ?? {});
  if (group === 'apps' && o.kind === 'DaemonSet') return daemonSetHealth(o, status ?? {});
  if (group === 'batch' && o.kind === 'Job') return jobHealth(status ?? {});
  if (group === '' && o.kind === 'PersistentVolumeClaim') return pvcHealth(status ?? {});
  if (group === '' && o.kind === 'Pod') return podHealth(o, status ?? {});
  if (group === 'serving.kserve.io' && o.kind === 'InferenceService')
    return inferenceServiceHealth(o, status ?? {});
  if (group === 'argoproj.io' && o.kind === 'Rollout') return rolloutHealth(o, status ?? {});
  return customHealth(o, status);
}

/** Kinds whose health the agent waits for (others are healthy on apply). */
export function hasHealthSemantics(apiVersion: string, kind: string): boolean {
  const group = apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
  if (group === '') return kind === 'PersistentVolumeClaim' || kind === 'Pod';
  if (kind === 'CustomResourceDefinition' || kind.endsWith('Role') || kind.endsWith('Binding')) return false;
  return true;
}
