import { parseLiveMarker, targetOfLiveCheckRun } from '../live/live-marker.ts';
import type { LiveCheckRunResult } from '../report/render-live-section.ts';
import type { FlowContext } from './flow-context.ts';

/**
 * The completed `ferry/live: TARGET` check runs of a head SHA, from trusted apps only (the App itself
 * and FERRY_AGENT_APP_IDS): anyone with checks:write could create a check run with that name. A
 * result whose marker names another target, repository or revision than its check run is dropped.
 */
export async function listLiveResults(
  flow: FlowContext,
  opts: { headSha: string; trustedAppIds: readonly number[] },
): Promise<LiveCheckRunResult[]> {
  const runs = await flow.octokit.paginate(flow.octokit.rest.checks.listForRef, {
    ...flow.repo,
    ref: opts.headSha,
    // The newest run of each name: a re-run of a target's live check replaces the earlier one.
    filter: 'latest',
    status: 'completed',
    per_page: 100,
  });
  const results = new Map<string, LiveCheckRunResult>();
  for (const run of runs) {
    const target = targetOfLiveCheckRun(run.name);
    if (!target || run.app?.id === undefined || !opts.trustedAppIds.includes(run.app.id)) continue;
    if (run.head_sha !== opts.headSha || results.has(target)) continue;
    const parsed = parseLiveMarker(run.output.summary ?? '');
    const result =
      parsed &&
      parsed.target === target &&
      parsed.revision === opts.headSha &&
      parsed.repository.toLowerCase() === flow.repository.toLowerCase()
        ? parsed
        : undefined;
    results.set(target, {
      target,
      conclusion: run.conclusion,
      ...(result ? { result } : {}),
      ...(run.output.title ? { title: run.output.title } : {}),
      ...(run.html_url ? { url: run.html_url } : {}),
    });
  }
  return [...results.values()];
}
