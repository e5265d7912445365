/** A user mistake on the command line or in a path: printed as one line, exit 2, no stack. */
export class UsageError extends Error {
  override name = 'UsageError';
}
