import { afterEach, describe, expect, test } from 'vitest';
import { createHarness, type Harness, loadPayload, SHAS } from '../helpers/github/app-harness.ts';
import { FAKE_APP_ID } from '../helpers/github/fake-github.ts';
import { FakeSignal } from '../helpers/github/fake-signal.ts';
import { setupMerge, setupPull } from '../helpers/github/scenario.ts';

let h: Harness;
afterEach(() => {
  h.gh.assertClean();
  h.close();
});

const PREVIOUS = '0000000000000000000000000000000000000aaa';

function comment(body: string, opts: { action?: string; login?: string; type?: string; id?: number } = {}) {
  const event = loadPayload(`issue_comment.${opts.action ?? 'created'}`);
  event.comment.body = body;
  event.comment.id = opts.id ?? 9001;
  event.sender.login = opts.login ?? 'alice';
  event.sender.type = opts.type ?? 'User';
  return event;
}

function replies() {
  return h.gh.commentsOn(42).filter((c) => c.body.includes('ferry:reply-to:'));
}

async function harness(signal = new FakeSignal()) {
  h = await createHarness({ signalFor: () => signal });
  return signal;
}

/** #42 merged and deployed to production; an earlier commit ran there successfully before. */
function mergedAndDeployed() {
  setupMerge(h.gh);
  const previous = h.gh.addDeployment({
    sha: PREVIOUS,
    environment: 'production',
    payload: { ferry: { target: 'production', summary: [], branch: 'main', merge: PREVIOUS } },
  });
  h.gh.addDeploymentStatus({ deployment_id: previous.id, state: 'success' });
  h.gh.addDeploymentStatus({ deployment_id: previous.id, state: 'inactive' });
  const merged = h.gh.addDeployment({
    sha: SHAS.merge,
    environment: 'production',
    payload: {
      ferry: {
        target: 'production',
        summary: [],
        branch: 'main',
        merge: SHAS.merge,
        base: SHAS.base,
        pull: 42,
      },
    },
  });
  h.gh.addDeploymentStatus({ deployment_id: merged.id, state: 'success' });
  // The merge descends from the earlier deployment's commit: it was on main.
  h.gh.compares.set(`${PREVIOUS}...${SHAS.merge}`, { files: [], status: 'ahead' });
  return { previous, merged };
}

