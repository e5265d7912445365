import { detachedString } from '../manifest/detached.ts';

/** Entries kept before a cache starts over: far more distinct strings than a target has images or keys. */
const MAX_ENTRIES = 10_000;

/**
 * `fn` with its result kept per argument. Rules judge the same few strings across thousands of
 * resources (an image in every replica of a workload, `app.kubernetes.io/name` in every object's
 * labels, the same env names), so each is judged once. Only for pure functions of their string.
 */
export function memoizeByString<T>(fn: (value: string) => T): (value: string) => T {
  const cache = new Map<string, T>();
  return (value) => {
    const hit = cache.get(value);
    if (hit !== undefined || cache.has(value)) return hit as T;
    const result = fn(value);
    if (cache.size >= MAX_ENTRIES) cache.clear();
    // The cache outlives the document the value was read from: keep a copy, not a view of its text.
    cache.set(detachedString(value), result);
    return result;
  };
}
