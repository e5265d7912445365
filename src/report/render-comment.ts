import { fitBlocks } from './fit-blocks.ts';
import { fitText } from './fit-text.ts';
import { formatCount, link } from './markdown.ts';
import { redactChangeSets } from './redact-change-sets.ts';
import { renderDiffBlocks } from './render-diff-blocks.ts';
import { renderFooter } from './render-footer.ts';
import { fitSummary, renderSummaryBlock } from './render-summary-block.ts';
import type { Report } from './report.ts';

/** Identifies Ferry's one comment on a PR, so it is found and edited, never posted twice. */
export const STICKY_MARKER = '<!-- ferry:sticky-comment -->';

/**
 * GitHub rejects an issue comment body over 65,536 characters (REST `body` validation). Lengths here
 * are UTF-16 code units, which is never fewer than the characters GitHub counts.
 */
export const COMMENT_LIMIT = 65_536;

/** No single diff takes more than this share of the body: its head is kept, the rest counted. */
const DIFF_SHARE = 4;
const MAX_DIFF_CHARS = 12_000;

export interface BodyLimits {
  maxChars?: number;
}

/**
 * The sticky PR comment: marker, summary block (title with status and commit, per-target counts,
 * the most important AI summary lines, deletions, deployments, findings), then a collapsible diff
 * per resource and the commit it describes. Past `maxChars`, diffs go largest-first (a single giant
 * one is cut to its head first), then findings beyond the first 20, then list lines beyond shrinking
 * caps, always counted, never silently; a note says how many diffs were left out and where the full
 * diff is. The result is never longer than `maxChars`.
 */
export function renderComment(unredacted: Report, opts: BodyLimits = {}): string {
  const report = { ...unredacted, changeSets: redactChangeSets(unredacted.changeSets) };
  const maxChars = opts.maxChars ?? COMMENT_LIMIT;
  const footer = renderFooter(report);
  const limitName =
    maxChars === COMMENT_LIMIT
      ? "GitHub's 65,536-character comment limit"
      : `the ${formatCount(maxChars)}-character limit`;
  const blocks = renderDiffBlocks(report.changeSets, {
    maxDiffChars: Math.min(MAX_DIFF_CHARS, Math.floor(maxChars / DIFF_SHARE)),
  });
  const where = report.detailsUrl ? link('the check run', report.detailsUrl) : 'the check run';
  const note = (omitted: number): string =>
    `> ✂️ ${formatCount(omitted)} of ${formatCount(blocks.length)} diffs omitted to fit ${limitName}; the full diff is in ${where}.`;
  const heading = '#### Diffs';
  // Room for the note at its longest, whatever the final count.
  const reserve = note(blocks.length).length + heading.length + 8;
  const summary = fitSummary(
    (caps) => renderSummaryBlock(report, caps),
    maxChars - footer.length - reserve - STICKY_MARKER.length - 4,
  );
  const fixed = [STICKY_MARKER, summary, footer].join('\n\n');
  const kept = fitBlocks(
    blocks.map((b) => b.text.length),
    maxChars - fixed.length - reserve,
  );
  const omitted = blocks.length - kept.length;
  const parts = [STICKY_MARKER, summary];
  if (omitted > 0) parts.push(note(omitted));
  if (kept.length > 0) parts.push(heading, ...kept.map((i) => blocks[i]?.text ?? ''));
  parts.push(footer);
  return fitText(parts.join('\n\n'), maxChars);
}
