/** Small readers for untyped manifest data: a wrong type reads as absent, never as a crash. */

export type Obj = Record<string, unknown>;

export function isObj(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The value at `path`, or undefined when any step is missing or not a map/list. */
export function readPath(value: unknown, ...path: (string | number)[]): unknown {
  let node = value;
  for (const step of path) {
    if (typeof step === 'number') node = Array.isArray(node) ? node[step] : undefined;
    else node = isObj(node) ? node[step] : undefined;
    if (node === undefined) return undefined;
  }
  return node;
}

export function readObj(value: unknown, ...path: (string | number)[]): Obj | undefined {
  const node = readPath(value, ...path);
  return isObj(node) ? node : undefined;
}

export function readList(value: unknown, ...path: (string | number)[]): unknown[] {
  const node = readPath(value, ...path);
  return Array.isArray(node) ? node : [];
}

/** A scalar as text (numbers too: `replicas: 3` and `"3"` read the same); undefined otherwise. */
export function readText(value: unknown, ...path: (string | number)[]): string | undefined {
  const node = readPath(value, ...path);
  if (typeof node === 'string') return node;
  if (typeof node === 'number' || typeof node === 'boolean') return String(node);
  return undefined;
}

/** Structural equality of plain data (key order ignored); past `depth` levels (an alias cycle) unequal. */
export function isSameData(a: unknown, b: unknown, depth = 64): boolean {
  if (a === b) return true;
  if (depth <= 0) return false;
  if (Array.isArray(a)) {
    return Array.isArray(b) && a.length === b.length && a.every((x, i) => isSameData(x, b[i], depth - 1));
  }
  if (isObj(a) && isObj(b)) {
    const keys = Object.keys(a);
    return (
      keys.length === Object.keys(b).length && keys.every((k) => k in b && isSameData(a[k], b[k], depth - 1))
    );
  }
  return false;
}

/**
 * True when nothing could tell `a` from `b`: plain objects with the same keys in the same order, arrays
 * with the same items (and holes), other values only when `===` (so NaN never: `isSameData` calls it
 * changed). Stricter than `isSameData` (key order counts: the summary lists some facts in key order), so
 * anything computed from `a` equals what `b` gives, and `isSameData(a, b)` holds. Past `depth` levels (an
 * alias cycle) not known to be the same: false.
 */
export function isIndistinguishable(a: unknown, b: unknown, depth = 64): boolean {
  if (a === b) return true;
  if (depth <= 0 || typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  const proto: unknown = Object.getPrototypeOf(a);
  if (proto !== Object.getPrototypeOf(b)) return false;
  if (proto === Array.prototype) {
    const x = a as unknown[];
    const y = b as unknown[];
    if (x.length !== y.length) return false;
    for (let i = 0; i < x.length; i++) {
      const v = x[i];
      if (v === undefined && i in x !== i in y) return false;
      if (!isIndistinguishable(v, y[i], depth - 1)) return false;
    }
    return true;
  }
  if (proto !== Object.prototype && proto !== null) return false;
  const x = a as Obj;
  const y = b as Obj;
  const keys = Object.keys(x);
  const other = Object.keys(y);
  if (keys.length !== other.length) return false;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string;
    if (key !== other[i] || !isIndistinguishable(x[key], y[key], depth - 1)) return false;
  }
  return true;
}
