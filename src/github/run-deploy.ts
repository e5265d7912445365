import { renderComment, STICKY_MARKER } from '../report/render-comment.ts';
import type { DeploymentNote, Report } from '../report/report.ts';
import type { ChangeSet, Target } from '../types.ts';
import { computePreview, failedChangeSet, type PreviewResult } from './compute-preview.ts';
import type { FerryDeploymentPayload } from './deployment-payload.ts';
import { describeError, isRetryable } from './describe-error.ts';
import { findMergedPull } from './find-merged-pull.ts';
import { findSupersedingDeployment } from './find-superseding-deployment.ts';
import type { FlowContext } from './flow-context.ts';
import { formatDeploymentNote } from './format-deployment-note.ts';
import { hasConfigFile } from './has-config-file.ts';
import { listDeploymentStatuses } from './list-deployment-statuses.ts';
import { loadTargets } from './load-targets.ts';
import { type SyncOutcome, sendSync } from './send-sync.ts';
import { setDeploymentStatus } from './set-deployment-status.ts';
import { upsertDeployment } from './upsert-deployment.ts';
import { upsertMarkedComment } from './upsert-marked-comment.ts';

const ZERO_SHA = /^0{40}$/;

export interface PushInfo {
  ref: string;
  before: string;
  after: string;
  forced: boolean;
  defaultBranch: string;
}

export type DeployOutcome =
  | 'deployed'
  | 'ignored'
  | 'unconfigured'
  | 'untracked'
  | 'nothing-changed'
  | 'config-invalid'
  | 'failed';

/** Signalling failed for some targets; thrown after everything else is recorded, so a retry can resend. */
export class SignalFailedError extends Error {
  override name = 'SignalFailedError';
  constructor(
    readonly sha: string,
    readonly targets: string[],
    options?: ErrorOptions,
  ) {
    super(`sync signal for ${sha.slice(0, 7)} failed for ${targets.join(', ')}`, options);
  }
}

/**
 * The merge flow: a push to a target's tracked branch deploys the targets it changes. For each,
 * a GitHub Deployment (environment = target, ref = the SHA, payload = the AI summary) and a sync
 * signal to the target's cluster; the merged PR's sticky comment then says it is deploying.
 *
 * Idempotent: deployments are found by (SHA, environment) before one is created, and a deployment
 * that already has a status is not signalled again unless that status is an error. The Signal
 * itself treats the same SHA twice as one deploy.
 */
export async function runDeploy(flow: FlowContext, push: PushInfo): Promise<DeployOutcome> {
  if (!push.ref.startsWith('refs/heads/') || ZERO_SHA.test(push.after)) return 'ignored';
  const branch = push.ref.slice('refs/heads/'.length);
  if (!(await hasConfigFile(flow, push.after))) return 'unconfigured';
  const base = ZERO_SHA.test(push.before) ? undefined : push.before;
  let preview: PreviewResult;
  try {
    preview = await computePreview(flow, {
      head: push.after,
      ...(base ? { base } : {}),
      baseMode: 'exact',
      all: push.forced,
      defaultBranch: push.defaultBranch,
      targetFilter: (t) => t.branch === branch,
    });
  } catch (err) {
    if (isRetryable(err)) throw err;
    // Nothing is deployed from a commit Ferry cannot read; the merged PR's comment says why.
    flow.log.error({ err, sha: push.after }, 'merge could not be previewed; not deployed');
    await reportFailure(flow, { sha: push.after, message: describeError(err) });
    return 'failed';
  }
  if (preview.targets.length === 0) return 'untracked';
  if (!preview.configValid) {
    // Nothing deploys from a broken config (its fallback target is preview-only): the PR says why.
    flow.log.warn({ sha: push.after }, '.github/ferry.yml has errors; not deployed');
    const pull = await findMergedPull(flow, push.after);
    if (pull) {
      await upsertPullComment(flow, {
        pull,
        report: {
          repository: flow.repository,
          webUrl: flow.webUrl,
          headSha: push.after,
          changeSets: preview.changeSets,
        },
      });
    }
    return 'config-invalid';
  }
  const tracked = await keepTrackedTargets(flow, {
    targets: preview.targets,
    branch,
    defaultBranch: push.defaultBranch,
  });
  if (tracked.length === 0) return 'untracked';
  const byName = new Map(tracked.map((t) => [t.name, t]));
  const affected = preview.changeSets.filter((cs) => byName.has(cs.target) && isDeployable(cs));
  if (affected.length === 0) return 'nothing-changed';

  const pull = await findMergedPull(flow, push.after);
  const notes: DeploymentNote[] = [];
  const failed: { target: string; error: unknown }[] = [];
  for (const changeSet of affected) {
    const target = byName.get(changeSet.target) as Target;
    const result = await deployTarget(flow, {
      target,
      changeSet,
      sha: push.after,
      base,
      branch,
      pull,
      forced: push.forced,
    });
    notes.push(result.note);
    if (result.error) failed.push({ target: target.name, error: result.error });
  }

  if (pull) {
    await upsertPullComment(flow, {
      pull,
      report: {
        repository: flow.repository,
        webUrl: flow.webUrl,
        headSha: push.after,
        ...(preview.baseSha ? { baseSha: preview.baseSha } : {}),
        changeSets: preview.changeSets,
        deployments: notes,
      },
    });
  }
  if (failed.length > 0) {
    throw new SignalFailedError(
      push.after,
      failed.map((f) => f.target),
      { cause: failed[0]?.error },
    );
  }
  return 'deployed';
}

