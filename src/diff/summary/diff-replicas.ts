import { formatTransition } from './format-transition.ts';
import type { PodSpecView } from './pod-specs-of.ts';
import { readText } from './read-path.ts';

/** Kinds whose `spec.replicas` defaults to 1 (Kubernetes API defaults; Argo Rollouts follows them). */
const DEFAULTS_TO_ONE = new Set([
  'Deployment',
  'StatefulSet',
  'ReplicaSet',
  'ReplicationController',
  'Rollout',
]);

/**
 * Replica facts for one pod spec's owner: `replicas 3 → 5`, Job `parallelism`/`completions`, and
 * autoscaling bounds written on the workload itself (KServe components, Ray worker groups):
 * `autoscaling 1–3 → 2–10`. With no `before`, describes `after`.
 */
export function diffReplicas(opts: { kind: string; before?: PodSpecView; after?: PodSpecView }): string[] {
  const { kind, before, after } = opts;
  const facts: string[] = [];
  const replicasDefault = DEFAULTS_TO_ONE.has(kind) ? '1' : undefined;
  const fields: [string, string | undefined][] = [
    ['replicas', replicasDefault],
    ['parallelism', kind === 'Job' || kind === 'CronJob' ? '1' : undefined],
    ['completions', undefined],
  ];
  for (const [field, fallback] of fields) {
    const x = before ? (readText(before.holder, field) ?? fallback) : undefined;
    const y = after ? (readText(after.holder, field) ?? fallback) : undefined;
    if (!before && y !== undefined && (field !== 'parallelism' || y !== '1')) facts.push(`${field} ${y}`);
    else if (before && after && x !== y) facts.push(`${field} ${formatTransition(x ?? 'unset', y, 'unset')}`);
  }
  const x = before ? bounds(before) : undefined;
  const y = after ? bounds(after) : undefined;
  if (!before && y) facts.push(`autoscaling ${y}`);
  else if (before && after && x !== y) facts.push(`autoscaling ${formatTransition(x, y, 'off')}`);
  return facts;
}

/** `1–3` from min/maxReplicas on the holder; KServe's default minimum is 1, an unset maximum is ∞. */
function bounds(view: PodSpecView): string | undefined {
  const min = readText(view.holder, 'minReplicas');
  const max = readText(view.holder, 'maxReplicas');
  if (min === undefined && max === undefined) return undefined;
  return `${min ?? '1'}–${max === undefined || max === '0' ? '∞' : max}`;
}
