import type { Target } from '../types.ts';
import { createRevertPull } from './create-revert-pull.ts';
import { describeError, isRetryable } from './describe-error.ts';
import { findMarkedComment } from './find-marked-comment.ts';
import { findRevertPull, revertMarker } from './find-revert-pull.ts';
import { findRollbackDeployment } from './find-rollback-deployment.ts';
import type { FlowContext } from './flow-context.ts';
import { getOwnAppId } from './get-own-app-id.ts';
import { getPull, type PullInfo } from './get-pull.ts';
import { listDeploymentStatuses } from './list-deployment-statuses.ts';
import { type FerryDeployment, listFerryDeployments } from './list-ferry-deployments.ts';
import { loadTargets } from './load-targets.ts';
import { replyMarker } from './reply-marker.ts';
import { sendSync } from './send-sync.ts';
import { setDeploymentStatus } from './set-deployment-status.ts';
import { upsertDeployment } from './upsert-deployment.ts';
import { upsertMarkedComment } from './upsert-marked-comment.ts';

export type RollbackOutcome = 'rolled-back' | 'nothing' | 'refused' | 'duplicate';

export interface RollbackRequest {
  pullNumber: number;
  /** Target named in `/rollback <target>`; all targets the PR deployed when absent. */
  target?: string;
  /** Login of the person who asked (permission already checked). */
  requester: string;
  commentId: number;
  defaultBranch: string;
}

/**
 * `/rollback [target]` on a merged PR: for each target the merge deployed, find the last
 * successful deployment before it, signal it as a rollback (with a Deployment of its own), open
 * GitHub's revert of the PR so Git converges on what runs, and reply with links.
 *
 * The reply is the record: a redelivered comment finds it and does nothing ('duplicate').
 */
export async function runRollback(flow: FlowContext, request: RollbackRequest): Promise<RollbackOutcome> {
  const marker = replyMarker(request.commentId);
  if (await findMarkedComment(flow, request.pullNumber, marker)) return 'duplicate';
  const reply = async (text: string) =>
    upsertMarkedComment(flow, {
      issueNumber: request.pullNumber,
      marker,
      body: `${marker}\n${text}`,
      create: true,
    });
  const mention = `@${request.requester}`;

  const pull = await getPull(flow, request.pullNumber);
  if (!pull.merged || !pull.mergeCommitSha) {
    await reply(
      `${mention}, #${pull.number} is not merged, so nothing of it was deployed: \`/rollback\` works on merged pull requests.`,
    );
    return 'refused';
  }
  const merge = pull.mergeCommitSha;
  const deployed = latestPerTarget(
    (await listFerryDeployments(flow, { sha: merge })).filter(
      (d) => d.payload.merge === merge && d.payload.rollback === undefined,
    ),
  );
  if (deployed.length === 0) {
    await reply(
      `${mention}, #${pull.number} deployed nothing through Ferry (no Deployment of its merge commit ${short(merge)}): nothing to roll back.`,
    );
    return 'nothing';
  }
  const chosen = request.target ? deployed.filter((d) => d.payload.target === request.target) : deployed;
  if (chosen.length === 0) {
    const names = deployed.map((d) => `\`${d.payload.target}\``).join(', ');
    await reply(`${mention}, #${pull.number} did not deploy \`${request.target}\`; it deployed ${names}.`);
    return 'nothing';
  }

  const targets = await loadTargets(flow, { ref: merge, defaultBranch: request.defaultBranch });
  const lines: string[] = [];
  let rolledBack = 0;
  let already = 0;
  for (const deployment of chosen) {
    const line = await rollbackTarget(flow, { request, pull, deployment, targets });
    if (line.done) rolledBack += 1;
    if (line.already) already += 1;
    lines.push(`- ${line.text}`);
  }
  if (rolledBack > 0) lines.push('', await openRevert(flow, { pull, request }));
  const heading =
    rolledBack > 0
      ? `${mention}, rolling back #${pull.number}:`
      : already > 0
        ? `${mention}, #${pull.number} is already rolled back:`
        : `${mention}, there is nothing to roll #${pull.number} back to:`;
  await reply([heading, '', ...lines].join('\n'));
  return rolledBack > 0 ? 'rolled-back' : 'nothing';
}

