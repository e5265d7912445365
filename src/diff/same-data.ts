/** Deeper than any manifest the parsers accept: past it (or in an alias cycle) the answer is "not known". */
const MAX_DEPTH = 256;

/**
 * Whether two parsed documents hold the same data: the same keys in the same order, equal scalars
 * (`Object.is`: NaN equals NaN, 0 and -0 differ), arrays of the same length. True only when every
 * reader, the formatter included, sees the two as one; anything it cannot be sure of (a cycle from
 * YAML aliases in two distinct objects, a class instance, extreme depth) is false, and the caller
 * compares the long way.
 */
export function isSameData(a: unknown, b: unknown, depth = 0): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (depth >= MAX_DEPTH) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!isSameData(a[i], b[i], depth + 1)) return false;
    return true;
  }
  if (Array.isArray(b) || !isPlainRecord(a) || !isPlainRecord(b)) return false;
  const keys = Object.keys(a);
  const other = Object.keys(b);
  if (keys.length !== other.length) return false;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string;
    if (key !== other[i]) return false;
    if (!isSameData((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key], depth + 1))
      return false;
  }
  return true;
}

function isPlainRecord(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
