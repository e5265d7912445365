import { renderComment, STICKY_MARKER } from '../report/render-comment.ts';
import type { ChangeSet } from '../types.ts';
import { computePreview, failedChangeSet } from './compute-preview.ts';
import { parseDeploymentPayload } from './deployment-payload.ts';
import { describeError, isRetryable } from './describe-error.ts';
import type { FlowContext } from './flow-context.ts';
import { listDeploymentNotes } from './list-deployment-notes.ts';
import type { DeploymentStatusInfo } from './list-deployment-statuses.ts';
import type { FerryDeployment } from './list-ferry-deployments.ts';
import { upsertMarkedComment } from './upsert-marked-comment.ts';

/**
 * States Ferry's own merge flow writes (already in the comment it posts), and `inactive`, which
 * GitHub also sets on older deployments by itself: none says anything new about an outcome.
 */
const QUIET_STATES = new Set(['queued', 'pending', 'inactive']);

export interface DeploymentEvent {
  deployment: { id: number; sha: string; environment: string; created_at: string; payload: unknown };
  status: {
    id: number;
    state: string;
    description?: string | null;
    created_at: string;
    log_url?: string;
    environment_url?: string;
    target_url?: string;
  };
  defaultBranch: string;
}

export type DeploymentUpdateOutcome = 'updated' | 'ignored';

/**
 * A deployment status from the agent (in progress, success, failure, error; rollbacks too) updates
 * the merged PR's sticky comment. No state is kept between events: the comment is rendered again
 * from the merge's preview and every target's latest Deployment status, read back from GitHub, so
 * events arriving out of order or twice converge on the same comment.
 */
export async function runDeploymentUpdate(
  flow: FlowContext,
  event: DeploymentEvent,
): Promise<DeploymentUpdateOutcome> {
  const payload = parseDeploymentPayload(event.deployment.payload);
  if (!payload?.pull || QUIET_STATES.has(event.status.state)) return 'ignored';
  const deployment: FerryDeployment = {
    id: event.deployment.id,
    sha: event.deployment.sha,
    environment: event.deployment.environment,
    createdAt: event.deployment.created_at,
    payload,
  };
  const url = event.status.log_url || event.status.environment_url || event.status.target_url || undefined;
  const status: DeploymentStatusInfo = {
    id: event.status.id,
    state: event.status.state,
    description: event.status.description ?? '',
    createdAt: event.status.created_at,
    ...(url ? { url } : {}),
  };

  let changeSets: ChangeSet[];
  let baseSha: string | undefined;
  try {
    const preview = await computePreview(flow, {
      head: payload.merge,
      ...(payload.base ? { base: payload.base } : {}),
      baseMode: 'exact',
      defaultBranch: event.defaultBranch,
      targetFilter: (t) => t.branch === payload.branch,
    });
    changeSets = preview.changeSets;
    baseSha = preview.baseSha;
  } catch (err) {
    if (isRetryable(err)) throw err;
    flow.log.warn({ err, sha: payload.merge }, 'merge preview could not be rendered again');
    changeSets = [failedChangeSet({ rule: 'source', message: describeError(err) })];
  }
  const deployments = await listDeploymentNotes(flow, {
    merge: payload.merge,
    fresh: { deployment, status },
  });
  await upsertMarkedComment(flow, {
    issueNumber: payload.pull,
    marker: STICKY_MARKER,
    body: renderComment({
      repository: flow.repository,
      webUrl: flow.webUrl,
      headSha: payload.merge,
      ...(baseSha ? { baseSha } : {}),
      changeSets,
      deployments,
    }),
    create: true,
  });
  return 'updated';
}
