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

/**
 * `api-2` before `api-10`: digit runs compare as numbers, the rest by code unit; ties (`02` vs `2`)
 * by code unit. Locale-free, so the order is the same on every runtime; no allocation, since
 * sorting 10,000 changes calls it ~150,000 times.
 */
export function compareNatural(a: string, b: string): number {
  let i = 0;
  while (i < a.length && i < b.length && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  if (i === a.length || i === b.length) return a.length - b.length;
  // Back up to the start of the digit run the difference sits in, if any.
  let start = i;
  while (start > 0 && isDigit(a.charCodeAt(start - 1))) start--;
  if (!isDigit(a.charCodeAt(start)) || !isDigit(b.charCodeAt(start)))
    return a.charCodeAt(i) - b.charCodeAt(i);
  let endA = start;
  let endB = start;
  while (endA < a.length && isDigit(a.charCodeAt(endA))) endA++;
  while (endB < b.length && isDigit(b.charCodeAt(endB))) endB++;
  const x = a.slice(start, endA).replace(/^0+(?=\d)/, '');
  const y = b.slice(start, endB).replace(/^0+(?=\d)/, '');
  return (
    x.length - y.length ||
    compareStrings(x, y) ||
    compareNatural(a.slice(endA), b.slice(endB)) ||
    compareStrings(a, b)
  );
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

/** Removed first (riskiest kinds first), then added, changed, unchanged; then by identity. */
export function compareChanges(a: Change, b: Change): number {
  return (
    ACTION_ORDER[a.action] - ACTION_ORDER[b.action] ||
    (a.action === 'removed' ? riskRankOf(a.id.kind) - riskRankOf(b.id.kind) : 0) ||
    compareStrings(a.id.kind, b.id.kind) ||
    compareNatural(a.id.namespace, b.id.namespace) ||
    compareNatural(a.id.name, b.id.name) ||
    compareStrings(a.id.group, b.id.group)
  );
}
