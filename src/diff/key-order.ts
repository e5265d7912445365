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

/**
 * `orderKeys`, remembered per context and key list: a target's objects repeat a few key lists
 * (every container, every `metadata`), so each is sorted once. The result is shared: never mutate it.
 * A trie of the keys in the order given finds it without joining them into one string (keys can hold
 * any character, so no separator is safe).
 */
export function orderKeysCached(keys: readonly string[], context: KeyContext): readonly string[] {
  let node = orderTries[context];
  for (const key of keys) {
    let next = node.next?.get(key);
    if (next === undefined) {
      if (orderNodes >= MAX_ORDER_NODES) clearOrderTries();
      if (node.next === undefined) node.next = new Map();
      next = { next: undefined, order: undefined };
      node.next.set(key, next);
      orderNodes++;
    }
    node = next;
  }
  if (node.order === undefined) node.order = orderKeys(keys, context);
  return node.order;
}

interface OrderNode {
  next: Map<string, OrderNode> | undefined;
  order: readonly string[] | undefined;
}

function newOrderTries(): Record<KeyContext, OrderNode> {
  const node = (): OrderNode => ({ next: undefined, order: undefined });
  return { root: node(), metadata: node(), item: node(), map: node() };
}

let orderTries = newOrderTries();
let orderNodes = 0;
// Bounds the memory a long-lived process (the App) spends on key lists seen once (annotation maps).
const MAX_ORDER_NODES = 50_000;

function clearOrderTries(): void {
  orderTries = newOrderTries();
  orderNodes = 0;
}
