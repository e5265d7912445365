import { setOwn } from './set-own.ts';

export interface ExpandLimits {
  /** Deepest nesting accepted; the root collection is depth 1. */
  maxDepth: number;
  /** Most objects, arrays and scalars in the expanded tree. */
  maxNodes: number;
}

export type ExpandResult = { value: unknown } | { exceeded: 'depth' | 'nodes' };

/**
 * yaml's `toJS` gives every alias the anchor's object itself: a DAG, not a tree. Consumers that mutate or
 * serialise it would either change two places at once or expand it unboundedly, and `maxAliasCount` bounds
 * the number of alias uses, not their size (100 aliases of a 1 MiB anchor pass it). Copy into a tree, within
 * limits on depth and expanded size.
 */
export function expandAliases(value: unknown, limits: ExpandLimits): ExpandResult {
  let nodes = 0;
  let exceeded: 'depth' | 'nodes' | undefined;
  const copy = (current: unknown, depth: number): unknown => {
    nodes++;
    if (nodes > limits.maxNodes) {
      exceeded ??= 'nodes';
      return null;
    }
    if (typeof current !== 'object' || current === null) return current;
    if (depth > limits.maxDepth) {
      exceeded ??= 'depth';
      return null;
    }
    if (Array.isArray(current)) {
      const out: unknown[] = new Array(current.length);
      for (let i = 0; i < current.length && !exceeded; i++) out[i] = copy(current[i], depth + 1);
      return out;
    }
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(current)) {
      if (exceeded) break;
      // setOwn keeps `__proto__` an own data property, as yaml's toJS did.
      setOwn(out, key, copy(item, depth + 1));
    }
    return out;
  };
  const result = copy(value, 1);
  return exceeded ? { exceeded } : { value: result };
}