describe('/preview', () => {
  test('a writer gets a fresh preview with its own check run', async () => {
    await harness();
    setupPull(h.gh);
    h.gh.permissions.set('alice', 'write');

    await h.receive('issue_comment', comment('/preview'));

    expect(h.gh.checkRuns).toHaveLength(1);
    expect(h.gh.checkRuns[0]).toMatchObject({
      external_id: `pr/42/comment-9001/${SHAS.base}`,
      conclusion: 'success',
    });
    expect(h.gh.commentsOn(42).filter((c) => c.body.includes('ferry:sticky'))).toHaveLength(1);
  });

  test('a reader is refused with one polite reply, also when the event is delivered again', async () => {
    await harness();
    setupPull(h.gh);
    h.gh.permissions.set('alice', 'read');

    await h.receive('issue_comment', comment('/preview'), 'c-1');
    await h.receive('issue_comment', comment('/preview'), 'c-1');

    expect(h.gh.checkRuns).toHaveLength(0);
    expect(replies()).toHaveLength(1);
    expect(replies()[0]?.body).toContain(
      '@alice, sorry: `/preview` needs write access to acme/ml-platform (yours: read). Ask a maintainer to run it.',
    );
  });

  // A custom repository role answers its own name in role_name ("deployer"): Ferry refused a writer.
  test('judges a custom repository role by the base role it inherits, and names the role in a refusal', async () => {
    await harness();
    setupPull(h.gh);
    h.gh.customRoles.set('deployer', 'write');
    h.gh.customRoles.set('auditor', 'read');
    h.gh.permissions.set('alice', 'deployer');
    h.gh.permissions.set('bob', 'auditor');

    await h.receive('issue_comment', comment('/preview', { id: 1 }));
    await h.receive('issue_comment', comment('/preview', { login: 'bob', id: 2 }));

    expect(h.gh.checkRuns.map((r) => r.external_id)).toEqual([`pr/42/comment-1/${SHAS.base}`]);
    expect(replies().map((r) => r.body.split('\n')[1])).toEqual([
      '@bob, sorry: `/preview` needs write access to acme/ml-platform (yours: auditor). Ask a maintainer to run it.',
    ]);
  });

  // A merged PR's sticky comment holds what its merge deployed: /preview rewrote it with a plain
  // preview, erasing the deployment record (and asked the cluster about a closed PR's head).
  test('/preview on a merged or closed pull request is refused and leaves the comment as it is', async () => {
    const signal = await harness();
    setupMerge(h.gh);
    h.gh.permissions.set('alice', 'write');
    await h.receive('push', loadPayload('push'));
    const sticky = { ...h.gh.commentsOn(42)[0] };
    expect(sticky.body).toContain('deploying');

    await h.receive('issue_comment', comment('/preview', { id: 1 }));
    const closed = h.gh.addPull({
      number: 43,
      state: 'closed',
      head: { ref: 'x', sha: SHAS.head, repo: { full_name: 'acme/ml-platform', fork: false } },
      base: { ref: 'main', sha: SHAS.base, repo: { full_name: 'acme/ml-platform', fork: false } },
    });
    const onClosed = comment('/preview', { id: 2 });
    onClosed.issue.number = closed.number;
    await h.receive('issue_comment', onClosed);

    expect(h.gh.commentsOn(42)[0]).toEqual(sticky);
    expect(h.gh.checkRuns).toHaveLength(0);
    expect(signal.previewRequests).toHaveLength(0);
    expect(replies()[0]?.body.split('\n')[1]).toBe(
      '@alice, #42 is merged: `/preview` previews open pull requests, and this comment keeps what its merge deployed.',
    );
    expect(h.gh.commentsOn(43).map((c) => c.body.split('\n')[1])).toEqual([
      '@alice, #43 is closed: `/preview` previews open pull requests.',
    ]);
  });

  test('a command in another case acts; one with words after it is answered with its usage, not acted on', async () => {
    const signal = await harness();
    mergedAndDeployed();
    h.gh.permissions.set('alice', 'write');

    await h.receive('issue_comment', comment('/rollback production now!', { id: 1 }));
    expect(signal.requests).toHaveLength(0);
    expect(replies().map((r) => r.body.split('\n')[1])).toEqual([
      '@alice, I did not act on `/rollback production now!`: write `/rollback` or `/rollback <target>` alone on the first line, as a new comment.',
    ]);
    // No permission look-up for a command that is not acted on.
    expect(h.gh.requestsFor('repos/get-collaborator-permission-level')).toHaveLength(0);

    await h.receive('issue_comment', comment('/Rollback', { id: 2 }));
    expect(signal.requests.map((r) => r.revision)).toEqual([PREVIOUS]);
  });

  test('comments that are not commands cost no request', async () => {
    await harness();
    await h.receive('issue_comment', comment('Looks good to me, /preview later?'));
    await h.receive('issue_comment', comment('> /rollback\nno thanks'));
    // Issue 10: an indented `/rollback` (a Markdown code block) opened a revert pull request.
    await h.receive('issue_comment', comment('    /rollback\nthat is how you would roll back'));
    await h.receive('issue_comment', comment('```\n/rollback\n```'));
    expect(h.gh.requests).toHaveLength(0);
  });
});

