/**
 * The sticky comment's "Live" section: what each target's cluster said about the PR head (issue 13).
 * It sits between fixed markers so the App can replace it alone when a `ferry/live:` check run
 * completes, leaving the rest of the comment byte for byte as it was. The start marker carries the
 * head SHA the section is for and the request-time state of each target (base64url JSON, so nothing
 * inside can end the HTML comment): a later update re-renders from that plus the check runs, with no
 * state outside GitHub.
 */
import type { LiveResult } from '../live/live-result.ts';
import { codeSpan, escapeMarkdown, link } from './markdown.ts';
import { summarizeLive } from './summarize-live.ts';

export const LIVE_SECTION_END = '<!-- /ferry:live-section -->';
const START = /<!-- ferry:live-section ([A-Za-z0-9_-]*) -->/;
const START_PREFIX = '<!-- ferry:live-section ';

/** What the App knew about a target when it asked (or did not ask) for the live check. */
export type LiveRequestState =
  | { target: string; state: 'requested' }
  | { target: string; state: 'unreachable'; reason: string }
  | { target: string; state: 'forks-off' };

/** A completed `ferry/live: TARGET` check run. */
export interface LiveCheckRunResult {
  target: string;
  /** undefined when the check run carries no readable result (the agent refused, or an old agent). */
  result?: LiveResult;
  conclusion: string | null;
  title?: string;
  url?: string;
}

export interface LiveSection {
  /** The PR head the section describes. */
  head: string;
  requests: LiveRequestState[];
  results?: LiveCheckRunResult[];
}

/** Upper bound of a section's length; the comment leaves this much room for it. */
export const LIVE_SECTION_BUDGET = 8_000;
const MAX_MESSAGE = 300;
const ICON = { success: '✅', failure: '❌', neutral: '⚠️' } as const;

function clip(text: string): string {
  return text.length > MAX_MESSAGE ? `${text.slice(0, MAX_MESSAGE - 1)}…` : text;
}

function requestLine(request: LiveRequestState): string {
  const name = `**${request.target}**`;
  switch (request.state) {
    case 'requested':
      return `- ⏳ ${name}: live check requested from the cluster (server-side dry-run, drift, GPU capacity)`;
    case 'unreachable':
      return `- ⚠️ ${name}: the live check request could not reach the cluster: ${escapeMarkdown(clip(request.reason))}`;
    case 'forks-off':
      return `- ➖ ${name}: live check off for PRs from forks (\`livePreviewForks\` in \`.github/ferry.yml\`)`;
  }
}

function resultLines(run: LiveCheckRunResult): string[] {
  const name = `**${run.target}**`;
  const where = run.url ? ` · ${link('check run', run.url)}` : '';
  if (!run.result) {
    const said = run.title ? `: ${escapeMarkdown(clip(run.title))}` : '';
    return [`- ❔ ${name}: live check ${escapeMarkdown(run.conclusion ?? 'finished')}${said}${where}`];
  }
  const summary = summarizeLive(run.result);
  const lines = [`- ${ICON[summary.conclusion]} ${name}: ${escapeMarkdown(clip(summary.headline))}${where}`];
  for (const finding of summary.top) {
    lines.push(
      `  - ${codeSpan(clip(finding.resource))} (${finding.check}): ${escapeMarkdown(clip(finding.message))}`,
    );
  }
  return lines;
}

/** The section with its markers; '' when there is nothing to say (no target asked for a live check). */
export function renderLiveSection(section: LiveSection): string {
  const done = new Map((section.results ?? []).map((r) => [r.target, r]));
  // Only targets the App asked about (or said why not): a check run for another target is not this PR's.
  const targets = [...new Set(section.requests.map((r) => r.target))].sort();
  if (targets.length === 0) return '';
  const lines: string[] = [];
  for (const target of targets) {
    const run = done.get(target);
    const request = section.requests.find((r) => r.target === target);
    // A request that never reached the cluster, or a fork PR's, has no check run to wait for.
    if (run && request?.state === 'requested') lines.push(...resultLines(run));
    else if (request) lines.push(requestLine(request));
  }
  const meta = Buffer.from(
    JSON.stringify({ head: section.head, requests: section.requests }),
    'utf8',
  ).toString('base64url');
  const start = `${START_PREFIX}${meta} -->`;
  let body = lines.join('\n');
  const room = LIVE_SECTION_BUDGET - start.length - LIVE_SECTION_END.length - 40;
  if (body.length > room)
    body = `${body.slice(0, body.lastIndexOf('\n', room))}\n- … (more in the check runs)`;
  return `${start}\n#### Live\n\n${body}\n${LIVE_SECTION_END}`;
}

/** The section's head and request states read back from a comment body, or undefined when it has none. */
export function parseLiveSection(body: string): Omit<LiveSection, 'results'> | undefined {
  const match = START.exec(body);
  if (!match || !body.includes(LIVE_SECTION_END, match.index)) return undefined;
  try {
    const meta = JSON.parse(Buffer.from(match[1] ?? '', 'base64url').toString('utf8')) as {
      head?: unknown;
      requests?: unknown;
    };
    if (typeof meta.head !== 'string' || !/^[0-9a-f]{40}$/.test(meta.head) || !Array.isArray(meta.requests)) {
      return undefined;
    }
    const requests = meta.requests.filter(isRequestState);
    return { head: meta.head, requests };
  } catch (err) {
    void err; // a hand-edited marker: treated as no section
    return undefined;
  }
}

function isRequestState(value: unknown): value is LiveRequestState {
  const v = value as { target?: unknown; state?: unknown; reason?: unknown } | null;
  if (!v || typeof v.target !== 'string' || !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(v.target)) return false;
  return (
    v.state === 'requested' ||
    v.state === 'forks-off' ||
    (v.state === 'unreachable' && typeof v.reason === 'string')
  );
}

/**
 * `body` with its Live section replaced by `section` (everything outside the markers unchanged), or
 * with `section` inserted after the comment's title line when it has none yet.
 */
export function replaceLiveSection(body: string, section: string): string {
  const match = START.exec(body);
  const end = match ? body.indexOf(LIVE_SECTION_END, match.index) : -1;
  if (match && end >= 0) {
    return `${body.slice(0, match.index)}${section}${body.slice(end + LIVE_SECTION_END.length)}`;
  }
  if (section === '') return body;
  // After the marker and the title (`### ✅ Ferry · abc1234 · …`): what a reviewer reads first.
  const title = body.indexOf('\n### ');
  const lineEnd = title >= 0 ? body.indexOf('\n', title + 1) : -1;
  if (lineEnd < 0) return `${body}\n\n${section}`;
  return `${body.slice(0, lineEnd)}\n\n${section}${body.slice(lineEnd)}`;
}
