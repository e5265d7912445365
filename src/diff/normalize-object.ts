import { setOwn } from '../manifest/set-own.ts';
import type { KubeObject } from '../types.ts';
import { childContext, type KeyContext, orderKeys } from './key-order.ts';

/**
 * Fields the API server owns: they differ between an export and a render without anything changing,
 * so they are noise in a review. Labels and annotations are real (including `helm.sh/chart`): kept.
 */
const SERVER_METADATA = [
  'managedFields',
  'resourceVersion',
  'uid',
  'generation',
  'creationTimestamp',
  'selfLink',
];

/** Annotations written by tools on the cluster side, never by the author. */
export const NOISE_ANNOTATIONS: readonly string[] = [
  // kubectl client-side apply keeps a full copy of the object here (for a Secret: its values).
  'kubectl.kubernetes.io/last-applied-configuration',
  // Set by the Deployment controller on every rollout.
  'deployment.kubernetes.io/revision',
];

/**
 * A copy of `obj` without server-owned noise (status, managedFields, resourceVersion, uid, generation,
 * creationTimestamp, selfLink, last-applied annotation), keys in the stable order of `orderKeys`;
 * arrays keep their order (it is meaningful). User data is never dropped: an empty map the author
 * wrote stays, only an `annotations` map emptied by this function goes.
 */
export function normalizeObject(obj: KubeObject): KubeObject {
  return orderedCopy(stripNoise(obj), 'root') as KubeObject;
}

/**
 * normalizeObject without the ordered deep copy: `obj` without status and server-owned metadata, as a
 * shallow copy sharing everything else with `obj`. For a printer that orders keys and marks alias
 * cycles itself (`formatYaml` with `circularAsText`), which then prints exactly what it prints for
 * normalizeObject's result, without a second copy of every object.
 */
export function stripNoise(obj: KubeObject): KubeObject {
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(obj)) {
    if (key === 'status') continue;
    const value = obj[key];
    setOwn(copy, key, key === 'metadata' && isMap(value) ? stripMetadata(value) : value);
  }
  return copy as KubeObject;
}

function stripMetadata(metadata: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(metadata)) {
    if (SERVER_METADATA.includes(key)) continue;
    const value = metadata[key];
    if (key === 'annotations' && isMap(value)) {
      const kept = Object.keys(value).filter((k) => !NOISE_ANNOTATIONS.includes(k));
      if (kept.length === Object.keys(value).length) setOwn(out, key, value);
      else if (kept.length > 0) setOwn(out, key, Object.fromEntries(kept.map((k) => [k, value[k]])));
      continue;
    }
    setOwn(out, key, value);
  }
  return out;
}

/**
 * YAML aliases can build a cycle (`data: &x {b: *x}` parses to an object that contains itself);
 * printing one would never end, so the repeat is shown as this marker.
 */
export const CIRCULAR = '<circular alias>';

function orderedCopy(value: unknown, context: KeyContext, ancestors: Set<object> = new Set()): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (ancestors.has(value)) return CIRCULAR;
  ancestors.add(value);
  let out: unknown;
  if (Array.isArray(value)) out = value.map((item) => orderedCopy(item, 'item', ancestors));
  else {
    const map = value as Record<string, unknown>;
    const copy: Record<string, unknown> = {};
    for (const key of orderKeys(Object.keys(map), context))
      setOwn(copy, key, orderedCopy(map[key], childContext(key), ancestors));
    out = copy;
  }
  ancestors.delete(value);
  return out;
}

function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