/** One target of a merge: its Deployment, the sync signal, the status that records the outcome. */
async function deployTarget(
  flow: FlowContext,
  opts: {
    target: Target;
    changeSet: ChangeSet;
    sha: string;
    base?: string;
    branch: string;
    pull?: number;
    /** A forced push replaced the branch's history: what deployed after its commit may be gone from it. */
    forced: boolean;
  },
): Promise<{ note: DeploymentNote; error?: unknown }> {
  const { target, changeSet, pull } = opts;
  const payload: FerryDeploymentPayload = {
    target: target.name,
    summary: changeSet.summary,
    branch: opts.branch,
    merge: opts.sha,
    ...(opts.base ? { base: opts.base } : {}),
    ...(pull ? { pull } : {}),
  };
  const { deployment, created } = await upsertDeployment(flow, {
    sha: opts.sha,
    environment: target.name,
    payload,
    description: pull ? `Ferry: merge of #${pull} to ${target.name}` : `Ferry: push to ${opts.branch}`,
    isSame: (d) => d.payload.merge === opts.sha && d.payload.rollback === undefined,
  });
  // Handled by an earlier delivery, unless that ended in an error worth another attempt.
  const latest = created ? undefined : (await listDeploymentStatuses(flow, deployment.id))[0];
  if (latest && latest.state !== 'error') return { note: formatDeploymentNote(deployment, latest) };
  const newer =
    changeSet.renderFailed || opts.forced
      ? undefined
      : await findSupersedingDeployment(flow, {
          environment: target.name,
          sha: opts.sha,
          branch: opts.branch,
        });
  const outcome: SyncOutcome = changeSet.renderFailed
    ? { state: 'error', description: `${target.name} failed to render at this commit; not deployed` }
    : newer
      ? {
          state: 'inactive',
          description: `superseded by ${newer.sha.slice(0, 7)}, deployed to ${target.name} after it and holding it; not signalled`,
        }
      : await sendSync(flow, {
          target,
          revision: deployment.sha,
          deploymentId: deployment.id,
          reason: pull ? `merge of #${pull}` : `push to ${opts.branch}`,
        });
  await setDeploymentStatus(flow, {
    deploymentId: deployment.id,
    state: outcome.state,
    description: outcome.description,
  });
  const note: DeploymentNote = {
    target: target.name,
    environment: target.name,
    // Signalled: the agent is on it, and the comment says "deploying to <target>…".
    state: outcome.state === 'queued' ? 'in_progress' : outcome.state,
    sha: opts.sha,
    description: outcome.description,
  };
  return outcome.error ? { note, error: outcome.error } : { note };
}

/**
 * The pushed commit's targets that the default branch's `.github/ferry.yml` also has tracking this
 * branch. A push's own config says which targets track its branch, but on a branch other than the
 * default anyone who can push there writes that file: `branch: release` in a release branch's copy
 * must not make a push to `release` deploy production, whose agent follows the default branch's
 * config and would refuse it anyway. A push to the default branch is the config the agent reads.
 */
async function keepTrackedTargets(
  flow: FlowContext,
  opts: { targets: Target[]; branch: string; defaultBranch: string },
): Promise<Target[]> {
  if (opts.branch === opts.defaultBranch) return opts.targets;
  const declared = await loadTargets(flow, { ref: opts.defaultBranch, defaultBranch: opts.defaultBranch });
  const kept = opts.targets.filter((t) =>
    declared.some((d) => d.name === t.name && d.branch === opts.branch),
  );
  const dropped = opts.targets.filter((t) => !kept.includes(t)).map((t) => t.name);
  if (dropped.length > 0) {
    flow.log.warn(
      { branch: opts.branch, targets: dropped, defaultBranch: opts.defaultBranch },
      'targets this push configures for its branch do not track it on the default branch; not deployed',
    );
  }
  return kept;
}

/**
 * A change set worth deploying: something changes, the base did not render (so nothing says what
 * changed, and the head, which renders, may be the fix), or the head failed to render (reported, not
 * applied).
 */
function isDeployable(changeSet: ChangeSet): boolean {
  if (changeSet.renderFailed || changeSet.baseFailed === true) return true;
  return changeSet.changes.some((c) => c.action !== 'unchanged');
}

async function upsertPullComment(flow: FlowContext, opts: { pull: number; report: Report }): Promise<void> {
  await upsertMarkedComment(flow, {
    issueNumber: opts.pull,
    marker: STICKY_MARKER,
    body: renderComment(opts.report),
    create: true,
  });
}

async function reportFailure(flow: FlowContext, opts: { sha: string; message: string }): Promise<void> {
  const pull = await findMergedPull(flow, opts.sha);
  if (!pull) return;
  await upsertPullComment(flow, {
    pull,
    report: {
      repository: flow.repository,
      webUrl: flow.webUrl,
      headSha: opts.sha,
      changeSets: [failedChangeSet({ rule: 'source', message: `not deployed: ${opts.message}` })],
    },
  });
}