describe('/rollback', () => {
  test('rolls a merged PR back to the last successful deployment, with a revert PR and links', async () => {
    const signal = await harness();
    const { previous, merged } = mergedAndDeployed();
    h.gh.permissions.set('alice', 'maintain');

    await h.receive('issue_comment', comment('/rollback production'));

    const rollback = h.gh.deployments.at(-1);
    expect(rollback).toMatchObject({ sha: PREVIOUS, environment: 'production' });
    expect(rollback?.payload).toMatchObject({
      ferry: {
        merge: SHAS.merge,
        pull: 42,
        rollback: { requestedBy: 'alice', comment: 9001 },
      },
    });
    expect(signal.requests).toEqual([
      expect.objectContaining({
        revision: PREVIOUS,
        rollback: true,
        reason: 'rollback requested by @alice on #42',
        deploymentId: rollback?.id,
      }),
    ]);
    const graphql = h.gh.requestsFor('graphql')[0]?.body as {
      query: string;
      variables: { input: Record<string, unknown> };
    };
    expect(graphql.query).toContain('revertPullRequest');
    expect(graphql.variables.input).toMatchObject({ pullRequestId: 'PR_kwDOACME42', draft: false });
    expect(h.gh.revertPulls).toHaveLength(1);
    const reply = replies()[0]?.body ?? '';
    expect(reply).toContain('@alice, rolling back #42:');
    expect(reply).toContain(
      `\`production\`: rolling back to ${PREVIOUS.slice(0, 7)} (deployed ${previous.created_at})`,
    );
    expect(reply).toContain('https://github.com/acme/ml-platform/pull/1001');
    expect(merged.id).toBeLessThan(rollback?.id ?? 0);
  });

  // A Deployment record carrying Ferry's payload and a success status can be made by anyone who can
  // write to the repository (a workflow's token too), naming an unreviewed branch's commit.
  test('never rolls back to a commit outside the merge history, whoever recorded a deployment of it', async () => {
    const signal = await harness();
    const { previous, merged } = mergedAndDeployed();
    const unmerged = 'e'.repeat(40);
    const forged = h.gh.addDeployment({
      sha: unmerged,
      environment: 'production',
      payload: { ferry: { target: 'production', summary: [], branch: 'main', merge: unmerged } },
      created_at: previous.created_at,
      by: { login: 'mallory', type: 'User' },
    });
    h.gh.addDeploymentStatus({ deployment_id: forged.id, state: 'success' });
    h.gh.compares.set(`${unmerged}...${SHAS.merge}`, { files: [], status: 'diverged' });
    h.gh.permissions.set('alice', 'maintain');

    await h.receive('issue_comment', comment('/rollback production'));

    expect(signal.requests.map((r) => r.revision)).toEqual([PREVIOUS]);
    expect(h.gh.deployments.at(-1)).toMatchObject({ sha: PREVIOUS, environment: 'production' });
    expect(merged.id).toBeLessThan(h.gh.deployments.at(-1)?.id ?? 0);
    expect(h.gh.deployments.filter((d) => d.sha === unmerged)).toHaveLength(1);
  });

  // The same kind of record saying the merge was rolled back already stopped every /rollback of it.
  test("rolls back although someone else recorded a rollback of the merge: only this App's records count", async () => {
    const signal = await harness();
    const { merged } = mergedAndDeployed();
    h.gh.addDeployment({
      sha: PREVIOUS,
      environment: 'production',
      payload: {
        ferry: {
          target: 'production',
          summary: [],
          branch: 'main',
          merge: SHAS.merge,
          rollback: { requestedBy: 'mallory', comment: 1 },
        },
      },
      by: { login: 'mallory', type: 'User' },
    });
    h.gh.permissions.set('alice', 'maintain');

    await h.receive('issue_comment', comment('/rollback production'));

    expect(signal.requests.map((r) => r.revision)).toEqual([PREVIOUS]);
    expect(replies()[0]?.body).not.toContain('already rolled back');
    expect(h.gh.deployments.at(-1)?.performed_via_github_app?.id).toBe(FAKE_APP_ID);
    expect(merged.id).toBeLessThan(h.gh.deployments.at(-1)?.id ?? 0);
  });

  test('says there is nothing to roll back to when the only earlier success is off the merge history', async () => {
    const signal = await harness();
    const { previous } = mergedAndDeployed();
    // main was force-pushed since: GitHub answers that the earlier commit and the merge diverged.
    h.gh.compares.set(`${PREVIOUS}...${SHAS.merge}`, { files: [], status: 'diverged' });
    h.gh.permissions.set('alice', 'maintain');

    await h.receive('issue_comment', comment('/rollback production'));

    expect(signal.requests).toEqual([]);
    expect(h.gh.deployments.filter((d) => d.sha === previous.sha)).toHaveLength(1);
    expect(replies()[0]?.body).toContain('`production`: no earlier successful deployment to roll back to.');
  });

  test('a redelivered /rollback does nothing more', async () => {
    const signal = await harness();
    mergedAndDeployed();
    h.gh.permissions.set('alice', 'admin');
    await h.receive('issue_comment', comment('/rollback'), 'rb-1');
    const writes = h.gh.writes().length;

    await h.receive('issue_comment', comment('/rollback'), 'rb-1');

    expect(h.gh.writes()).toHaveLength(writes);
    expect(signal.requests).toHaveLength(1);
    expect(h.gh.revertPulls).toHaveLength(1);
  });

  // Issue 10, attack 8: the same signed /rollback delivered twice at once opened two revert PRs.
  test('the same /rollback delivered twice at once opens one revert pull request and replies once', async () => {
    const signal = await harness();
    mergedAndDeployed();
    h.gh.permissions.set('alice', 'write');

    await Promise.all([
      h.receive('issue_comment', comment('/rollback'), 'rb-1'),
      h.receive('issue_comment', comment('/rollback'), 'rb-1'),
      h.receive('issue_comment', comment('/rollback'), 'rb-2'),
    ]);

    expect(h.gh.revertPulls).toHaveLength(1);
    expect(h.gh.requestsFor('graphql')).toHaveLength(1);
    expect(replies()).toHaveLength(1);
    expect(signal.requests).toHaveLength(1);
  });

  // Two people type /rollback during the same incident: two rollback Deployments, two signals and two
  // revert pull requests of the same merge (a second one GitHub cannot even merge after the first).
  test.each([
    ['at once', true],
    ['one after the other', false],
  ])(
    'two /rollback comments by different people %s roll back once, and the second is told so',
    async (_when, together) => {
      const signal = await harness();
      mergedAndDeployed();
      h.gh.permissions.set('alice', 'write');
      h.gh.permissions.set('bob', 'admin');
      const first = h.receive('issue_comment', comment('/rollback', { id: 1 }));
      if (!together) await first;
      const second = h.receive('issue_comment', comment('/rollback', { login: 'bob', id: 2 }));
      await Promise.all([first, second]);

      expect(signal.requests).toHaveLength(1);
      expect(h.gh.revertPulls).toHaveLength(1);
      expect(h.gh.deployments.filter((d) => JSON.stringify(d.payload).includes('"rollback"'))).toHaveLength(
        1,
      );
      const bodies = replies().map((r) => r.body);
      expect(bodies).toHaveLength(2);
      expect(bodies.find((b) => b.includes('@bob'))).toContain(
        `@bob, #42 is already rolled back:\n\n- \`production\`: already rolled back to ${PREVIOUS.slice(0, 7)} at the request of @alice (comment 1); nothing more to do.`,
      );
    },
  );

  test('a retry after a failure late in the rollback finds its revert pull request instead of opening another', async () => {
    const signal = await harness();
    mergedAndDeployed();
    h.gh.permissions.set('alice', 'write');
    // The reply fails once (GitHub 502): the delivery is retried, as the Lambda worker does.
    h.gh.failures.set('issues/create-comment', 502);

    await expect(h.receive('issue_comment', comment('/rollback'), 'rb-1')).rejects.toThrow();
    expect(h.gh.revertPulls).toHaveLength(1);
    await h.receive('issue_comment', comment('/rollback'), 'rb-1');

    expect(h.gh.revertPulls).toHaveLength(1);
    expect(h.gh.revertPulls[0]?.body).toContain('<!-- ferry:revert-for:9001 -->');
    expect(replies()).toHaveLength(1);
    expect(replies()[0]?.body).toContain('Revert pull request: #1001');
    // The rollback Deployment is reused too; the agent is told the same revision again.
    expect(h.gh.requestsFor('repos/create-deployment')).toHaveLength(1);
    expect(signal.requests.map((r) => r.revision)).toEqual([PREVIOUS, PREVIOUS]);
  });

  test('a pull request by a person carrying the revert marker does not stop the revert', async () => {
    await harness();
    mergedAndDeployed();
    h.gh.permissions.set('alice', 'write');
    h.gh.addPull({
      number: 77,
      body: 'innocent <!-- ferry:revert-for:9001 -->',
      head: { ref: 'x', sha: '5'.repeat(40), repo: null },
      base: { ref: 'main', sha: SHAS.base, repo: { full_name: 'acme/ml-platform', fork: false } },
    });

    await h.receive('issue_comment', comment('/rollback'));

    expect(h.gh.revertPulls).toHaveLength(1);
    expect(replies()[0]?.body).toContain('Revert pull request: #1001');
  });

  test('refuses people without write access, bots, and edited comments, politely and without acting', async () => {
    const signal = await harness();
    mergedAndDeployed();
    h.gh.permissions.set('bob', 'triage');

    await h.receive('issue_comment', comment('/rollback', { login: 'bob', id: 1 }));
    await h.receive('issue_comment', comment('/rollback', { login: 'deploy-bot[bot]', type: 'Bot', id: 2 }));
    await h.receive('issue_comment', comment('/rollback', { action: 'edited', id: 3 }));
    await h.receive('issue_comment', comment('/rollback', { login: 'eve', id: 4 }));

    expect(replies().map((r) => r.body.split('\n')[1])).toEqual([
      '@bob, sorry: `/rollback` needs write access to acme/ml-platform (yours: triage). Ask a maintainer to run it.',
      "@deploy-bot[bot], I don't take `/rollback` from bots: a person with write access needs to ask.",
      '@alice, I only act on new comments, not edited ones: please post `/rollback` as a new comment.',
      '@eve, sorry: `/rollback` needs write access to acme/ml-platform (yours: none). Ask a maintainer to run it.',
    ]);
    expect(signal.requests).toHaveLength(0);
    expect(h.gh.requestsFor('repos/create-deployment')).toHaveLength(0);
    // Bots and edits are refused before any permission look-up.
    expect(h.gh.requestsFor('repos/get-collaborator-permission-level')).toHaveLength(2);
  });

  test('editing a comment that was already answered changes nothing', async () => {
    await harness();
    mergedAndDeployed();
    h.gh.permissions.set('alice', 'write');
    await h.receive('issue_comment', comment('/rollback'));
    const writes = h.gh.writes().length;

    await h.receive('issue_comment', comment('/rollback production', { action: 'edited' }));

    expect(h.gh.writes()).toHaveLength(writes);
  });

  test('on an open PR, replies that there is nothing deployed to roll back', async () => {
    const signal = await harness();
    setupPull(h.gh);
    h.gh.permissions.set('alice', 'write');

    await h.receive('issue_comment', comment('/rollback'));

    expect(replies()[0]?.body).toContain(
      '@alice, #42 is not merged, so nothing of it was deployed: `/rollback` works on merged pull requests.',
    );
    expect(signal.requests).toHaveLength(0);
  });

  test('with no earlier successful deployment, replies that there is nothing to roll back to', async () => {
    const signal = await harness();
    setupMerge(h.gh);
    const merged = h.gh.addDeployment({
      sha: SHAS.merge,
      environment: 'production',
      payload: { ferry: { target: 'production', summary: [], branch: 'main', merge: SHAS.merge, pull: 42 } },
    });
    const failed = h.gh.addDeployment({
      sha: PREVIOUS,
      environment: 'production',
      payload: { ferry: { target: 'production', summary: [], branch: 'main', merge: PREVIOUS } },
      created_at: '2024-12-31T00:00:00Z',
    });
    h.gh.addDeploymentStatus({ deployment_id: failed.id, state: 'failure' });
    void merged;
    h.gh.permissions.set('alice', 'write');

    await h.receive('issue_comment', comment('/rollback'));

    const reply = replies()[0]?.body ?? '';
    expect(reply).toContain('@alice, there is nothing to roll #42 back to:');
    expect(reply).toContain('`production`: no earlier successful deployment to roll back to.');
    expect(signal.requests).toHaveLength(0);
    expect(h.gh.revertPulls).toHaveLength(0);
  });

  test('naming a target the PR did not deploy lists the ones it did', async () => {
    await harness();
    mergedAndDeployed();
    h.gh.permissions.set('alice', 'write');

    await h.receive('issue_comment', comment('/rollback staging'));

    expect(replies()[0]?.body).toContain('@alice, #42 did not deploy `staging`; it deployed `production`.');
  });
});

