/** Not enough time left in this invocation to start another delivery: it waits for the next one. */
export class DeadlineError extends Error {
  override readonly name = 'DeadlineError';
}
