/**
 * Answers GitHub really gives, driven through the App: rate limits that are 403s, a sticky comment
 * deleted under Ferry's feet. Each must end in a retry or the right result, never a false verdict.
 */
import { afterEach, describe, expect, test } from 'vitest';
import { createHarness, type Harness, loadPayload, SHAS } from '../helpers/github/app-harness.ts';
import type { FakeComment, FakeResponse } from '../helpers/github/fake-github.ts';
import { FakeSignal } from '../helpers/github/fake-signal.ts';
import { HEAD_FILES, modelServer, setupMerge, setupPull } from '../helpers/github/scenario.ts';

const NEW_HEAD = '4444444444444444444444444444444444444444';

let h: Harness;
afterEach(() => {
  h.gh.assertClean();
  h.close();
});

// https://docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api#exceeding-the-rate-limit
const SECONDARY: FakeResponse = {
  status: 403,
  headers: { 'retry-after': '60', 'content-type': 'application/json' },
  body: {
    message:
      'You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID.',
    documentation_url:
      'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits',
  },
};
const PRIMARY: FakeResponse = {
  status: 403,
  headers: {
    'x-ratelimit-limit': '5000',
    'x-ratelimit-remaining': '0',
    'x-ratelimit-reset': '1735732800',
    'content-type': 'application/json',
  },
  body: {
    message: 'API rate limit exceeded for installation ID 1001.',
    documentation_url: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api',
  },
};

describe('rate limits answered 403', () => {
  test.each([
    ['a secondary rate limit', SECONDARY],
    ['an exhausted primary rate limit', PRIMARY],
  ])('%s during a preview is thrown for a retry, never a failed check', async (_name, answer) => {
    h = await createHarness();
    setupPull(h.gh);
    h.gh.failures.set('repos/compare-commits-with-basehead', answer);

    await expect(h.receive('pull_request', loadPayload('pull_request.opened'), 'd-1')).rejects.toThrow(
      /rate limit/,
    );
    expect(h.gh.checkRuns[0]).toMatchObject({ status: 'in_progress', conclusion: null });
    expect(h.gh.commentsOn(42)).toHaveLength(0);

    await h.receive('pull_request', loadPayload('pull_request.opened'), 'd-1');
    expect(h.gh.checkRuns).toHaveLength(1);
    expect(h.gh.checkRuns[0]).toMatchObject({ status: 'completed', conclusion: 'success' });
  });

  test('a secondary rate limit on a merge is thrown for a retry, which deploys; no "not deployed"', async () => {
    const signal = new FakeSignal();
    h = await createHarness({ signalFor: () => signal });
    setupMerge(h.gh);
    h.gh.failures.set('repos/compare-commits-with-basehead', SECONDARY);

    await expect(h.receive('push', loadPayload('push'), 'p-1')).rejects.toThrow(/rate limit/);
    expect(h.gh.commentsOn(42)).toHaveLength(0);
    expect(signal.requests).toHaveLength(0);

    await h.receive('push', loadPayload('push'), 'p-1');
    expect(signal.requests.map((r) => r.revision)).toEqual([SHAS.merge]);
    expect(h.gh.commentsOn(42)[0]?.body).not.toContain('not deployed');
  });
});

describe('a sticky comment deleted under Ferry', () => {
  test('deleted between the listing and the update (GitHub answers 404): a new one is posted, nothing thrown', async () => {
    h = await createHarness();
    setupPull(h.gh);
    await h.receive('pull_request', loadPayload('pull_request.opened'));
    const [sticky] = h.gh.commentsOn(42);
    const pull = h.gh.pulls.get(42);
    if (pull) pull.head.sha = NEW_HEAD;
    h.gh.setTree(NEW_HEAD, { ...HEAD_FILES, 'deploy/production/model.yaml': modelServer('v3', 'c') });
    h.gh.compares.set(`${SHAS.base}...${NEW_HEAD}`, {
      files: ['deploy/production/model.yaml'],
      mergeBase: SHAS.base,
    });
    // Someone deletes the comment while Ferry renders the new push.
    h.gh.hooks.set('issues/update-comment', () => {
      h.gh.comments.splice(h.gh.comments.indexOf(sticky as FakeComment), 1);
    });
    const synchronize = loadPayload('pull_request.synchronize');
    synchronize.pull_request.head.sha = NEW_HEAD;

    await h.receive('pull_request', synchronize);

    expect(h.gh.requestsFor('issues/update-comment').map((r) => r.status)).toEqual([404]);
    const comments = h.gh.commentsOn(42);
    expect(comments).toHaveLength(1);
    expect(comments[0]?.body).toContain('classifier:v3');
    expect(h.gh.checkRuns.at(-1)).toMatchObject({ head_sha: NEW_HEAD, conclusion: 'success' });
  });
});

