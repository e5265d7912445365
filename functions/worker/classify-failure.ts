/**
 * What the worker does with a delivery that failed: drop it (no attempt can succeed, so retrying
 * only blocks its repository's FIFO group until the dead-letter queue takes it) or retry it after a
 * bounded delay. Pure: the error, the receive count and the clock in, a decision out; the handler
 * carries it out (a dropped record is reported handled; a retried one gets its visibility shortened).
 *
 * Errors are read as GitHub reports them through Octokit (`RequestError`: `status`, `request.url`,
 * `response.headers`), through Probot's `AggregateError` of handler errors and any `cause` chain.
 */
import { isRetryable } from '../../src/github/describe-error.ts';
import { MalformedMessageError } from '../shared/delivery-envelope.ts';
import { DeadlineError } from './deadline-error.ts';

export type DropReason =
  | 'app-credentials'
  | 'installation-gone'
  | 'installation-suspended'
  | 'permission-missing'
  | 'forbidden'
  | 'missing-on-github'
  | 'rejected'
  | 'malformed-message'
  | 'claim-check-expired';

export type FailureDecision =
  | { action: 'drop'; reason: DropReason; status?: number; fix: string }
  | { action: 'retry'; delaySeconds: number; status?: number };

/** First retry after 30 s, then ×3 (90 s, 270 s), at most 10 minutes: a GitHub blip passes, a group is not held for long. */
export const RETRY_BASE_SECONDS = 30;
export const RETRY_MAX_SECONDS = 600;
/** A rate limit is waited out up to 15 minutes (GitHub's primary limit resets hourly; the DLQ takes the rest). */
export const RATE_LIMIT_MAX_SECONDS = 900;
/**
 * GitHub's replicas can answer 404/422 for a commit or ref pushed a moment ago: the first such
 * answer is retried once, this soon; a second one means the object is really gone.
 */
export const REPLICATION_LAG_SECONDS = 10;

const FIX: Record<DropReason, string> = {
  'app-credentials':
    "GitHub refused the App's credentials: put the App ID and private key of this App in the App secret (docs/deploy-aws.md, step 4), restart the worker, then redeliver from the App's Recent Deliveries",
  'installation-gone':
    'the App is no longer installed on this account or repository: nothing to fix, unless that was a mistake (reinstall, then redeliver)',
  'installation-suspended':
    "the App's installation is suspended: unsuspend it (the account's Settings → GitHub Apps → Configure), then redeliver",
  'permission-missing':
    'the App lacks a permission this event needs: grant the permissions in docs/github-app.md in the App settings, have the account accept them, then redeliver',
  forbidden:
    'GitHub refused the request (an IP allow list, SAML enforcement or a repository rule): see the error, fix access, then redeliver',
  'missing-on-github':
    'the commit, ref or object this event names is not on GitHub (force-pushed away, branch or repository deleted): nothing to fix',
  rejected: 'GitHub rejected the request as malformed: a Ferry bug, report it with this log line',
  'malformed-message':
    'the queue message is not a delivery the webhook writes: a Ferry bug or a message sent by hand',
  'claim-check-expired':
    "the delivery's body left S3 (expired after a day): redeliver it from the App's Recent Deliveries",
};

/** What GitHub's answer looks like on an Octokit `RequestError`. */
interface HttpFailure {
  status: number;
  message: string;
  url: string;
  headers: Record<string, unknown>;
}

export function classifyFailure(options: {
  error: unknown;
  /** The record's `ApproximateReceiveCount`: 1 on the first attempt. */
  receiveCount: number;
  nowMs: number;
}): FailureDecision {
  const decisions = leavesOf(options.error).map((leaf) => classifyOne({ ...options, error: leaf }));
  // Several handlers failed: a retry may fix one of them, so retry (as late as the latest asks).
  const retries = decisions.filter((d) => d.action === 'retry');
  if (retries.length > 0) return retries.reduce((a, b) => (b.delaySeconds > a.delaySeconds ? b : a));
  return decisions[0] ?? backoff(options.receiveCount);
}

/** Probot throws an `AggregateError` of its handlers' errors; each may be one. */
function leavesOf(error: unknown): unknown[] {
  if (error instanceof AggregateError && error.errors.length > 0) return error.errors.flatMap(leavesOf);
  return [error];
}

