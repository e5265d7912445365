import { redactCredentials } from '../diff/redact-credentials.ts';

/** One line for a person: the error's message without stack or cause chain, or credentials in URLs. */
export function describeError(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return redactCredentials(message.split('\n')[0] ?? message);
}

/**
 * GitHub or the network failing in a way a later attempt may not (5xx, 429 rate limits, fetch
 * failures that Octokit reports as 500). Such errors are thrown so the delivery is retried; any
 * other error becomes a finding on the pull request.
 */
export function isRetryable(err: unknown): boolean {
  const status = (err as { status?: unknown }).status;
  return typeof status === 'number' && (status >= 500 || status === 429);
}
