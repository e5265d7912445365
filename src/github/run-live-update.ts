import { targetOfLiveCheckRun } from '../live/live-marker.ts';
import { STICKY_MARKER } from '../report/render-comment.ts';
import { parseLiveSection, renderLiveSection, replaceLiveSection } from '../report/render-live-section.ts';
import { findMarkedComment } from './find-marked-comment.ts';
import type { FlowContext } from './flow-context.ts';
import { getTrustedAppIds } from './get-trusted-app-ids.ts';
import { listLiveResults } from './list-live-results.ts';

export type LiveUpdateOutcome = 'updated' | 'unchanged' | 'ignored' | 'untrusted' | 'stale' | 'no-comment';

export interface CompletedCheckRun {
  name: string;
  headSha: string;
  /** The App that created the check run. */
  appId: number | undefined;
  /** PRs GitHub lists for the check run (same-repository heads only). */
  pulls: number[];
}

/**
 * A `ferry/live: TARGET` check run completed (the agent's answer): rewrite the Live section of the
 * sticky comment of each PR it belongs to, and nothing else of the comment. Only check runs of a
 * trusted App count (anyone with checks:write can name a check run `ferry/live: prod`); the section
 * is re-rendered from every live check run of that head, so the order check runs complete in does not
 * matter and a redelivery writes nothing. A comment that describes another head is left alone: a
 * newer push owns it.
 */
export async function runLiveUpdate(flow: FlowContext, run: CompletedCheckRun): Promise<LiveUpdateOutcome> {
  if (targetOfLiveCheckRun(run.name) === undefined) return 'ignored';
  const trustedAppIds = await getTrustedAppIds(flow);
  if (run.appId === undefined || !trustedAppIds.includes(run.appId)) {
    flow.log.warn({ checkRun: run.name, app: run.appId }, 'live check run from an untrusted app ignored');
    return 'untrusted';
  }
  let results: Awaited<ReturnType<typeof listLiveResults>> | undefined;
  const outcomes: LiveUpdateOutcome[] = [];
  for (const pull of run.pulls) {
    const comment = await findMarkedComment(flow, pull, STICKY_MARKER);
    const section = comment ? parseLiveSection(comment.body) : undefined;
    if (!comment || !section) {
      outcomes.push('no-comment');
      continue;
    }
    if (section.head !== run.headSha) {
      flow.log.info({ pull, head: run.headSha, comment: section.head }, 'live result for a superseded head');
      outcomes.push('stale');
      continue;
    }
    results ??= await listLiveResults(flow, { headSha: run.headSha, trustedAppIds });
    const body = replaceLiveSection(comment.body, renderLiveSection({ ...section, results }));
    if (body === comment.body) {
      outcomes.push('unchanged');
      continue;
    }
    await flow.octokit.rest.issues.updateComment({ ...flow.repo, comment_id: comment.id, body });
    outcomes.push('updated');
  }
  return (
    (['updated', 'unchanged', 'stale', 'no-comment'] as const).find((o) => outcomes.includes(o)) ??
    'no-comment'
  );
}
