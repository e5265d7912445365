import { isRetryable } from './describe-error.ts';
import type { GitHubClient } from './flow-context.ts';

/**
 * The installation token could not be had: GitHub answered the App's
 * `POST /app/installations/{id}/access_tokens` with `tokenStatus` (404: uninstalled, 403: suspended,
 * 401: the App's credentials). It carries no `status` of its own on purpose: flows read a 404 as
 * "this file, comment or permission is not there", and the token's 404 is not that.
 */
export class InstallationAuthError extends Error {
  override readonly name = 'InstallationAuthError';
  constructor(
    readonly tokenStatus: number,
    options: { cause: unknown },
  ) {
    super(`installation token refused (HTTP ${tokenStatus}): ${(options.cause as Error).message}`, options);
  }
}

const TOKEN_PATH = /\/app\/installations\/(\d+|\{installation_id\})\/access_tokens$/;
const isolated = new WeakSet<object>();

/**
 * Makes a failed token request surface as `InstallationAuthError` rather than as the 4xx of the
 * request that needed the token; without it a deleted installation looked like a repository
 * without `.github` (has-config-file.ts) and the delivery was silently "handled". Retryable answers
 * (5xx, rate limits) pass unchanged, so the delivery is retried as before.
 */
export function isolateTokenErrors(octokit: GitHubClient): void {
  if (isolated.has(octokit)) return;
  isolated.add(octokit);
  octokit.hook.wrap('request', async (request, options) => {
    try {
      return await request(options);
    } catch (err) {
      const { status, request: failed } = err as { status?: unknown; request?: { url?: unknown } };
      const tokenFailed = typeof failed?.url === 'string' && TOKEN_PATH.test(failed.url.split('?')[0] ?? '');
      const wasTokenRequest = TOKEN_PATH.test(String(options.url).split('?')[0] ?? '');
      if (typeof status === 'number' && tokenFailed && !wasTokenRequest && !isRetryable(err)) {
        throw new InstallationAuthError(status, { cause: err });
      }
      throw err;
    }
  });
}
