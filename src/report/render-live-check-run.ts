/**
 * The `ferry/live: TARGET` check run for a LiveResult: what the cluster said about a PR head, for a
 * reviewer (summary, annotations on the lines that will be refused or drifted) and, in the summary's
 * marker, for the App that puts the "Live" section into the sticky comment.
 */
import { redactCredentials } from '../diff/redact-credentials.ts';
import { formatLiveMarker } from '../live/live-marker.ts';
import {
  conclusionOfLive,
  type GpuDemand,
  LIVE_CHECKS,
  type LiveCheck,
  type LiveFinding,
  type LiveResult,
  sortLiveFindings,
} from '../live/live-result.ts';
import { quoteUnsafe } from '../manifest/quote-unsafe.ts';
import type { Severity } from '../types.ts';
import { fitText } from './fit-text.ts';
import { codeBlock, codeSpan, escapeMarkdown, formatCount, plural, shortSha } from './markdown.ts';
import { type Annotation, CHECK_RUN_LIMIT, type CheckRunOutput } from './render-check-run.ts';

const CHECK_TITLE: Readonly<Record<LiveCheck, string>> = {
  'dry-run': 'Server-side dry-run',
  drift: 'Drift from the applied commit',
  capacity: 'GPU capacity',
};

const ICON: Readonly<Record<Severity, string>> = { error: '❌', warning: '⚠️', info: 'ℹ️' };
const LEVEL: Readonly<Record<Severity, Annotation['annotation_level']>> = {
  error: 'failure',
  warning: 'warning',
  info: 'notice',
};

/** The marker may take this much of the summary; the rest is for people. */
const MARKER_BUDGET = 40_000;
/** What a shrunk result keeps of each finding's API-server text. */
const SHRUNK_DETAIL = 500;
const MAX_ANNOTATION_MESSAGE = 4_000;
const MAX_ANNOTATION_TITLE = 255;
const MAX_RAW_DETAILS = 64_000;
/** Findings listed per check in the summary; all of them are in `text` and the annotations. */
const SUMMARY_FINDINGS_PER_CHECK = 30;

/** `Live: 2 refused, 1 drifted, GPUs short`, or `Live: the cluster accepts all 512 objects`. */
export function formatLiveTitle(result: LiveResult): string {
  if (result.error !== undefined) return 'Live: not checked (the head could not be rendered or fetched)';
  const by = (check: LiveCheck, severity?: Severity) =>
    result.findings.filter((f) => f.check === check && (!severity || f.severity === severity)).length;
  const parts: string[] = [];
  const refused = by('dry-run', 'error');
  if (refused > 0) parts.push(`${formatCount(refused)} refused`);
  const warned = by('dry-run') - refused;
  if (warned > 0) parts.push(plural(warned, 'warning'));
  const drifted = by('drift');
  if (drifted > 0) parts.push(`${formatCount(drifted)} drifted`);
  if (by('capacity', 'error') > 0 || result.gpu.some((d) => !d.fits)) parts.push('GPUs short');
  else if (by('capacity') > 0) parts.push('GPU warnings');
  const unfinished = LIVE_CHECKS.filter((c) => result.checks[c].state === 'timed-out');
  if (unfinished.length > 0) parts.push(`${unfinished.join(', ')} timed out`);
  const failed = LIVE_CHECKS.filter((c) => result.checks[c].state === 'failed');
  if (failed.length > 0) parts.push(`${failed.join(', ')} failed`);
  if (parts.length > 0) return `Live: ${parts.join(', ')}`;
  if (result.checks['dry-run'].state === 'done')
    return `Live: the cluster accepts all ${plural(result.objects, 'object')}`;
  return 'Live: nothing found';
}

function describeState(state: { state: string; note?: string }): string {
  const label = state.state === 'timed-out' ? 'timed out' : state.state;
  return state.note ? `${label}: ${escapeMarkdown(state.note)}` : label;
}

function where(f: LiveFinding): string {
  if (!f.file) return '';
  const file = quoteUnsafe(f.file);
  return ` (${codeSpan(f.line ? `${file}:${f.line}` : file)})`;
}

function findingLine(f: LiveFinding): string {
  return `- ${ICON[f.severity]} ${codeSpan(f.resource)}${where(f)}: ${escapeMarkdown(f.message)}`;
}

function fitsCell(d: GpuDemand): string {
  if (d.fits) return '✅ fits';
  const short = d.peak - d.held - d.free;
  // Enough devices in total can still not fit: no single node has room for one pod.
  return short > 0 ? `❌ short by ${short}` : '❌ no node fits a pod';
}

function gpuTable(demands: readonly GpuDemand[]): string[] {
  if (demands.length === 0) return [];
  const rows = demands.map(
    (d) =>
      `| ${codeSpan(d.resource)} | ${codeSpan(d.gpuResource)} | ${d.gpuType ? escapeMarkdown(d.gpuType) : 'any'} | ${d.peak} | ${d.held} | ${d.free} | ${fitsCell(d)} |`,
  );
  return [
    '#### GPUs at the rollout peak',
    '',
    '| Workload | Resource | Type | Peak | Held now | Free on matching nodes | |',
    '|---|---|---|---:|---:|---:|---|',
    ...rows,
    '',
  ];
}

