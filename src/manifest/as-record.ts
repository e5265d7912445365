/**
 * Narrowing readers for parsed YAML: manifests are untrusted data, so rules never assume a shape.
 * Each returns `undefined` (or an empty array) where the value is not what a well-formed object holds.
 */
import { setOwn } from './set-own.ts';

export type FieldPath = readonly (string | number)[];

/** A plain mapping, or undefined for scalars, arrays and null. */
export function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/** A sequence, or an empty array for anything else. */
export function asArray(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value : [];
}

/** A string, or undefined. */
export function asString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** The value at `path` inside `value`, or undefined when any step is missing or of the wrong kind. */
export function valueAt(value: unknown, path: FieldPath): unknown {
  let current: unknown = value;
  for (const step of path) {
    if (typeof step === 'number') {
      if (!Array.isArray(current)) return undefined;
      current = current[step];
    } else {
      const record = asRecord(current);
      if (!record || !Object.hasOwn(record, step)) return undefined;
      current = record[step];
    }
  }
  return current;
}

/** The mapping at `path`, or undefined. */
export function recordAt(value: unknown, path: FieldPath): Record<string, unknown> | undefined {
  return asRecord(valueAt(value, path));
}

/** A string-to-string map (labels, annotations, selectors); non-string values are dropped. */
export function asStringMap(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  const record = asRecord(value);
  // Own enumerable keys in the order Object.entries gives them, without its pairs (every pod spec pays).
  for (const key in record) {
    if (!Object.hasOwn(record, key)) continue;
    const v = record[key];
    if (typeof v === 'string') setOwn(out, key, v);
    else if (typeof v === 'number' || typeof v === 'boolean') setOwn(out, key, String(v));
  }
  return out;
}
