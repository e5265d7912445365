/**
 * The one key order every normalised object and every formatted YAML uses, so the same
 * object always prints the same text and diffs show only real changes.
 *
 * - top level: apiVersion, kind, metadata, spec, data, stringData, then the rest sorted;
 * - any `metadata`: name, namespace, labels, annotations, then the rest sorted;
 * - a map inside a list (containers, env, ports): `name` first, so every hunk shows whose line it is;
 * - every other map: sorted.
 */
export type KeyContext = 'root' | 'metadata' | 'item' | 'map';

const ROOT_FIRST = ['apiVersion', 'kind', 'metadata', 'spec', 'data', 'stringData'];
const METADATA_FIRST = ['name', 'namespace', 'labels', 'annotations'];
const ITEM_FIRST = ['name'];

const FIRST: Readonly<Record<KeyContext, readonly string[]>> = {
  root: ROOT_FIRST,
  metadata: METADATA_FIRST,
  item: ITEM_FIRST,
  map: [],
};

export function orderKeys(keys: readonly string[], context: KeyContext): string[] {
  // The default sort compares UTF-16 code units: deterministic on every runtime, unlike locale-aware
  // comparison (and faster than a comparator).
  const sorted = keys.slice().sort();
  const first = FIRST[context];
  if (first.length === 0) return sorted;
  const head = first.filter((k) => sorted.includes(k));
  if (head.length === 0) return sorted;
  return [...head, ...sorted.filter((k) => !head.includes(k))];
}

/** The context of a map found under `key` of a map in `parent` context. */
export function childContext(key: string): KeyContext {
  return key === 'metadata' ? 'metadata' : 'map';
}
