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

/** A path segment: a map key, or an element of an associative list picked by its key fields. */
export type PathSegment = string | { match: Record<string, unknown> };

/**
 * Leaf paths a manager's Apply entry owns, from `metadata.managedFields[].fieldsV1`: `f:` keys are map
 * fields, `k:{...}` keys are associative-list elements (containers by name, ports by port and protocol);
 * sets (`v:`) and positional items (`i:`) end the path at the list.
 */
export function listOwnedPaths(live: KubeObject, manager: string): PathSegment[][] | undefined {
  const entries = ((live.metadata as Obj | undefined)?.managedFields ?? []) as Obj[];
  const entry = entries.find((e) => e.manager === manager && e.operation === 'Apply' && !e.subresource);
  if (!entry || !isMap(entry.fieldsV1)) return undefined;
  const out: PathSegment[][] = [];
  const walk = (node: Obj, prefix: PathSegment[]) => {
    const keys = Object.keys(node);
    const fields = keys.filter((k) => k.startsWith('f:'));
    const items = keys.filter((k) => k.startsWith('k:'));
    if (
      keys.some((k) => k.startsWith('v:') || k.startsWith('i:')) ||
      (fields.length === 0 && items.length === 0)
    ) {
      if (prefix.length > 0) out.push(prefix);
      return;
    }
    for (const k of fields) walk(isMap(node[k]) ? (node[k] as Obj) : {}, [...prefix, k.slice(2)]);
    for (const k of items) {
      let match: Record<string, unknown>;
      try {
        match = JSON.parse(k.slice(2)) as Record<string, unknown>;
      } catch (err) {
        // Not a key we can read: judge the list as a whole.
        void err;
        out.push(prefix);
        continue;
      }
      walk(isMap(node[k]) ? (node[k] as Obj) : {}, [...prefix, { match }]);
    }
  };
  walk(entry.fieldsV1, []);
  return out;
}

/** An element matches when its key fields agree (a key Git leaves to a server default, e.g. protocol, is not compared). */
function pick(list: unknown, match: Record<string, unknown>): unknown {
  if (!Array.isArray(list)) return undefined;
  return list.find(
    (e) => isMap(e) && Object.entries(match).every(([k, v]) => e[k] === undefined || e[k] === v),
  );
}

function valueAt(object: unknown, path: readonly PathSegment[]): unknown {
  let cur = object;
  for (const segment of path) {
    if (typeof segment === 'string') {
      if (!isMap(cur)) return undefined;
      cur = cur[segment];
    } else {
      cur = pick(cur, segment.match);
    }
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