// What Ferry reads back as its own record (a reply, the revert pull request) must be what this App
// wrote: any bot can write a hidden marker (a workflow echoing a PR's text, an App quoting a comment).
describe('records only this App wrote', () => {
  const OTHER_BOT = { login: 'echo-bot[bot]', type: 'Bot' as const };

  test("another bot's comment carrying the reply marker does not pass for the answer: the rollback runs", async () => {
    const signal = await harness();
    mergedAndDeployed();
    h.gh.permissions.set('alice', 'write');
    h.gh.addComment({
      issue_number: 42,
      body: 'Echo: <!-- ferry:reply-to:9001 -->',
      user: OTHER_BOT,
      app: { id: 777, slug: 'echo-bot' },
    });

    await h.receive('issue_comment', comment('/rollback'));

    expect(signal.requests).toEqual([expect.objectContaining({ revision: PREVIOUS, rollback: true })]);
    const ours = replies().filter((c) => c.performed_via_github_app?.id === FAKE_APP_ID);
    expect(ours).toHaveLength(1);
    expect(ours[0]?.body).toContain('@alice, rolling back #42:');
    // The other bot's comment is left as it was.
    expect(h.gh.requestsFor('issues/update-comment')).toHaveLength(0);
  });

  test("another bot's comment carrying the sticky marker is not rewritten: Ferry posts its own", async () => {
    await harness();
    setupPull(h.gh);
    h.gh.permissions.set('alice', 'write');
    const foreign = h.gh.addComment({
      issue_number: 42,
      body: 'quoted: <!-- ferry:sticky-comment -->',
      user: OTHER_BOT,
      app: { id: 777, slug: 'echo-bot' },
    });

    await h.receive('issue_comment', comment('/preview'));

    expect(foreign.body).toBe('quoted: <!-- ferry:sticky-comment -->');
    expect(h.gh.requestsFor('issues/update-comment')).toHaveLength(0);
    const sticky = h.gh.commentsOn(42).filter((c) => c.performed_via_github_app?.id === FAKE_APP_ID);
    expect(sticky.map((c) => c.body.includes('<!-- ferry:sticky-comment -->'))).toEqual([true]);
  });

  test("another bot's pull request carrying the revert marker does not stop the revert", async () => {
    await harness();
    mergedAndDeployed();
    h.gh.permissions.set('alice', 'write');
    h.gh.addPull({
      number: 77,
      body: 'Release notes: <!-- ferry:revert-for:9001 -->',
      user: OTHER_BOT,
      head: { ref: 'deps', sha: '5'.repeat(40), repo: null },
      base: { ref: 'main', sha: SHAS.base, repo: { full_name: 'acme/ml-platform', fork: false } },
    });

    await h.receive('issue_comment', comment('/rollback'));

    expect(h.gh.revertPulls).toHaveLength(1);
    expect(replies()[0]?.body).toContain('Revert pull request: #1001');
  });
});
