/** Tails of the chains of work per key; an entry lives only while work for its key is queued. */
const tails = new Map<string, Promise<unknown>>();

/**
 * Runs `work` after every earlier `runExclusive` call with the same key has settled, in this
 * process. Two deliveries of one comment arriving at once (a redelivery racing the original, or
 * GitHub sending twice) are handled one after the other, so the second sees the first's record.
 */
export async function runExclusive<T>(key: string, work: () => Promise<T>): Promise<T> {
  const previous = tails.get(key) ?? Promise.resolve();
  const current = previous.then(work, work);
  const tail = current.then(
    () => undefined,
    () => undefined,
  );
  tails.set(key, tail);
  try {
    return await current;
  } finally {
    if (tails.get(key) === tail) tails.delete(key);
  }
}