function classifyOne(options: { error: unknown; receiveCount: number; nowMs: number }): FailureDecision {
  const { error, receiveCount } = options;
  if (error instanceof DeadlineError) return { action: 'retry', delaySeconds: 0 };
  if (error instanceof MalformedMessageError) return drop('malformed-message');
  if (isNamed(error, 'SecretLoadError') && (error as { kind?: unknown }).kind === 'value') {
    return drop('app-credentials');
  }
  if (isNamed(error, 'NoSuchKey')) return drop('claim-check-expired');
  const http = httpFailureOf(error);
  if (!http) return backoff(receiveCount);
  return classifyHttp(http, options);
}

function classifyHttp(http: HttpFailure, options: { receiveCount: number; nowMs: number }): FailureDecision {
  const { status } = http;
  if (isRetryable({ status, message: http.message, response: { headers: http.headers } })) {
    const wait = rateLimitWaitOf(http.headers, options.nowMs);
    const delaySeconds = Math.max(backoff(options.receiveCount).delaySeconds, wait);
    return { action: 'retry', delaySeconds: Math.min(delaySeconds, RATE_LIMIT_MAX_SECONDS), status };
  }
  const appAuth = appAuthKindOf(http.url);
  if (appAuth && status === 401) return drop('app-credentials', status);
  if (appAuth === 'installation-token') {
    if (status === 404) return drop('installation-gone', status);
    if (status === 403) {
      return drop(/suspended/i.test(http.message) ? 'installation-suspended' : 'forbidden', status);
    }
  }
  if (status === 403) {
    return drop(
      /not accessible by integration/i.test(http.message) ? 'permission-missing' : 'forbidden',
      status,
    );
  }
  if (status === 404 || status === 409 || status === 422) {
    return options.receiveCount <= 1
      ? { action: 'retry', delaySeconds: REPLICATION_LAG_SECONDS, status }
      : drop('missing-on-github', status);
  }
  // 401 with an installation token (revoked as it was used: the next attempt mints another), 408.
  if (status === 401 || status === 408 || status === 0) return { ...backoff(options.receiveCount), status };
  return drop('rejected', status);
}

/**
 * Requests the App makes with its JWT: `/app/installations/{id}/access_tokens` mints the token
 * every other request uses; any other `/app…` path is the App's own API.
 */
function appAuthKindOf(url: string): 'installation-token' | 'app' | undefined {
  if (!URL.canParse(url)) return undefined;
  // GitHub Enterprise Server serves the API under /api/v3.
  const apiPath = new URL(url).pathname.replace(/^\/api\/v3(?=\/)/, '');
  if (/^\/app\/installations\/\d+\/access_tokens$/.test(apiPath)) return 'installation-token';
  return /^\/app(\/|$)/.test(apiPath) ? 'app' : undefined;
}

/** Seconds until GitHub lifts a rate limit: `retry-after`, or `x-ratelimit-reset` when none remain. */
function rateLimitWaitOf(headers: Record<string, unknown>, nowMs: number): number {
  const retryAfter = Number(headers['retry-after']);
  if (Number.isFinite(retryAfter) && retryAfter > 0) return Math.ceil(retryAfter);
  const reset = Number(headers['x-ratelimit-reset']);
  if (String(headers['x-ratelimit-remaining']) === '0' && Number.isFinite(reset)) {
    return Math.max(0, Math.ceil(reset - nowMs / 1000));
  }
  return 0;
}

/** The nearest error in the `cause` chain that carries an HTTP status (Octokit's `RequestError`). */
function httpFailureOf(error: unknown): HttpFailure | undefined {
  const seen = new Set<unknown>();
  for (let e = error; typeof e === 'object' && e !== null && !seen.has(e); e = (e as Error).cause) {
    seen.add(e);
    const { status, message, request, response } = e as {
      status?: unknown;
      message?: unknown;
      request?: { url?: unknown };
      response?: { headers?: Record<string, unknown> };
    };
    if (typeof status === 'number') {
      return {
        status,
        message: typeof message === 'string' ? message : '',
        url: typeof request?.url === 'string' ? request.url : '',
        headers: response?.headers ?? {},
      };
    }
  }
  return undefined;
}

function backoff(receiveCount: number): { action: 'retry'; delaySeconds: number } {
  const attempt = Math.max(1, Math.floor(receiveCount));
  const delaySeconds = Math.min(RETRY_MAX_SECONDS, RETRY_BASE_SECONDS * 3 ** (attempt - 1));
  return { action: 'retry', delaySeconds };
}

function drop(reason: DropReason, status?: number): FailureDecision {
  return { action: 'drop', reason, fix: FIX[reason], ...(status === undefined ? {} : { status }) };
}

function isNamed(error: unknown, name: string): boolean {
  return error instanceof Error && error.name === name;
}
