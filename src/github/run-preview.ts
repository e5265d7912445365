import { renderCheckRun } from '../report/render-check-run.ts';
import { renderComment, STICKY_MARKER } from '../report/render-comment.ts';
import type { Report } from '../report/report.ts';
import type { ChangeSet } from '../types.ts';
import { computePreview, failedChangeSet } from './compute-preview.ts';
import { describeError, isRetryable } from './describe-error.ts';
import { findCheckRun } from './find-check-run.ts';
import type { FlowContext } from './flow-context.ts';
import { getPull, type PullInfo } from './get-pull.ts';
import { hasConfigFile } from './has-config-file.ts';
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
  try {
    const result = await computePreview(flow, {
      head: pull.headSha,
      base: pull.baseSha,
      baseMode: 'merge-base',
      defaultBranch: opts.defaultBranch,
    });
    changeSets = result.changeSets;
    baseSha = result.baseSha;
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
  await upsertMarkedComment(flow, {
    issueNumber: pull.number,
    marker: STICKY_MARKER,
    body: renderComment(report),
    // A PR that touches no target gets no new comment; one that had a comment gets it updated.
    create: changeSets.length > 0,
  });
  await setCheckRunResult(flow, { checkRunId, output: renderCheckRun(report) });
  return 'posted';
}
