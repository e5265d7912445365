import type { KubeObject } from '../../types.ts';
import { formatTransition } from './format-transition.ts';
import { readText } from './read-path.ts';

/** An autoscaler's view of the workload it scales. */
export interface AutoscalerView {
  source: 'HPA' | 'KEDA';
  targetKind: string;
  targetName: string;
  bounds: string;
}

/**
 * HorizontalPodAutoscaler (`minReplicas` defaults to 1) or KEDA ScaledObject (`minReplicaCount`
 * defaults to 0, `maxReplicaCount` to 100, target kind to Deployment), per their API docs.
 */
export function autoscalerOf(obj: KubeObject | undefined): AutoscalerView | undefined {
  if (obj?.kind !== 'HorizontalPodAutoscaler' && obj?.kind !== 'ScaledObject') return undefined;
  const group = obj.apiVersion.split('/')[0];
  if (obj.kind === 'HorizontalPodAutoscaler' && group === 'autoscaling') {
    const targetKind = readText(obj, 'spec', 'scaleTargetRef', 'kind');
    const targetName = readText(obj, 'spec', 'scaleTargetRef', 'name');
    if (!targetKind || !targetName) return undefined;
    const min = readText(obj, 'spec', 'minReplicas') ?? '1';
    const max = readText(obj, 'spec', 'maxReplicas') ?? '?';
    return { source: 'HPA', targetKind, targetName, bounds: `${min}–${max}` };
  }
  if (obj.kind === 'ScaledObject' && group === 'keda.sh') {
    const targetName = readText(obj, 'spec', 'scaleTargetRef', 'name');
    if (!targetName) return undefined;
    const targetKind = readText(obj, 'spec', 'scaleTargetRef', 'kind') ?? 'Deployment';
    const min = readText(obj, 'spec', 'minReplicaCount') ?? '0';
    const max = readText(obj, 'spec', 'maxReplicaCount') ?? '100';
    return { source: 'KEDA', targetKind, targetName, bounds: `${min}–${max}` };
  }
  return undefined;
}

/** `autoscaling 1–3 → 2–10`, `autoscaling 2–10 (new HPA)`, `autoscaling removed (HPA)`. */
export function diffAutoscaler(
  before: AutoscalerView | undefined,
  after: AutoscalerView | undefined,
): string[] {
  if (!before && after) return [`autoscaling ${after.bounds} (new ${after.source})`];
  if (before && !after) return [`autoscaling removed (${before.source})`];
  if (before && after && before.bounds !== after.bounds) {
    return [`autoscaling ${formatTransition(before.bounds, after.bounds)}`];
  }
  return [];
}
