import { isAlias, isMap, isScalar, isSeq, type Node, type YAMLMap, type YAMLSeq } from 'yaml';
import { setOwn } from './set-own.ts';

export interface ParseNodeOptions {
  /** 1-based line of a source offset. */
  lineAt: (offset: number) => number;
  /** Deepest collection nesting accepted; the root collection is depth 1. */
  maxDepth: number;
}

export interface ParsedNode {
  /** Plain JSON-like data (objects, arrays, strings, numbers, booleans, null). */
  value: unknown;
  /** JSON pointer → 1-based line of the map key or sequence item, for every key and item. */
  pointers: Record<string, number>;
  /**
   * The node uses aliases, merge keys or collection keys: `value` is incomplete and the caller must take
   * the value from yaml's own `toJS` (which also enforces `maxAliasCount`). `pointers` are still complete.
   */
  needsToJS: boolean;
  /** Nesting went deeper than `maxDepth`; the walk stopped there and nothing else is meaningful. */
  tooDeep: boolean;
  /**
   * 1-based line of the first map or list used as a mapping key (`? [a, b]: c`, `{a: b}: c`). JSON has no
   * such keys: kubectl refuses the document, so the caller reports it rather than stringifying the key.
   */
  collectionKeyLine?: number;
}

/**
 * One walk over a composed YAML node that yields both the plain value and the line of every key and item.
 * It replaces yaml's `toJS` plus a second walk for positions; anything unusual (aliases, `<<`, non-scalar
 * keys) is flagged so the caller can defer to `toJS` for exact semantics.
 */
export function parseNode(node: Node | null | undefined, opts: ParseNodeOptions): ParsedNode {
  const walker = new NodeWalker(opts);
  const value = walker.walk(node, '', 1);
  return {
    value,
    pointers: walker.pointers,
    needsToJS: walker.needsToJS,
    tooDeep: walker.tooDeep,
    ...(walker.collectionKeyLine === undefined ? {} : { collectionKeyLine: walker.collectionKeyLine }),
  };
}

class NodeWalker {
  readonly pointers: Record<string, number> = {};
  needsToJS = false;
  tooDeep = false;
  collectionKeyLine: number | undefined;

  constructor(private readonly opts: ParseNodeOptions) {}

  walk(current: unknown, pointer: string, depth: number): unknown {
    if (isScalar(current)) {
      const value = current.value;
      // Only intAsBigInt would give bigints; toJS turns them into numbers, so do we.
      return typeof value === 'bigint' ? Number(value) : value;
    }
    if (isMap(current) || isSeq(current)) {
      if (depth > this.opts.maxDepth) {
        this.tooDeep = true;
        return null;
      }
      return isMap(current) ? this.walkMap(current, pointer, depth) : this.walkSeq(current, pointer, depth);
    }
    if (isAlias(current)) this.needsToJS = true;
    return null;
  }

  private walkMap(map: YAMLMap, pointer: string, depth: number): Record<string, unknown> | null {
    const out: Record<string, unknown> = {};
    for (const pair of map.items) {
      const key = pair.key as Node | null;
      const name = keyName(key);
      if (name === undefined) {
        if ((isMap(key) || isSeq(key)) && this.collectionKeyLine === undefined && key.range)
          this.collectionKeyLine = this.opts.lineAt(key.range[0]);
        // A merge key (a symbol) or a collection as key: yaml's toJS knows the rules.
        this.needsToJS = true;
        continue;
      }
      const child = `${pointer}/${escapeToken(name)}`;
      const start = key?.range?.[0] ?? (pair.value as Node | null)?.range?.[0];
      if (start !== undefined) this.pointers[child] = this.opts.lineAt(start);
      const value = this.walk(pair.value, child, depth + 1);
      if (this.tooDeep) return null;
      // As yaml's addPairToJSMap: `__proto__` becomes an own property.
      setOwn(out, name, value);
    }
    return out;
  }

  private walkSeq(seq: YAMLSeq, pointer: string, depth: number): unknown[] | null {
    const items = seq.items;
    const out: unknown[] = new Array(items.length);
    for (let i = 0; i < items.length; i++) {
      const item = items[i] as Node | null;
      const child = `${pointer}/${i}`;
      const start = item?.range?.[0];
      if (start !== undefined) this.pointers[child] = this.opts.lineAt(start);
      out[i] = this.walk(item, child, depth + 1);
      if (this.tooDeep) return null;
    }
    return out;
  }
}

/** A map key as JS object keys see it (yaml's stringifyKey for scalars); undefined for anything else. */
function keyName(key: Node | null): string | undefined {
  if (key === null) return '';
  if (!isScalar(key) || typeof key.value === 'symbol') return undefined;
  return key.value === null ? '' : String(key.value);
}

/** RFC 6901: `~` → `~0`, `/` → `~1` (label keys such as `app.kubernetes.io/name` contain slashes). */
function escapeToken(token: string): string {
  if (!token.includes('~') && !token.includes('/')) return token;
  return token.replaceAll('~', '~0').replaceAll('/', '~1');
}
