import { redactCredentials } from '../diff/redact-credentials.ts';
import type { Finding, Severity } from '../types.ts';
import { fitBlocks } from './fit-blocks.ts';
import { fitText } from './fit-text.ts';
import { formatCount } from './markdown.ts';
import { redactChangeSets } from './redact-change-sets.ts';
import { renderDiffBlocks } from './render-diff-blocks.ts';
import { renderFooter } from './render-footer.ts';
import {
  describeCounts,
  fitSummary,
  renderFindings,
  renderSummaryBlock,
  sortedFindings,
} from './render-summary-block.ts';
import type { Report } from './report.ts';
import { overallStatusOf, totalCounts } from './summarize-change-set.ts';

/** GitHub's check-run annotation (REST `output.annotations[]`). */
export interface Annotation {
  path: string;
  start_line: number;
  end_line: number;
  annotation_level: 'notice' | 'warning' | 'failure';
  message: string;
  title?: string;
  /** The tool's own output (a finding's `detail`); GitHub shows it under "Raw output". */
  raw_details?: string;
}

export interface CheckRunOutput {
  conclusion: 'success' | 'failure' | 'neutral';
  title: string;
  summary: string;
  text: string;
  annotations: Annotation[];
}

/** GitHub caps a check run's `output.summary` and `output.text` at 65,535 characters each. */
export const CHECK_RUN_LIMIT = 65_535;
/** Annotation `message` and `title` limits (64 KB and 255 characters); messages are kept short anyway. */
const MAX_ANNOTATION_MESSAGE = 4_000;
const MAX_ANNOTATION_TITLE = 255;
/** `raw_details` is capped at 64 KB by GitHub; a tool's message is far shorter in practice. */
const MAX_RAW_DETAILS = 64_000;
const MAX_DIFF_CHARS = 20_000;

const LEVEL: Readonly<Record<Severity, Annotation['annotation_level']>> = {
  error: 'failure',
  warning: 'warning',
  info: 'notice',
};

/**
 * The check run for a report. Conclusion: failure on any error finding or failed render, neutral on
 * warnings, else success. `summary` is the comment's summary block; `text` holds every finding and
 * the fuller diffs (a longer head per diff), cut largest-first to fit; annotations point at each
 * finding's file and line.
 */
export function renderCheckRun(unredacted: Report, opts: { maxChars?: number } = {}): CheckRunOutput {
  const report = { ...unredacted, changeSets: redactChangeSets(unredacted.changeSets) };
  const maxChars = opts.maxChars ?? CHECK_RUN_LIMIT;
  const status = overallStatusOf(report.changeSets);
  const conclusion = status === 'failure' ? 'failure' : status === 'warning' ? 'neutral' : 'success';
  const footer = renderFooter(report);
  const summary = fitText(
    `${fitSummary((caps) => renderSummaryBlock(report, caps, 'the details below'), maxChars - footer.length - 2)}\n\n${footer}`,
    maxChars,
  );
  return {
    conclusion,
    title: describeCounts(totalCounts(report.changeSets)),
    summary,
    text: renderText(report, maxChars),
    annotations: renderAnnotations(
      sortedFindings(report.changeSets).map((x) =>
        report.changeSets.length > 1 ? { ...x.finding, targets: x.targets } : x.finding,
      ),
    ),
  };
}

function renderText(report: Report, maxChars: number): string {
  const sets = report.changeSets;
  const several = sets.length > 1;
  const blocks = renderDiffBlocks(sets, { maxDiffChars: Math.min(MAX_DIFF_CHARS, Math.floor(maxChars / 3)) });
  const note = (omitted: number): string =>
    `> ✂️ ${formatCount(omitted)} of ${formatCount(blocks.length)} diffs omitted to fit ${
      maxChars === CHECK_RUN_LIMIT
        ? "GitHub's 65,535-character check-run limit"
        : `the ${formatCount(maxChars)}-character limit`
    }; run \`ferry diff\` locally for the full diff.`;
  const reserve = note(blocks.length).length + 32;
  // Findings in full first; capped (with a count) only if they alone would not fit.
  let findings = '';
  for (const cap of [Number.POSITIVE_INFINITY, 200, 50, 10, 0]) {
    findings = renderFindings(sets, several, cap, '`ferry validate`');
    if (findings.length + reserve <= maxChars / 2 || cap === 0) break;
  }
  const head = findings ? `### Findings\n${findings}` : '';
  const kept = fitBlocks(
    blocks.map((b) => b.text.length),
    maxChars - head.length - reserve,
  );
  const parts = head ? [head] : [];
  if (kept.length < blocks.length) parts.push(note(blocks.length - kept.length));
  if (kept.length > 0) parts.push('### Diffs', ...kept.map((i) => blocks[i]?.text ?? ''));
  if (parts.length === 0) parts.push('No changes and no findings.');
  return fitText(parts.join('\n\n'), maxChars);
}

/**
 * One annotation per finding that points at a file (errors first); a finding several targets share is
 * one annotation whose title names them (`image-pinned: Deployment ml/api (staging, prod)`).
 */
export function renderAnnotations(findings: readonly (Finding & { targets?: string[] })[]): Annotation[] {
  return findings
    .filter((f) => f.file !== '')
    .map((f) => {
      const line = Number.isInteger(f.line) && f.line > 0 ? f.line : 1;
      const where = f.targets && f.targets.length > 0 ? ` (${f.targets.join(', ')})` : '';
      const title = `${f.resource ? `${f.rule}: ${f.resource}` : f.rule}${where}`;
      return {
        path: f.file,
        start_line: line,
        end_line: line,
        annotation_level: LEVEL[f.severity],
        message: truncate(redactCredentials(f.message), MAX_ANNOTATION_MESSAGE),
        title: truncate(title, MAX_ANNOTATION_TITLE),
        ...(f.detail ? { raw_details: truncate(f.detail, MAX_RAW_DETAILS) } : {}),
      };
    });
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