function header(result: LiveResult): string[] {
  const facts = [
    `Target ${codeSpan(result.target)}`,
    result.pull !== undefined ? `PR #${result.pull}` : undefined,
    `head ${codeSpan(shortSha(result.revision))}`,
    result.appliedRevision
      ? `compared with the applied ${codeSpan(shortSha(result.appliedRevision))}`
      : 'nothing applied yet',
    plural(result.objects, 'object'),
    `${(result.durationMs / 1000).toFixed(1)} s`,
  ].filter((f): f is string => f !== undefined);
  return [`### ${escapeMarkdown(formatLiveTitle(result))}`, '', facts.join(' · '), ''];
}

function checksTable(result: LiveResult): string[] {
  return [
    '| Check | State | Findings |',
    '|---|---|---:|',
    ...LIVE_CHECKS.map(
      (c) =>
        `| ${CHECK_TITLE[c]} | ${describeState(result.checks[c])} | ${result.findings.filter((f) => f.check === c).length} |`,
    ),
    '',
  ];
}

function findingsByCheck(result: LiveResult, perCheck: number): string[] {
  const lines: string[] = [];
  for (const c of LIVE_CHECKS) {
    const found = result.findings.filter((f) => f.check === c);
    if (found.length === 0) continue;
    lines.push(`#### ${CHECK_TITLE[c]}`, '', ...found.slice(0, perCheck).map(findingLine));
    if (found.length > perCheck)
      lines.push(`- … and ${found.length - perCheck} more (annotations, and the details below)`);
    lines.push('');
  }
  if (result.truncated > 0)
    lines.push(
      `${plural(result.truncated, 'more finding')} not kept (a result keeps the worst ${result.findings.length}).`,
      '',
    );
  return lines;
}

/** The human part of the summary (no marker). */
function renderBody(result: LiveResult, perCheck: number): string {
  const lines = [...header(result)];
  if (result.error !== undefined) lines.push(`**Not checked:** ${escapeMarkdown(result.error)}`, '');
  lines.push(...checksTable(result), ...gpuTable(result.gpu), ...findingsByCheck(result, perCheck));
  return lines.join('\n');
}

/** Every finding with the API server's own words: the run's `text`. */
function renderDetails(result: LiveResult): string {
  const withDetail = result.findings.filter((f) => f.detail);
  if (withDetail.length === 0) return '';
  return withDetail.map((f) => `${findingLine(f)}\n\n${codeBlock(f.detail ?? '')}`).join('\n\n');
}

/**
 * The result as the marker carries it, small enough for the summary: details shortened, then the
 * mildest findings dropped (counted in `truncated`) until the marker fits its budget. Pure.
 */
export function fitLiveResult(result: LiveResult, budget = MARKER_BUDGET): LiveResult {
  if (formatLiveMarker(result).length <= budget) return result;
  let fitted: LiveResult = {
    ...result,
    findings: result.findings.map((f) =>
      f.detail && f.detail.length > SHRUNK_DETAIL
        ? { ...f, detail: `${f.detail.slice(0, SHRUNK_DETAIL - 1)}…` }
        : f,
    ),
  };
  while (formatLiveMarker(fitted).length > budget && fitted.findings.length > 0) {
    const keep = Math.floor(fitted.findings.length * 0.8);
    fitted = {
      ...fitted,
      findings: fitted.findings.slice(0, keep),
      truncated: fitted.truncated + (fitted.findings.length - keep),
    };
  }
  return fitted;
}

function annotationOf(f: LiveFinding): Annotation | undefined {
  if (!f.file || !f.line) return undefined;
  return {
    path: f.file,
    start_line: f.line,
    end_line: f.line,
    annotation_level: LEVEL[f.severity],
    title: `${CHECK_TITLE[f.check]}: ${f.resource}`.slice(0, MAX_ANNOTATION_TITLE),
    message: f.message.slice(0, MAX_ANNOTATION_MESSAGE),
    ...(f.detail ? { raw_details: f.detail.slice(0, MAX_RAW_DETAILS) } : {}),
  };
}

function redactFinding(f: LiveFinding): LiveFinding {
  return {
    ...f,
    message: redactCredentials(f.message),
    ...(f.detail !== undefined ? { detail: redactCredentials(f.detail) } : {}),
  };
}

/**
 * The check run for a live result. Pure. Conclusion from `conclusionOfLive`; the summary holds the
 * checks' states, the GPU table and the findings by check, and ends with the marker (the whole result
 * for the App, shrunk if need be); `text` holds the API server's own words; one annotation per
 * finding that has a file and line (the caller sends them 50 a request). Within GitHub's 65,535
 * characters for summary and text.
 */
export function renderLiveCheckRun(unredacted: LiveResult, opts: { maxChars?: number } = {}): CheckRunOutput {
  const max = opts.maxChars ?? CHECK_RUN_LIMIT;
  const result: LiveResult = {
    ...unredacted,
    findings: sortLiveFindings(unredacted.findings.map(redactFinding)),
    ...(unredacted.error !== undefined ? { error: redactCredentials(unredacted.error) } : {}),
  };
  const marker = formatLiveMarker(fitLiveResult(result, Math.min(MARKER_BUDGET, Math.floor(max * 0.6))));
  const room = max - marker.length - 2;
  let body = renderBody(result, SUMMARY_FINDINGS_PER_CHECK);
  if (body.length > room) body = renderBody(result, 5);
  const summary = `${fitText(body, room)}\n\n${marker}`;
  return {
    conclusion: conclusionOfLive(result),
    title: formatLiveTitle(result),
    summary,
    text: fitText(renderDetails(result), max),
    annotations: result.findings.map(annotationOf).filter((a): a is Annotation => a !== undefined),
  };
}
