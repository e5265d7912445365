/**
 * The machine-readable copy of a LiveResult that rides in the `ferry/live: TARGET` check run's summary
 * (an HTML comment GitHub does not show): the agent writes it, the App reads it back when the check run
 * completes, so the sticky comment's "Live" section needs no state outside GitHub.
 */
import { type LiveResult, parseLiveResult } from './live-result.ts';

const PREFIX = '<!-- ferry:live:v1 ';
const SUFFIX = ' -->';
const MARKER = /<!-- ferry:live:v1 ([A-Za-z0-9_-]+) -->/;

/** The check run name for a target's live check. */
export function liveCheckRunName(target: string): string {
  return `ferry/live: ${target}`;
}

export { targetOfLiveCheckRun } from './target-of-live-check-run.ts';

/** The marker for a result: base64url JSON, so no `-->` or Markdown inside can end or break it. */
export function formatLiveMarker(result: LiveResult): string {
  return `${PREFIX}${Buffer.from(JSON.stringify(result), 'utf8').toString('base64url')}${SUFFIX}`;
}

/** The result in a check run summary, or undefined when there is none or it is malformed. */
export function parseLiveMarker(summary: string): LiveResult | undefined {
  const match = MARKER.exec(summary);
  if (!match?.[1]) return undefined;
  try {
    return parseLiveResult(JSON.parse(Buffer.from(match[1], 'base64url').toString('utf8')));
  } catch (err) {
    void err; // not JSON: treated as no result
    return undefined;
  }
}
