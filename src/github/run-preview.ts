import { renderCheckRun } from '../report/render-check-run.ts';
import { COMMENT_LIMIT, renderComment, STICKY_MARKER } from '../report/render-comment.ts';
import {
  LIVE_SECTION_BUDGET,
  type LiveRequestState,
  renderLiveSection,
  replaceLiveSection,
} from '../report/render-live-section.ts';
import type { Report } from '../report/report.ts';
import type { ChangeSet, Target } from '../types.ts';
import { computePreview, failedChangeSet } from './compute-preview.ts';
import { describeError, isRetryable } from './describe-error.ts';
import { findCheckRun } from './find-check-run.ts';
import type { FlowContext } from './flow-context.ts';
import { getPull, type PullInfo } from './get-pull.ts';
import { getTrustedAppIds } from './get-trusted-app-ids.ts';
import { hasConfigFile } from './has-config-file.ts';
import { listLiveResults } from './list-live-results.ts';
import { planLiveRequests } from './plan-live-requests.ts';
import { requestLivePreviews } from './request-live-previews.ts';
import { formatRunKey } from './run-key.ts';
import { setCheckRunResult, setCheckRunSuperseded } from './set-check-run-result.ts';
import { startCheckRun } from './start-check-run.ts';
import { upsertMarkedComment } from './upsert-marked-comment.ts';

export type PreviewOutcome = 'posted' | 'duplicate' | 'stale' | 'unconfigured';

/**
 * The pull-request flow: check run in progress → fetch base and head → render, validate, diff →
 * sticky comment → check run completed.
 *
 * - Idempotent: the check run is keyed by (head SHA, PR, trigger, base); a completed one means this
 *   exact preview was posted already, so a redelivery returns 'duplicate' and writes nothing.
 * - Stale-safe: before posting, the PR's head is read again; if it moved on, the result is dropped
 *   and this commit's check run closed as superseded. The comment is only written by the run for
 *   the PR's current head.
 * - A preview that cannot run (render failure, oversized or unsafe tarball) is reported on the PR;
 *   only errors worth a retry (GitHub 5xx, rate limits) are thrown.
 */
export async function runPreview(
  flow: FlowContext,
  opts: { pull: PullInfo; trigger: string; defaultBranch: string },
): Promise<PreviewOutcome> {
  const { pull } = opts;
  if (!(await hasConfigFile(flow, pull.headSha))) return 'unconfigured';
  const externalId = formatRunKey({ pull: pull.number, trigger: opts.trigger, base: pull.baseSha });
  const existing = await findCheckRun(flow, { headSha: pull.headSha, externalId });
  if (existing?.completed) return 'duplicate';
  const checkRunId = existing?.id ?? (await startCheckRun(flow, { headSha: pull.headSha, externalId }));

  let changeSets: ChangeSet[];
  let baseSha: string | undefined;
  let baseTargets: Target[] | undefined;
  try {
    const result = await computePreview(flow, {
      head: pull.headSha,
      base: pull.baseSha,
      baseMode: 'merge-base',
      defaultBranch: opts.defaultBranch,
    });
    changeSets = result.changeSets;
    baseSha = result.baseSha;
    baseTargets = result.baseTargets;
  } catch (err) {
    if (isRetryable(err)) throw err;
    flow.log.warn({ err, pull: pull.number, head: pull.headSha }, 'preview could not run');
    changeSets = [failedChangeSet({ rule: 'source', message: describeError(err) })];
  }

  const current = await getPull(flow, pull.number);
  if (current.headSha !== pull.headSha) {
    await setCheckRunSuperseded(flow, { checkRunId, newHeadSha: current.headSha });
    flow.log.info({ pull: pull.number, head: pull.headSha, current: current.headSha }, 'preview superseded');
    return 'stale';
  }
  const report: Report = {
    repository: flow.repository,
    webUrl: flow.webUrl,
    headSha: pull.headSha,
    ...(baseSha ? { baseSha } : {}),
    changeSets,
  };
  const plans = planLiveRequests({ changeSets, baseTargets, fromFork: pull.fromFork });
  const requests = await requestLivePreviews(flow, { pull, plans });
  await upsertMarkedComment(flow, {
    issueNumber: pull.number,
    marker: STICKY_MARKER,
    body: await renderCommentWithLive(flow, { report, requests }),
    // A PR that touches no target gets no new comment; one that had a comment gets it updated.
    create: changeSets.length > 0,
  });
  await setCheckRunResult(flow, { checkRunId, output: renderCheckRun(report) });
  return 'posted';
}

/**
 * The sticky comment, with a Live section when a target's cluster was (or could not be) asked. Check
 * runs the agents already completed for this head are read in, so a preview re-run after the
 * cluster answered keeps the answer.
 */
async function renderCommentWithLive(
  flow: FlowContext,
  opts: { report: Report; requests: LiveRequestState[] },
): Promise<string> {
  if (opts.requests.length === 0) return renderComment(opts.report);
  const results = opts.requests.some((r) => r.state === 'requested')
    ? await listLiveResults(flow, {
        headSha: opts.report.headSha,
        trustedAppIds: await getTrustedAppIds(flow),
      })
    : [];
  const section = renderLiveSection({ head: opts.report.headSha, requests: opts.requests, results });
  return replaceLiveSection(
    renderComment(opts.report, { maxChars: COMMENT_LIMIT - LIVE_SECTION_BUDGET }),
    section,
  );
}
