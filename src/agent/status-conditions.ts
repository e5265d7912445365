/** A status or other untyped map of an object the agent reads. */
export type Obj = Record<string, unknown>;

/** One entry of a `conditions` list, as controllers write them (metav1.Condition and older shapes). */
export interface Condition {
  type?: string;
  status?: string;
  reason?: string;
  message?: string;
  observedGeneration?: number | string;
}

/** `value` as a list of conditions ([] when it is not a list): a status's `conditions`, a parent's. */
export function conditionsIn(value: unknown): Condition[] {
  return Array.isArray(value) ? (value as Condition[]) : [];
}

/** The status's `conditions`. */
export function conditionsOf(status: Obj): Condition[] {
  return conditionsIn(status.conditions);
}
