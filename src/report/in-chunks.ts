/**
 * Text pieces joined into strings of at least `size` characters (the last may be shorter), for writes
 * of ~64 KiB: a large output (a report, a render-cache entry) is never one string and one buffer of its
 * whole size, fresh memory the system hands over page by page, nor thousands of tiny writes.
 */
export function* inChunks(pieces: Iterable<string>, size = 1 << 16): Generator<string> {
  let pending = '';
  for (const piece of pieces) {
    pending += piece;
    if (pending.length >= size) {
      yield pending;
      pending = '';
    }
  }
  if (pending !== '') yield pending;
}
