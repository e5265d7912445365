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
 * by code unit. Locale-free, so the order is the same on every runtime; no allocation (it works on
 * offsets, not slices), since sorting 10,000 changes calls it ~150,000 times.
 */
export function compareNatural(a: string, b: string): number {
  return compareNaturalFrom(a, 0, b, 0);
}

/** compareNatural of `a` from offset `a0` and `b` from `b0`. */
function compareNaturalFrom(a: string, a0: number, b: string, b0: number): number {
  const lengthA = a.length - a0;
  const lengthB = b.length - b0;
  let i = 0;
  while (i < lengthA && i < lengthB && a.charCodeAt(a0 + i) === b.charCodeAt(b0 + i)) i++;
  if (i === lengthA || i === lengthB) return lengthA - lengthB;
  // Back up to the start of the digit run the difference sits in, if any.
  let start = i;
  while (start > 0 && isDigit(a.charCodeAt(a0 + start - 1))) start--;
  if (!isDigit(a.charCodeAt(a0 + start)) || !isDigit(b.charCodeAt(b0 + start)))
    return a.charCodeAt(a0 + i) - b.charCodeAt(b0 + i);
  let endA = a0 + start;
  let endB = b0 + start;
  while (endA < a.length && isDigit(a.charCodeAt(endA))) endA++;
  while (endB < b.length && isDigit(b.charCodeAt(endB))) endB++;
  // The runs without leading zeros (one digit kept): longer is larger, else the first digit that differs.
  let x = a0 + start;
  let y = b0 + start;
  while (x < endA - 1 && a.charCodeAt(x) === ZERO) x++;
  while (y < endB - 1 && b.charCodeAt(y) === ZERO) y++;
  if (endA - x !== endB - y) return endA - x - (endB - y);
  for (; x < endA; x++, y++) {
    const d = a.charCodeAt(x) - b.charCodeAt(y);
    if (d !== 0) return d;
  }
  return compareNaturalFrom(a, endA, b, endB) || compareFrom(a, a0, b, b0);
}

const ZERO = 48;

/** Code-unit order of `a` from `a0` and `b` from `b0`. */
function compareFrom(a: string, a0: number, b: string, b0: number): number {
  for (; a0 < a.length && b0 < b.length; a0++, b0++) {
    const d = a.charCodeAt(a0) - b.charCodeAt(b0);
    if (d !== 0) return d;
  }
  return a.length - a0 - (b.length - b0);
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
