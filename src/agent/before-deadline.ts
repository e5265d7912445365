/** What `beforeDeadline` answers when the deadline fires first. */
export const TIMED_OUT = Symbol('timed out');

/**
 * `work`, or TIMED_OUT once `deadline` fires first (the work's late result or error is dropped): the
 * requests themselves end on their own timeouts, the caller stops waiting now.
 */
export function beforeDeadline<T>(
  work: Promise<T>,
  deadline: AbortSignal | undefined,
): Promise<T | typeof TIMED_OUT> {
  if (!deadline) return work;
  if (deadline.aborted) {
    work.catch(() => undefined);
    return Promise.resolve(TIMED_OUT);
  }
  return new Promise((resolve, reject) => {
    const onAbort = () => resolve(TIMED_OUT);
    deadline.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        deadline.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (err: unknown) => {
        deadline.removeEventListener('abort', onAbort);
        reject(err);
      },
    );
  });
}
