import { afterEach, describe, expect, test } from 'vitest';
import { createHarness, type Harness, loadPayload, SHAS } from '../helpers/github/app-harness.ts';
import { FakeSignal } from '../helpers/github/fake-signal.ts';
import { setupMerge } from '../helpers/github/scenario.ts';

let h: Harness;
afterEach(() => {
  h.gh.assertClean();
  h.close();
});

/** A merge of #42 already deployed (push handled), then the agent's status arrives. */
async function deployed() {
  h = await createHarness({ signalFor: () => new FakeSignal() });
  setupMerge(h.gh);
  await h.receive('push', loadPayload('push'));
  const deployment = h.gh.deployments[0];
  if (!deployment) throw new Error('push created no deployment');
  deployment.created_at = '2025-01-01T12:00:00Z';
  return deployment;
}

function statusEvent(opts: {
  deploymentId: number;
  state: string;
  at: string;
  payload?: unknown;
  sha?: string;
}) {
  const event = loadPayload('deployment_status.created');
  event.deployment.id = opts.deploymentId;
  event.deployment.sha = opts.sha ?? SHAS.merge;
  event.deployment.created_at = '2025-01-01T12:00:00Z';
  if (opts.payload) event.deployment.payload = opts.payload;
  event.deployment_status.id = 90_000 + (Math.floor(Date.parse(opts.at) / 1000) % 10_000);
  event.deployment_status.state = opts.state;
  event.deployment_status.created_at = opts.at;
  return event;
}

describe('deployment status from the agent', () => {
  test('updates the merged PR comment with the outcome and the time it took', async () => {
    const deployment = await deployed();
    h.gh.addDeploymentStatus({ deployment_id: deployment.id, state: 'success', description: 'healthy' });

    await h.receive(
      'deployment_status',
      statusEvent({ deploymentId: deployment.id, state: 'success', at: '2025-01-01T12:01:30Z' }),
    );

    const body = h.gh.commentsOn(42)[0]?.body ?? '';
    expect(body).toContain('✅ deployed `3333333` to production in 1m 30s');
    expect(body).toContain('| production | 0 | 1 | 0 | 0 | 0 |');
    expect(h.gh.commentsOn(42)).toHaveLength(1);
  });

  test('reports a failed deployment as failed', async () => {
    const deployment = await deployed();

    await h.receive(
      'deployment_status',
      statusEvent({ deploymentId: deployment.id, state: 'failure', at: '2025-01-01T12:03:00Z' }),
    );

    expect(h.gh.commentsOn(42)[0]?.body).toContain('❌ deploying `3333333` to production failed');
  });

  test('a successful rollback deployment reads rolled back on the PR it undid', async () => {
    const deployment = await deployed();
    const rollback = h.gh.addDeployment({
      sha: SHAS.base,
      environment: 'production',
      payload: {
        ferry: {
          target: 'production',
          summary: [],
          branch: 'main',
          merge: SHAS.merge,
          base: SHAS.base,
          pull: 42,
          rollback: { requestedBy: 'alice', comment: 9001 },
        },
      },
      created_at: '2025-01-01T12:00:00Z',
    });
    void deployment;

    await h.receive(
      'deployment_status',
      statusEvent({
        deploymentId: rollback.id,
        sha: SHAS.base,
        state: 'success',
        at: '2025-01-01T12:00:45Z',
        payload: rollback.payload,
      }),
    );

    expect(h.gh.commentsOn(42)[0]?.body).toContain('↩️ rolled back `1111111` on production');
  });

  test('ignores its own queued and inactive statuses and deployments Ferry did not create', async () => {
    const deployment = await deployed();
    const before = h.gh.requests.length;

    await h.receive(
      'deployment_status',
      statusEvent({ deploymentId: deployment.id, state: 'queued', at: '2025-01-01T12:00:01Z' }),
    );
    await h.receive(
      'deployment_status',
      statusEvent({ deploymentId: deployment.id, state: 'inactive', at: '2025-01-01T12:00:02Z' }),
    );
    await h.receive(
      'deployment_status',
      statusEvent({
        deploymentId: 1,
        state: 'success',
        at: '2025-01-01T12:00:03Z',
        payload: { deploy: 'migrate' },
      }),
    );

    expect(h.gh.requests.length).toBe(before);
  });

  test('a redelivered status leaves the comment as it is', async () => {
    const deployment = await deployed();
    const event = statusEvent({ deploymentId: deployment.id, state: 'success', at: '2025-01-01T12:01:30Z' });
    await h.receive('deployment_status', event, 'status-1');
    const updates = h.gh.requestsFor('issues/update-comment').length;

    await h.receive('deployment_status', event, 'status-1');

    expect(h.gh.requestsFor('issues/update-comment')).toHaveLength(updates);
    expect(h.gh.requestsFor('issues/create-comment')).toHaveLength(1);
  });
});
