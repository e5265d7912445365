import { RequestError } from '@octokit/request-error';
import { describe, expect, it } from 'vitest';
import { MalformedMessageError } from '../../../functions/shared/delivery-envelope.ts';
import { classifyFailure } from '../../../functions/worker/classify-failure.ts';
import { DeadlineError } from '../../../functions/worker/deadline-error.ts';
import { InstallationAuthError } from '../../../src/github/isolate-token-errors.ts';

const NOW = Date.parse('2025-01-01T12:00:00Z');
const API = 'https://api.github.com';
const TOKEN_URL = `${API}/app/installations/4242/access_tokens`;
const CHECKS_URL = `${API}/repos/acme/ml-platform/check-runs`;

/** An Octokit error as GitHub's answer produces it. */
function github(opts: { status: number; url: string; message: string; headers?: Record<string, string> }) {
  return new RequestError(opts.message, opts.status, {
    request: { method: 'POST', url: opts.url, headers: {} },
    response: {
      status: opts.status,
      url: opts.url,
      headers: opts.headers ?? {},
      data: { message: opts.message },
    },
  });
}

const decide = (error: unknown, receiveCount = 1) => classifyFailure({ error, receiveCount, nowMs: NOW });

describe('classifyFailure', () => {
  it.each([
    ['token 404', github({ status: 404, url: TOKEN_URL, message: 'Not Found' }), 'installation-gone'],
    [
      'token 403 suspended',
      github({ status: 403, url: TOKEN_URL, message: 'This installation has been suspended' }),
      'installation-suspended',
    ],
    ['token 401', github({ status: 401, url: TOKEN_URL, message: 'Bad credentials' }), 'app-credentials'],
    [
      'JWT 401 on /app',
      github({ status: 401, url: `${API}/app`, message: 'A JSON web token could not be decoded' }),
      'app-credentials',
    ],
    [
      'GHES token 404',
      github({
        status: 404,
        url: 'https://ghe.example.com/api/v3/app/installations/7/access_tokens',
        message: 'Not Found',
      }),
      'installation-gone',
    ],
    [
      '403 not accessible by integration',
      github({ status: 403, url: CHECKS_URL, message: 'Resource not accessible by integration' }),
      'permission-missing',
    ],
    [
      '403 SAML',
      github({
        status: 403,
        url: CHECKS_URL,
        message: 'Resource protected by organization SAML enforcement.',
      }),
      'forbidden',
    ],
    ['400', github({ status: 400, url: CHECKS_URL, message: 'Problems parsing JSON' }), 'rejected'],
    ['a malformed message', new MalformedMessageError('body is not JSON', 'm-1'), 'malformed-message'],
    [
      'an unusable App secret',
      Object.assign(new Error('secret x: App secret: appId is missing'), {
        name: 'SecretLoadError',
        kind: 'value',
      }),
      'app-credentials',
    ],
    [
      'an expired claim check',
      Object.assign(new Error('The specified key does not exist.'), { name: 'NoSuchKey' }),
      'claim-check-expired',
    ],
  ])('drops %s at once', (_label, error, reason) => {
    expect(decide(error)).toMatchObject({ action: 'drop', reason });
  });

  it('finds the token failure inside Probot’s AggregateError and the InstallationAuthError around it', () => {
    const token = github({ status: 404, url: TOKEN_URL, message: 'Not Found' });
    const error = new AggregateError([new InstallationAuthError(404, { cause: token })], 'x');
    expect(decide(error)).toMatchObject({ action: 'drop', reason: 'installation-gone', status: 404 });
  });

  it.each([404, 409, 422])(
    'retries a first %i once after 10 s (replication lag), then drops it',
    (status) => {
      const error = github({ status, url: CHECKS_URL, message: 'No commit found for SHA: 2222' });
      expect(decide(error, 1)).toEqual({ action: 'retry', delaySeconds: 10, status });
      expect(decide(error, 2)).toMatchObject({ action: 'drop', reason: 'missing-on-github', status });
    },
  );

  it.each([
    [1, 30],
    [2, 90],
    [3, 270],
    [4, 600],
    [9, 600],
  ])('retries a 5xx on receive %i after %i s', (receiveCount, delaySeconds) => {
    const error = github({ status: 502, url: CHECKS_URL, message: 'Bad Gateway' });
    expect(decide(error, receiveCount)).toEqual({ action: 'retry', delaySeconds, status: 502 });
  });

  it('retries an error without a status (a bug, the network) with the same backoff', () => {
    expect(decide(new Error('socket hang up'), 2)).toEqual({ action: 'retry', delaySeconds: 90 });
    const readFailed = Object.assign(new Error('GetSecretValue failed'), {
      name: 'SecretLoadError',
      kind: 'read',
    });
    expect(decide(readFailed)).toEqual({ action: 'retry', delaySeconds: 30 });
  });

  it('waits out rate limits as GitHub says, at most 15 minutes', () => {
    const secondary = github({
      status: 403,
      url: CHECKS_URL,
      message: 'You have exceeded a secondary rate limit',
      headers: { 'retry-after': '120' },
    });
    expect(decide(secondary)).toEqual({ action: 'retry', delaySeconds: 120, status: 403 });
    const primary = github({
      status: 403,
      url: CHECKS_URL,
      message: 'API rate limit exceeded',
      headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(NOW / 1000 + 3000) },
    });
    expect(decide(primary)).toEqual({ action: 'retry', delaySeconds: 900, status: 403 });
    expect(decide(github({ status: 429, url: CHECKS_URL, message: 'slow down' }))).toEqual({
      action: 'retry',
      delaySeconds: 30,
      status: 429,
    });
  });

  it('starts a delivery left for lack of time again at once', () => {
    expect(decide(new DeadlineError('less than 60000 ms left'))).toEqual({
      action: 'retry',
      delaySeconds: 0,
    });
  });

  it('retries when any of several handler errors may pass, as late as the latest asks', () => {
    const error = new AggregateError([
      github({ status: 403, url: CHECKS_URL, message: 'Resource not accessible by integration' }),
      github({ status: 503, url: CHECKS_URL, message: 'Service Unavailable' }),
    ]);
    expect(decide(error, 2)).toEqual({ action: 'retry', delaySeconds: 90, status: 503 });
  });
});