// GitHub answers a comparison it cannot compute with the same 500 every time: Ferry retried it, so
// the PR never got a preview and a merge of a big change was never deployed (and, in Lambda, the
// repository's queue waited behind it).
describe('a diff too large for GitHub to compare', () => {
  const TOO_LARGE: FakeResponse = {
    status: 500,
    body: { message: 'Server Error: Sorry, this diff is taking too long to generate.' },
  };

  test('a pull request is previewed against its base tip, every target rendered, and says so', async () => {
    h = await createHarness();
    setupPull(h.gh);
    h.gh.failures.set('repos/compare-commits-with-basehead', TOO_LARGE);

    await h.receive('pull_request', loadPayload('pull_request.opened'));

    // A warning: the preview ran, but not against what GitHub's own diff would show.
    expect(h.gh.checkRuns[0]).toMatchObject({ status: 'completed', conclusion: 'neutral' });
    const body = h.gh.commentsOn(42)[0]?.body ?? '';
    expect(body).toContain('classifier:v1');
    expect(body).toContain('GitHub could not compare this pull request');
    expect(body).toContain(`base branch's tip ${SHAS.base.slice(0, 7)}`);
  });

  test('a merge is deployed: its base is exact, and every target is rendered', async () => {
    const signal = new FakeSignal();
    h = await createHarness({ signalFor: () => signal });
    setupMerge(h.gh);
    h.gh.failures.set('repos/compare-commits-with-basehead', TOO_LARGE);

    await h.receive('push', loadPayload('push'));

    expect(signal.requests.map((r) => r.revision)).toEqual([SHAS.merge]);
    expect(h.gh.commentsOn(42)[0]?.body).not.toContain('GitHub could not compare');
  });

  test('a merge whose comparison with the newest deployment is too large for GitHub is still signalled', async () => {
    const signal = new FakeSignal();
    h = await createHarness({ signalFor: () => signal });
    setupMerge(h.gh);
    const OLDER = '0000000000000000000000000000000000000aaa';
    const older = h.gh.addDeployment({
      sha: OLDER,
      environment: 'production',
      payload: { ferry: { target: 'production', summary: [], branch: 'main', merge: OLDER } },
    });
    h.gh.addDeploymentStatus({ deployment_id: older.id, state: 'success' });
    // The merge's own comparison works; the next one, with the last deployment, GitHub gives up on.
    h.gh.hooks.set('repos/compare-commits-with-basehead', (request) => {
      if (request.path.endsWith(`${SHAS.base}...${SHAS.merge}`)) {
        h.gh.failures.set('repos/compare-commits-with-basehead', TOO_LARGE);
      }
    });

    await h.receive('push', loadPayload('push'));

    expect(h.gh.requestsFor('repos/compare-commits-with-basehead').map((r) => r.status)).toEqual([200, 500]);
    expect(signal.requests.map((r) => r.revision)).toEqual([SHAS.merge]);
  });

  test('any other 500 from the comparison is still thrown for a retry', async () => {
    h = await createHarness();
    setupPull(h.gh);
    h.gh.failures.set('repos/compare-commits-with-basehead', 502);

    await expect(h.receive('pull_request', loadPayload('pull_request.opened'))).rejects.toThrow();
    expect(h.gh.checkRuns[0]).toMatchObject({ status: 'in_progress' });
  });
});
