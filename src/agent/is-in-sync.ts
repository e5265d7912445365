import type { KubeObject } from '../types.ts';
import { REVISION_ANNOTATION } from './labels.ts';

type Obj = Record<string, unknown>;

function isMap(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Every field `desired` sets has the same value in `live` (server defaults in `live` are ignored). */
export function isSubset(desired: unknown, live: unknown): boolean {
  if (isMap(desired)) {
    if (!isMap(live)) return false;
    return Object.entries(desired).every(([k, v]) => isSubset(v, live[k]));
  }
  if (Array.isArray(desired)) {
    return (
      Array.isArray(live) && live.length === desired.length && desired.every((v, i) => isSubset(v, live[i]))
    );
  }
  return desired === live;
}

/**
 * Leaf paths a manager's Apply entry owns, from `metadata.managedFields[].fieldsV1`. List items
 * (`k:`, `v:`, `i:` keys) end the path: the list as a whole is what Git sets.
 */
export function listOwnedPaths(live: KubeObject, manager: string): string[][] | undefined {
  const entries = ((live.metadata as Obj | undefined)?.managedFields ?? []) as Obj[];
  const entry = entries.find((e) => e.manager === manager && e.operation === 'Apply' && !e.subresource);
  if (!entry || !isMap(entry.fieldsV1)) return undefined;
  const out: string[][] = [];
  const walk = (node: Obj, prefix: string[]) => {
    const fields = Object.keys(node).filter((k) => k.startsWith('f:'));
    const items = Object.keys(node).some((k) => /^[kvi]:/.test(k));
    if (fields.length === 0 || items) {
      if (prefix.length > 0) out.push(prefix);
      return;
    }
    for (const k of fields) walk(isMap(node[k]) ? (node[k] as Obj) : {}, [...prefix, k.slice(2)]);
  };
  walk(entry.fieldsV1, []);
  return out;
}

function valueAt(object: unknown, path: readonly string[]): unknown {
  let cur = object;
  for (const key of path) {
    if (!isMap(cur)) return undefined;
    cur = cur[key];
  }
  return cur;
}

/** The fields drift is judged on: spec-like content plus labels and annotations, without the revision mark. */
function comparable(object: KubeObject): Obj {
  const { apiVersion: _a, kind: _k, metadata, status: _s, ...rest } = object;
  const m = (metadata ?? {}) as Obj;
  const annotations = { ...((m.annotations ?? {}) as Obj) };
  delete annotations[REVISION_ANNOTATION];
  const meta: Obj = {};
  if (m.labels) meta.labels = m.labels;
  if (Object.keys(annotations).length > 0) meta.annotations = annotations;
  return { ...rest, metadata: meta };
}

/**
 * Whether applying `desired` would change nothing: every field Git sets has its value in the cluster,
 * and the agent owns no field Git has dropped (server-side apply would remove it). Pure.
 */
export function isInSync(desired: KubeObject, live: KubeObject | undefined, manager: string): boolean {
  if (!live) return false;
  const wanted = comparable(desired);
  if (!isSubset(wanted, live)) return false;
  const owned = listOwnedPaths(live, manager);
  if (!owned) return false;
  return owned.every(
    (path) =>
      (path[0] === 'metadata' && path[1] === 'annotations' && path[2] === REVISION_ANNOTATION) ||
      valueAt(wanted, path) !== undefined,
  );
}
