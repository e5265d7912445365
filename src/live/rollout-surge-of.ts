import { asArray, asRecord, asString, recordAt } from '../manifest/as-record.ts';
import { groupOf } from '../manifest/resource-id.ts';
import type { KubeObject } from '../types.ts';

/** Pods of one pod spec the workload runs, and the accelerators each asks for. */
export interface PodGroup {
  /** The pod spec's label among the workload's others ('' when alone; `predictor`, `Worker`, `leader`). */
  label: string;
  pods: number;
  perPod: number;
}

/** Extra pods that run during a rollout of a changed pod template, beside the new steady set. */
export interface SurgePods extends PodGroup {
  /** Why, in a few words: `maxSurge 25%`, `blue-green preview`, `previous revision`. */
  why: string;
}

/**
 * `maxSurge`/`maxUnavailable` as Kubernetes reads them (apimachinery `intstr.GetScaledValueFromIntOrPercent`):
 * an integer as is, a percentage of `total`, rounded up for a surge.
 */
export function scaledSurge(value: unknown, total: number): number {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return value;
  const match = typeof value === 'string' ? /^(\d+)%$/.exec(value) : null;
  return match ? Math.ceil((Number(match[1]) * total) / 100) : 0;
}

/**
 * The pods beside the new set while a changed pod template rolls out, per kind. Only a rollout needs
 * them: a pure scale-up adds pods without replacing any. `head` and `base` pod groups pair by label.
 */
export function rolloutSurgeOf(opts: {
  object: KubeObject;
  groups: readonly PodGroup[];
  baseGroups: readonly PodGroup[];
}): SurgePods[] {
  const { object, groups, baseGroups } = opts;
  const key = `${groupOf(object.apiVersion)}/${object.kind}`;
  const spec = asRecord(object.spec) ?? {};
  const previous = (why: string): SurgePods[] => baseGroups.map((g) => ({ ...g, why }));
  const each = (pods: (g: PodGroup) => number, why: string): SurgePods[] =>
    groups.map((g) => ({ ...g, pods: pods(g), why })).filter((g) => g.pods > 0);
  switch (key) {
    case 'apps/Deployment':
    case 'extensions/Deployment':
    case 'serving.kserve.io/LLMInferenceService':
      return deploymentSurge(recordAt(spec, ['strategy']), groups);
    case 'argoproj.io/Rollout':
      return rolloutStrategySurge(spec, groups);
    case 'leaderworkerset.x-k8s.io/LeaderWorkerSet': {
      // LeaderWorkerSet rolls whole groups; `rolloutStrategy.rollingUpdateConfiguration.maxSurge`
      // (default 0) extra groups of `size` pods (LWS API reference, RollingUpdateConfiguration).
      const config = recordAt(spec, ['rolloutStrategy', 'rollingUpdateConfiguration']);
      const replicas = intOf(spec.replicas) ?? 1;
      const extraGroups = scaledSurge(config?.maxSurge ?? 0, replicas);
      return each(
        (g) => (replicas > 0 ? (g.pods / replicas) * extraGroups : 0),
        `maxSurge ${String(config?.maxSurge ?? 0)}`,
      );
    }
    case 'serving.kserve.io/InferenceService': {
      // Raw deployment mode rolls a Deployment (25% surge). Serverless mode (Knative) starts a new
      // revision beside the old one and moves traffic when it is ready; with `canaryTrafficPercent` both
      // revisions serve (KServe docs, "Canary Rollout"): the previous revision's pods keep their devices.
      const mode = asString(
        recordAt(object, ['metadata', 'annotations'])?.['serving.kserve.io/deploymentMode'],
      );
      if (mode === 'RawDeployment' || mode === 'Standard') return deploymentSurge(undefined, groups);
      return previous('previous revision');
    }
    case 'serving.knative.dev/Service':
      // Knative keeps the old revision serving until the new one is ready (Knative docs, "Revisions").
      return previous('previous revision');
    case 'ray.io/RayService':
      // A zero-downtime upgrade starts a whole new RayCluster beside the old (KubeRay docs, RayService).
      return previous('previous RayCluster');
    default:
      // StatefulSet: pods are replaced one at a time, in place, no surge (Kubernetes docs, "StatefulSets:
      // Rolling Updates"). ReplicaSet, Pod, Jobs, CronJobs, training jobs, RayCluster, Volcano: a changed
      // template does not roll pods beside the old ones (Job templates are immutable).
      return [];
  }
}

