import { redactCredentials } from '../diff/redact-credentials.ts';

/** One line for a person: the error's message without stack or cause chain, or credentials in URLs. */
export function describeError(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return redactCredentials(message.split('\n')[0] ?? message);
}

/**
 * GitHub or the network failing in a way a later attempt may not (5xx, fetch failures that Octokit
 * reports as 500, and rate limits). Such errors are thrown so the delivery is retried; any other
 * error becomes a finding on the pull request.
 *
 * Rate limits are not only 429: GitHub answers an exhausted primary limit 403 with
 * `x-ratelimit-remaining: 0`, and a secondary limit 403 with `retry-after` and "You have exceeded a
 * secondary rate limit" (https://docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api#exceeding-the-rate-limit).
 * Probot's client does not retry a secondary limit itself, so the 403 reaches the flows.
 */
export function isRetryable(err: unknown): boolean {
  const { status, message, response } = (err ?? {}) as {
    status?: unknown;
    message?: unknown;
    response?: { headers?: Record<string, unknown> };
  };
  if (typeof status !== 'number') return false;
  if (status >= 500 || status === 429) return true;
  return status === 403 && isRateLimited({ message, headers: response?.headers ?? {} });
}

function isRateLimited(opts: { message: unknown; headers: Record<string, unknown> }): boolean {
  const { headers } = opts;
  if (headers['retry-after'] !== undefined || String(headers['x-ratelimit-remaining']) === '0') return true;
  return (
    typeof opts.message === 'string' && /\b(secondary rate limit|rate limit exceeded)\b/i.test(opts.message)
  );
}
