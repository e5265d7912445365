import { afterEach, describe, expect, test } from 'vitest';
import { createHarness, type Harness, loadPayload, SHAS } from '../helpers/github/app-harness.ts';
import { FakeSignal } from '../helpers/github/fake-signal.ts';
import { BASE_FILES, CONFIG, HEAD_FILES, SUMMARY, setupMerge } from '../helpers/github/scenario.ts';

let h: Harness;
afterEach(() => {
  h.gh.assertClean();
  h.close();
});

const NO_CLUSTER = `targets:
  - name: production
    path: deploy/production
`;

async function harness(signal = new FakeSignal()) {
  h = await createHarness({ signalFor: () => signal });
  return signal;
}

describe('merge to a tracked branch', () => {
  test('creates a Deployment for each affected target and signals its cluster', async () => {
    const signal = await harness();
    setupMerge(h.gh);

    await h.receive('push', loadPayload('push'));

    const [create] = h.gh.requestsFor('repos/create-deployment');
    expect(create?.body).toEqual({
      ref: SHAS.merge,
      environment: 'production',
      description: 'Ferry: merge of #42 to production',
      payload: {
        ferry: {
          target: 'production',
          summary: SUMMARY,
          branch: 'main',
          merge: SHAS.merge,
          base: SHAS.base,
          pull: 42,
        },
      },
      auto_merge: false,
      required_contexts: [],
      production_environment: true,
    });
    const deployment = h.gh.deployments[0];
    expect(signal.requests).toEqual([
      expect.objectContaining({
        repository: 'acme/ml-platform',
        revision: SHAS.merge,
        reason: 'merge of #42',
        deploymentId: deployment?.id,
        requestedAt: '2025-01-01T12:00:00.000Z',
      }),
    ]);
    expect(signal.requests[0]?.target.name).toBe('production');
    expect(signal.requests[0]?.rollback).toBeUndefined();
    expect(h.gh.statuses.map((s) => [s.state, s.description])).toEqual([
      ['queued', 'sync of 3333333 requested (Sync ferry-production)'],
    ]);
    expect(h.gh.commentsOn(42)[0]?.body).toContain(
      '🚀 deploying `3333333` to production…: sync of 3333333 requested (Sync ferry-production)',
    );
  });

  test('without a configured cluster, the Deployment says it is preview only and nothing is signalled', async () => {
    const signal = await harness();
    const base = { ...BASE_FILES, '.github/ferry.yml': NO_CLUSTER };
    setupMerge(h.gh, { base, head: { ...HEAD_FILES, '.github/ferry.yml': NO_CLUSTER } });

    await h.receive('push', loadPayload('push'));

    expect(signal.requests).toHaveLength(0);
    expect(h.gh.statuses.map((s) => [s.state, s.description])).toEqual([
      ['inactive', 'no cluster configured for target production; preview only'],
    ]);
    expect(h.gh.commentsOn(42)[0]?.body).toContain(
      'no cluster configured for target production; preview only',
    );
  });

  test('a redelivered push deploys once: one Deployment, one signal, one status, comment untouched', async () => {
    const signal = await harness();
    setupMerge(h.gh);
    const payload = loadPayload('push');
    await h.receive('push', payload, 'push-1');
    const comment = { ...h.gh.commentsOn(42)[0] };
    const writes = h.gh.writes().length;

    await h.receive('push', payload, 'push-1');

    expect(h.gh.deployments).toHaveLength(1);
    expect(signal.requests).toHaveLength(1);
    expect(h.gh.statuses).toHaveLength(1);
    expect(h.gh.writes()).toHaveLength(writes);
    expect(h.gh.commentsOn(42)[0]).toEqual(comment);
  });

  test('a push to a branch no target tracks fetches only the head and deploys nothing', async () => {
    const signal = await harness();
    setupMerge(h.gh);
    const payload = loadPayload('push');
    payload.ref = 'refs/heads/feature/canary';

    await h.receive('push', payload);

    expect(h.gh.operations().filter((op) => op !== 'apps/create-installation-access-token')).toEqual([
      'repos/get-content',
      'repos/download-tarball-archive',
      'codeload',
      // The head's tarball is checked against its tree (.gitattributes can hide files from the archive).
      'git/get-tree',
    ]);
    expect(h.gh.deployments).toHaveLength(0);
    expect(signal.requests).toHaveLength(0);
  });

  // Any writer of a branch writes its .github/ferry.yml: a release branch's copy saying production
  // tracks `release` made a push there create a production Deployment and signal the cluster.
  test("a push to another branch deploys only what the default branch's config tracks there", async () => {
    const signal = await harness();
    const onRelease = CONFIG.replace('    namespace: ml\n', '    namespace: ml\n    branch: release\n');
    const staging = `  - name: staging
    path: deploy/production
    namespace: ml-staging
    branch: release
    cluster: { provider: eks, name: ml-staging, region: eu-west-1 }
`;
    setupMerge(h.gh, {
      base: { ...BASE_FILES, '.github/ferry.yml': onRelease + staging },
      head: { ...HEAD_FILES, '.github/ferry.yml': onRelease + staging },
    });
    // The default branch: production tracks main, staging tracks release.
    h.gh.setTree('main', { ...BASE_FILES, '.github/ferry.yml': CONFIG + staging });
    const payload = loadPayload('push');
    payload.ref = 'refs/heads/release';

    await h.receive('push', payload);

    expect(signal.requests.map((r) => r.target.name)).toEqual(['staging']);
    expect(h.gh.deployments.map((d) => d.environment)).toEqual(['staging']);
  });

  // GitHub's "Redeliver", a dead-letter redrive or a replayed signed delivery brings an old push back
  // after a newer merge deployed: Ferry signalled the old commit again (its Deployment had errored).
  test('an old push delivered again after a newer merge deployed is not signalled: superseded', async () => {
    const signal = await harness();
    setupMerge(h.gh);
    const NEWER = '4444444444444444444444444444444444444444';
    h.gh.setTree(NEWER, HEAD_FILES);
    const old = loadPayload('push');
    // The first delivery's signal failed: its Deployment's latest status is an error.
    signal.failWith = new Error('cluster unreachable');
    await expect(h.receive('push', old, 'old-1')).rejects.toThrow();
    signal.failWith = undefined;
    // The next merge lands on main and deploys.
    const newer = h.gh.addDeployment({
      sha: NEWER,
      environment: 'production',
      payload: {
        ferry: { target: 'production', summary: [], branch: 'main', merge: NEWER, base: SHAS.merge },
      },
    });
    h.gh.addDeploymentStatus({ deployment_id: newer.id, state: 'success' });
    h.gh.compares.set(`${SHAS.merge}...${NEWER}`, { files: [], status: 'ahead' });
    // …and main ends there.
    h.gh.compares.set(`${NEWER}...main`, { files: [], status: 'identical' });

    await h.receive('push', old, 'old-2');

    expect(signal.requests.map((r) => r.revision)).toEqual([SHAS.merge]);
    const oldDeployment = h.gh.deployments.find((d) => d.sha === SHAS.merge);
    expect(h.gh.statuses.filter((s) => s.deployment_id === oldDeployment?.id).map((s) => s.state)).toEqual([
      'error',
      'inactive',
    ]);
    expect(h.gh.statuses.at(-1)?.description).toBe(
      'superseded by 4444444, deployed to production after it and holding it; not signalled',
    );
  });

  test('an old push seen for the first time after a newer merge deployed is not signalled either', async () => {
    const signal = await harness();
    setupMerge(h.gh);
    const NEWER = '4444444444444444444444444444444444444444';
    const newer = h.gh.addDeployment({
      sha: NEWER,
      environment: 'production',
      payload: {
        ferry: { target: 'production', summary: [], branch: 'main', merge: NEWER, base: SHAS.merge },
      },
    });
    h.gh.addDeploymentStatus({ deployment_id: newer.id, state: 'success' });
    h.gh.compares.set(`${SHAS.merge}...${NEWER}`, { files: [], status: 'ahead' });
    // …and main ends there.
    h.gh.compares.set(`${NEWER}...main`, { files: [], status: 'identical' });

    await h.receive('push', loadPayload('push'));

    expect(signal.requests).toHaveLength(0);
    expect(h.gh.statuses.at(-1)).toMatchObject({
      state: 'inactive',
      description: 'superseded by 4444444, deployed to production after it and holding it; not signalled',
    });
  });

  // Anyone who can write to the repository can record a Deployment with Ferry's payload: one naming a
  // commit pushed on top of the merge to another branch held every deploy of the merge back.
  test('a newer deployment of a commit that is not on the branch does not hold the push back', async () => {
    const signal = await harness();
    setupMerge(h.gh);
    const ELSEWHERE = '5555555555555555555555555555555555555555';
    const forged = h.gh.addDeployment({
      sha: ELSEWHERE,
      environment: 'production',
      payload: {
        ferry: { target: 'production', summary: [], branch: 'main', merge: ELSEWHERE, base: SHAS.merge },
      },
      by: { login: 'mallory', type: 'User' },
    });
    h.gh.addDeploymentStatus({ deployment_id: forged.id, state: 'success' });
    h.gh.compares.set(`${SHAS.merge}...${ELSEWHERE}`, { files: [], status: 'ahead' });
    // main does not hold it: the commit is on another branch.
    h.gh.compares.set(`${ELSEWHERE}...main`, { files: [], status: 'diverged' });

    await h.receive('push', loadPayload('push'));

    expect(signal.requests.map((r) => r.revision)).toEqual([SHAS.merge]);
  });

  test('a forced push back to an older commit is signalled: the branch now ends there', async () => {
    const signal = await harness();
    setupMerge(h.gh);
    const NEWER = '4444444444444444444444444444444444444444';
    const newer = h.gh.addDeployment({
      sha: NEWER,
      environment: 'production',
      payload: {
        ferry: { target: 'production', summary: [], branch: 'main', merge: NEWER, base: SHAS.merge },
      },
    });
    h.gh.addDeploymentStatus({ deployment_id: newer.id, state: 'success' });
    h.gh.compares.set(`${SHAS.merge}...${NEWER}`, { files: [], status: 'ahead' });
    const forced = loadPayload('push');
    forced.forced = true;

    await h.receive('push', forced);

    expect(signal.requests.map((r) => r.revision)).toEqual([SHAS.merge]);
  });

  test('an errored push is signalled again when the newest deployment is older than it', async () => {
    const signal = await harness();
    setupMerge(h.gh);
    const OLDER = '0000000000000000000000000000000000000aaa';
    const older = h.gh.addDeployment({
      sha: OLDER,
      environment: 'production',
      payload: { ferry: { target: 'production', summary: [], branch: 'main', merge: OLDER } },
    });
    h.gh.addDeploymentStatus({ deployment_id: older.id, state: 'success' });
    h.gh.compares.set(`${SHAS.merge}...${OLDER}`, { files: [], status: 'behind' });
    signal.failWith = new Error('cluster unreachable');
    await expect(h.receive('push', loadPayload('push'), 'p-1')).rejects.toThrow();
    signal.failWith = undefined;

    await h.receive('push', loadPayload('push'), 'p-1');

    expect(signal.requests.map((r) => r.revision)).toEqual([SHAS.merge, SHAS.merge]);
    expect(h.gh.statuses.at(-1)?.state).toBe('queued');
  });

  test('tag pushes and branch deletions are ignored without a request', async () => {
    await harness();
    const tag = loadPayload('push');
    tag.ref = 'refs/tags/v1.0.0';
    const deletion = loadPayload('push');
    deletion.after = '0'.repeat(40);
    deletion.deleted = true;

    await h.receive('push', tag);
    await h.receive('push', deletion);

    expect(h.gh.requests).toHaveLength(0);
  });

  test('a merge that changes no target resource creates no Deployment', async () => {
    const signal = await harness();
    setupMerge(h.gh, { head: { ...BASE_FILES, 'README.md': '# new\n' }, changed: ['README.md'] });

    await h.receive('push', loadPayload('push'));

    expect(h.gh.deployments).toHaveLength(0);
    expect(signal.requests).toHaveLength(0);
  });

  test("a merge that changes only a target's entry in .github/ferry.yml deploys it: the base renders with its own", async () => {
    const signal = await harness();
    const moved = { ...BASE_FILES, '.github/ferry.yml': CONFIG.replace('namespace: ml', 'namespace: ml-v2') };
    setupMerge(h.gh, { head: moved, changed: ['.github/ferry.yml'] });

    await h.receive('push', loadPayload('push'));

    expect(h.gh.deployments.map((d) => d.environment)).toEqual(['production']);
    expect(signal.requests.map((r) => r.target.namespace)).toEqual(['ml-v2']);
    expect(h.gh.commentsOn(42)[0]?.body).toContain('| production | 1 | 0 | 1 | 0 | 0 |');
  });

  test('a failed signal is recorded on the Deployment and thrown; the retry signals again', async () => {
    const signal = await harness();
    signal.failWith = new Error('EKS DescribeCluster: AccessDenied');
    setupMerge(h.gh);

    await expect(h.receive('push', loadPayload('push'), 'push-2')).rejects.toThrow();
    expect(h.gh.statuses.map((s) => s.state)).toEqual(['error']);
    expect(h.gh.statuses[0]?.description).toBe('sync signal failed: EKS DescribeCluster: AccessDenied');
    expect(h.gh.commentsOn(42)[0]?.body).toContain(
      '❌ deploying `3333333` to production errored: sync signal failed: EKS DescribeCluster: AccessDenied',
    );

    signal.failWith = undefined;
    await h.receive('push', loadPayload('push'), 'push-2');

    expect(h.gh.deployments).toHaveLength(1);
    expect(signal.requests).toHaveLength(2);
    expect(h.gh.statuses.map((s) => s.state)).toEqual(['error', 'queued']);
    expect(h.gh.commentsOn(42)[0]?.body).toContain(
      '🚀 deploying `3333333` to production…: sync of 3333333 requested (Sync ferry-production)',
    );
  });

  test('a merge with a broken .github/ferry.yml deploys nothing and the PR says why', async () => {
    const signal = await harness();
    const broken = 'targets:\n  - name: production\n    pth: deploy/production\n';
    setupMerge(h.gh, { head: { ...HEAD_FILES, '.github/ferry.yml': broken } });

    await h.receive('push', loadPayload('push'));

    expect(h.gh.deployments).toHaveLength(0);
    expect(signal.requests).toHaveLength(0);
    expect(h.gh.commentsOn(42)[0]?.body).toContain('.github/ferry.yml');
  });

  test('a merge whose head fails to render is not signalled; its Deployment says why', async () => {
    const signal = await harness();
    setupMerge(h.gh, {
      head: { ...BASE_FILES, 'deploy/production/model.yaml': 'kind: ConfigMap\nmetadata: [\n' },
    });

    await h.receive('push', loadPayload('push'));

    expect(signal.requests).toHaveLength(0);
    expect(h.gh.statuses.map((s) => [s.state, s.description])).toEqual([
      ['error', 'production failed to render at this commit; not deployed'],
    ]);
  });

  test('a merge that fixes a target its base could not render is signalled', async () => {
    const signal = await harness();
    setupMerge(h.gh, {
      base: { ...BASE_FILES, 'deploy/production/model.yaml': 'kind: ConfigMap\nmetadata: [\n' },
    });

    await h.receive('push', loadPayload('push'));

    expect(signal.requests).toHaveLength(1);
    expect(signal.requests[0]?.revision).toBe(SHAS.merge);
    expect(h.gh.statuses.map((s) => s.state)).toEqual(['queued']);
  });
});
