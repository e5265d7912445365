import {
  conclusionOfLive,
  LIVE_CHECKS,
  type LiveFinding,
  type LiveResult,
  sortLiveFindings,
} from '../live/live-result.ts';
import { formatCount, plural } from './markdown.ts';

export interface LiveSummary {
  conclusion: 'success' | 'failure' | 'neutral';
  /** `the cluster accepts 42 objects`, or `2 refused, 1 drifted, GPU shortfall`: one line, no Markdown. */
  headline: string;
  /** The findings a reader sees first (errors before warnings, dry-run before drift before capacity). */
  top: LiveFinding[];
}

/**
 * What a live result says in one line, shared by the comment's Live section and `ferry preview`:
 * the counts a reviewer acts on (objects refused by the dry-run, objects drifted from the applied
 * revision, a GPU shortfall), then the checks that did not finish.
 */
export function summarizeLive(result: LiveResult, opts: { top?: number } = {}): LiveSummary {
  const conclusion = conclusionOfLive(result);
  const sorted = sortLiveFindings(result.findings);
  // Every check that found something a reviewer acts on shows its worst finding (a drift or a GPU
  // shortfall is not hidden behind three refusals); the rest of the lines go to the worst overall.
  const limit = opts.top ?? 5;
  const picked = new Set<LiveFinding>();
  for (const check of LIVE_CHECKS) {
    const worst = sorted.find((f) => f.check === check && f.severity !== 'info');
    if (worst && picked.size < limit) picked.add(worst);
  }
  for (const f of sorted) if (picked.size < limit) picked.add(f);
  const top = sorted.filter((f) => picked.has(f));
  if (result.error !== undefined) {
    return { conclusion, headline: `the live check could not run: ${result.error}`, top };
  }
  const distinct = (check: LiveFinding['check'], severity?: LiveFinding['severity']) =>
    new Set(
      result.findings
        .filter((f) => f.check === check && (severity === undefined || f.severity === severity))
        .map((f) => f.resource),
    ).size;
  const refused = distinct('dry-run', 'error');
  const drifted = distinct('drift');
  const shortfall =
    result.gpu.some((d) => !d.fits) ||
    result.findings.some((f) => f.check === 'capacity' && f.severity === 'error');
  const parts: string[] = [];
  if (refused > 0) parts.push(`${formatCount(refused)} refused`);
  if (drifted > 0) parts.push(`${formatCount(drifted)} drifted`);
  if (shortfall) parts.push('GPU shortfall');
  const unfinished = LIVE_CHECKS.filter((c) => {
    const state = result.checks[c].state;
    return state === 'timed-out' || state === 'failed';
  }).map((c) => `${c} ${result.checks[c].state}`);
  if (parts.length === 0) {
    const others = result.findings.filter((f) => f.severity !== 'info').length;
    parts.push(
      `the cluster accepts ${plural(result.objects, 'object')}`,
      ...(others > 0 ? [plural(others, 'warning')] : []),
    );
  }
  parts.push(...unfinished);
  if (result.truncated > 0) parts.push(`${formatCount(result.truncated)} more findings not kept`);
  return { conclusion, headline: parts.join(', '), top };
}