/**
 * Deployment: `Recreate` stops the old pods first (no surge); `RollingUpdate` (the default) runs up to
 * `maxSurge` extra pods, default 25%, a percentage of `replicas` rounded up (Kubernetes docs,
 * "Deployments: Max Surge").
 */
function deploymentSurge(
  strategy: Record<string, unknown> | undefined,
  groups: readonly PodGroup[],
): SurgePods[] {
  if (strategy?.type === 'Recreate') return [];
  const maxSurge = recordAt(strategy, ['rollingUpdate'])?.maxSurge ?? '25%';
  return groups
    .map((g) => ({ ...g, pods: scaledSurge(maxSurge, g.pods), why: `maxSurge ${String(maxSurge)}` }))
    .filter((g) => g.pods > 0);
}

/**
 * Argo Rollouts (docs: "Canary", "BlueGreen", "Traffic Management", "Dynamic Stable Scale"):
 * - blueGreen: the new ReplicaSet comes up in full (`previewReplicaCount` when set) beside the active one;
 * - canary with `trafficRouting`: the stable ReplicaSet stays at 100% while the canary grows, and the
 *   canary reaches 100% before the stable scales down (after `scaleDownDelaySeconds`): a full second
 *   set, whatever the `setCanaryScale` steps say earlier; with `dynamicStableScale` the stable shrinks as
 *   the canary's weight grows, so only rounding adds pods (ceil(w·n) + ceil((1-w)·n) - n per step);
 * - canary without traffic routing: weights are approximated with pod counts within `maxSurge`
 *   (default 25%, rounded up) above `replicas`.
 */
function rolloutStrategySurge(spec: Record<string, unknown>, groups: readonly PodGroup[]): SurgePods[] {
  const blueGreen = recordAt(spec, ['strategy', 'blueGreen']);
  if (blueGreen) {
    const preview = intOf(blueGreen.previewReplicaCount);
    return groups
      .map((g) => ({ ...g, pods: preview ?? g.pods, why: 'blue-green preview' }))
      .filter((g) => g.pods > 0);
  }
  const canary = recordAt(spec, ['strategy', 'canary']) ?? {};
  if (canary.trafficRouting !== undefined && canary.trafficRouting !== null) {
    if (canary.dynamicStableScale !== true) {
      return groups.map((g) => ({ ...g, why: 'canary at 100% beside the stable' })).filter((g) => g.pods > 0);
    }
    const weights = asArray(canary.steps).flatMap((step) => {
      const w = Number(asRecord(step)?.setWeight);
      return Number.isFinite(w) && w >= 0 && w <= 100 ? [w] : [];
    });
    return groups
      .map((g) => {
        const extra = Math.max(
          0,
          ...weights.map(
            (w) => Math.ceil((w * g.pods) / 100) + Math.ceil(((100 - w) * g.pods) / 100) - g.pods,
          ),
        );
        return { ...g, pods: extra, why: 'canary rounding (dynamicStableScale)' };
      })
      .filter((g) => g.pods > 0);
  }
  const maxSurge = canary.maxSurge ?? '25%';
  return groups
    .map((g) => ({ ...g, pods: scaledSurge(maxSurge, g.pods), why: `canary maxSurge ${String(maxSurge)}` }))
    .filter((g) => g.pods > 0);
}

/** A whole non-negative number (or its decimal text), else undefined. */
export function intOf(value: unknown): number | undefined {
  const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  return typeof n === 'number' && Number.isInteger(n) && n >= 0 ? n : undefined;
}