async function rollbackTarget(
  flow: FlowContext,
  opts: { request: RollbackRequest; pull: PullInfo; deployment: FerryDeployment; targets: Target[] },
): Promise<{ done: boolean; already?: boolean; text: string }> {
  const { request, pull, deployment } = opts;
  const name = deployment.payload.target;
  const earlier = await findEarlierRollback(flow, { deployment, commentId: request.commentId });
  if (earlier?.payload.rollback) {
    // Two people asking at once (or one asking twice): one rollback, one revert pull request.
    return {
      done: false,
      already: true,
      text: `\`${name}\`: already rolled back to ${short(earlier.sha)} at the request of @${earlier.payload.rollback.requestedBy} (comment ${earlier.payload.rollback.comment}); nothing more to do.`,
    };
  }
  const previous = await findRollbackDeployment(flow, {
    environment: deployment.environment,
    merge: deployment.sha,
    before: deployment.createdAt,
  });
  if (!previous) {
    return { done: false, text: `\`${name}\`: no earlier successful deployment to roll back to.` };
  }
  const target = opts.targets.find((t) => t.name === name);
  if (!target) {
    return {
      done: false,
      text: `\`${name}\`: no longer declared in .github/ferry.yml at ${short(deployment.sha)}.`,
    };
  }
  const { deployment: rollback } = await upsertDeployment(flow, {
    sha: previous.sha,
    environment: deployment.environment,
    payload: {
      target: name,
      summary: [],
      branch: deployment.payload.branch,
      merge: deployment.sha,
      ...(deployment.payload.base ? { base: deployment.payload.base } : {}),
      pull: pull.number,
      rollback: { requestedBy: request.requester, comment: request.commentId },
    },
    description: `Ferry: rollback of #${pull.number} on ${name}, requested by @${request.requester}`,
    isSame: (d) => d.payload.rollback?.comment === request.commentId,
  });
  const outcome = await sendSync(flow, {
    target,
    revision: previous.sha,
    deploymentId: rollback.id,
    reason: `rollback requested by @${request.requester} on #${pull.number}`,
    rollback: true,
  });
  await setDeploymentStatus(flow, {
    deploymentId: rollback.id,
    state: outcome.state,
    description: outcome.description,
  });
  if (outcome.error && isRetryable(outcome.error)) throw outcome.error;
  const where = `${short(previous.sha)} (deployed ${previous.createdAt})`;
  return outcome.state === 'queued'
    ? { done: true, text: `\`${name}\`: rolling back to ${where}; ${outcome.description}.` }
    : { done: true, text: `\`${name}\`: rollback to ${where} recorded, but ${outcome.description}.` };
}

/**
 * A rollback of the same merge and target that another comment asked for and that did not end in an
 * error (an errored one may be asked for again).
 */
async function findEarlierRollback(
  flow: FlowContext,
  opts: { deployment: FerryDeployment; commentId: number },
): Promise<FerryDeployment | undefined> {
  // Only this App's own rollback Deployments: a record with Ferry's payload saying "rolled back" that
  // someone else made would otherwise stop every /rollback of the merge.
  const appId = await getOwnAppId(flow);
  const rollbacks = (await listFerryDeployments(flow, { environment: opts.deployment.environment })).filter(
    (d) =>
      (appId === undefined || d.appId === appId) &&
      d.payload.merge === opts.deployment.sha &&
      d.payload.target === opts.deployment.payload.target &&
      d.payload.rollback !== undefined &&
      d.payload.rollback.comment !== opts.commentId,
  );
  for (const rollback of rollbacks) {
    const [latest] = await listDeploymentStatuses(flow, rollback.id);
    if (latest?.state !== 'error') return rollback;
  }
  return undefined;
}

/**
 * Opens the revert pull request once per comment: a retry (a Lambda retry after a later step
 * failed, a redelivery) finds the one it opened by the marker in its body.
 */
async function openRevert(
  flow: FlowContext,
  opts: { pull: PullInfo; request: RollbackRequest },
): Promise<string> {
  const { request } = opts;
  try {
    const revert =
      (await findRevertPull(flow, request.commentId)) ??
      (await createRevertPull(flow, {
        pullNodeId: opts.pull.nodeId,
        title: `Revert "${opts.pull.title}"`,
        body: `Reverts #${opts.pull.number}: rolled back by Ferry on request of @${request.requester}. Merge this so the branch matches what runs.\n\n${revertMarker(request.commentId)}`,
      }));
    return `Revert pull request: #${revert.number} (${revert.url}). Merge it so Git matches what runs.`;
  } catch (err) {
    if (isRetryable(err)) throw err;
    flow.log.warn({ err, pull: opts.pull.number }, 'revert pull request not opened');
    return `I could not open a revert pull request (${describeError(err)}); revert #${opts.pull.number} by hand so Git matches what runs.`;
  }
}

/** GitHub lists newest first: keep the first deployment seen per target. */
function latestPerTarget(deployments: FerryDeployment[]): FerryDeployment[] {
  const seen = new Map<string, FerryDeployment>();
  for (const d of deployments) if (!seen.has(d.payload.target)) seen.set(d.payload.target, d);
  return [...seen.values()];
}

function short(sha: string): string {
  return sha.slice(0, 7);
}
