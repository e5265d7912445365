import type { Action, Change } from '../types.ts';

/**
 * Kinds whose deletion hurts most, most dangerous first, with what the reviewer should know. Removing
 * a Namespace deletes everything in it; a PVC's volume goes with it under the default `Delete`
 * reclaim policy; deleting a CRD deletes every object of that kind (Kubernetes API semantics).
 */
export const RISKY_KINDS: readonly { kind: string; note: string }[] = [
  { kind: 'Namespace', note: 'deletes everything in it' },
  { kind: 'PersistentVolumeClaim', note: 'its data may be lost' },
  { kind: 'PersistentVolume', note: 'its data may be lost' },
  { kind: 'CustomResourceDefinition', note: 'deletes every object of this kind' },
  { kind: 'InferenceService', note: 'stops serving this model' },
  { kind: 'StatefulSet', note: 'stops its pods' },
  { kind: 'ClusterServingRuntime', note: 'models using it stop serving' },
  { kind: 'ServingRuntime', note: 'models using it stop serving' },
  { kind: 'Secret', note: 'pods that mount it fail to start' },
  { kind: 'Rollout', note: 'stops its pods' },
  { kind: 'Deployment', note: 'stops its pods' },
  { kind: 'DaemonSet', note: 'stops its pods' },
  { kind: 'Service', note: 'its clients lose the endpoint' },
];

const RISK_RANK = new Map(RISKY_KINDS.map((r, i) => [r.kind, i]));
const RISK_NOTE = new Map(RISKY_KINDS.map((r) => [r.kind, r.note]));

/** Lower is riskier; kinds not listed share the last rank. */
export function riskRankOf(kind: string): number {
  return RISK_RANK.get(kind) ?? RISKY_KINDS.length;
}

/** What deleting an object of this kind does, when it is worth saying. */
export function riskNoteOf(kind: string): string | undefined {
  return RISK_NOTE.get(kind);
}

const ACTION_ORDER: Readonly<Record<Action, number>> = { removed: 0, added: 1, changed: 2, unchanged: 3 };

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Removed first (riskiest kinds first), then added, changed, unchanged; then by identity. */
export function compareChanges(a: Change, b: Change): number {
  return (
    ACTION_ORDER[a.action] - ACTION_ORDER[b.action] ||
    (a.action === 'removed' ? riskRankOf(a.id.kind) - riskRankOf(b.id.kind) : 0) ||
    compareStrings(a.id.kind, b.id.kind) ||
    compareStrings(a.id.namespace, b.id.namespace) ||
    compareStrings(a.id.name, b.id.name) ||
    compareStrings(a.id.group, b.id.group)
  );
}
