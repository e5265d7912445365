import { createColors } from 'picocolors';
import { riskNoteOf } from '../diff/order-changes.ts';
import { quoteUnsafe } from '../manifest/quote-unsafe.ts';
import { formatResourceId } from '../manifest/resource-id.ts';
import type { ChangeSet, Severity } from '../types.ts';
import type { MergedFinding } from './merge-findings.ts';
import { redactChangeSets } from './redact-change-sets.ts';
import { describeCounts, REMOVED_TARGET_NOTE, sortedFindings } from './render-summary-block.ts';
import { replaceLineBreaks } from './replace-control-characters.ts';
import { summarizeChangeSet } from './summarize-change-set.ts';

/**
 * `ferry diff --format text`: per target a header with counts, the AI summary, what merging deletes,
 * findings, then the unified diffs, coloured when `color` (the caller decides: TTY, NO_COLOR…).
 * Control characters from manifests are replaced and line breaks in a field shown as ⏎
 * (replaceLineBreaks), so a resource name cannot drive the terminal nor a value forge a line;
 * credentials in URLs are scrubbed (redactChangeSets).
 */
export function formatTerminalDiff(changeSets: readonly ChangeSet[], opts: { color: boolean }): string {
  const c = createColors(opts.color);
  const out: string[] = [];
  const redacted = redactChangeSets(changeSets);
  // With several targets, findings are listed once at the end, each naming the targets that have it.
  const several = redacted.length > 1;
  for (const cs of redacted) {
    out.push(c.bold(`━━ ${clean(cs.target)} ━━ ${describeCounts(summarizeChangeSet(cs))}`));
    if (cs.renderFailed)
      out.push(c.red('  render failed: nothing will be applied or pruned from this target'));
    else if (cs.baseFailed)
      out.push(c.yellow('  the base revision does not render, so no diff is shown; the head renders'));
    if (cs.targetRemoved) out.push(c.yellow(`  ${REMOVED_TARGET_NOTE}`));
    out.push(...formatOverview(cs, c));
    if (!several) out.push(...formatFindingLines(sortedFindings([cs]), c, false));
    for (const ch of cs.changes) {
      if (ch.action === 'unchanged' || ch.diff === '') continue;
      out.push('');
      for (const line of ch.diff.replace(/\n$/, '').split('\n')) out.push(colorLine(clean(line), c));
    }
    out.push('');
  }
  const merged = several ? sortedFindings(redacted) : [];
  if (merged.length > 0) {
    out.push(c.bold('━━ findings ━━'));
    out.push(...formatFindingLines(merged, c, true), '');
  }
  return `${out.join('\n')}\n`;
}

/**
 * `  findings:` and one line per finding; `(staging, prod)` after it when `named`; the tool's message
 * (`detail`) below it, a line of its own per line.
 */
function formatFindingLines(findings: readonly MergedFinding[], c: Colors, named: boolean): string[] {
  const severityColor: Readonly<Record<Severity, (s: string) => string>> = {
    error: c.red,
    warning: c.yellow,
    info: c.blue,
  };
  const out: string[] = [];
  if (findings.length > 0) out.push('  findings:');
  for (const { finding: f, targets } of findings) {
    const where = f.file ? `${clean(quoteUnsafe(f.file))}:${f.line} ` : '';
    const who = named ? c.dim(` (${clean(targets.join(', '))})`) : '';
    out.push(
      `    ${where}${severityColor[f.severity](f.severity)} ${c.dim(clean(f.rule))} ${clean(f.message)}${who}`,
    );
    // The tool's own message in full (kustomize's, helm's), indented under the finding, as validate shows it.
    if (f.detail) for (const l of f.detail.split('\n')) out.push(c.dim(`      │ ${clean(l)}`));
  }
  return out;
}

/** Summary and deletions of one target. */
function formatOverview(cs: ChangeSet, c: Colors): string[] {
  const out: string[] = [];
  if (cs.summary.length > 0) {
    out.push('  summary:');
    for (const s of cs.summary) out.push(`    ${c.bold(clean(s.resource))}: ${clean(s.facts.join(', '))}`);
  }
  // A failed render prunes nothing: its "removals" are not deletions.
  const removed = cs.renderFailed ? [] : cs.changes.filter((ch) => ch.action === 'removed' && !ch.kept);
  if (removed.length > 0) {
    out.push(c.red('  will delete:'));
    for (const ch of removed) {
      const note = riskNoteOf(ch.id.kind);
      out.push(`    ${c.red(clean(formatResourceId(ch.id)))}${note ? c.dim(` — ${note}`) : ''}`);
    }
  }
  const kept = cs.renderFailed ? [] : cs.changes.filter((ch) => ch.action === 'removed' && ch.kept);
  if (kept.length > 0) {
    out.push('  kept in the cluster (removed from Git, not pruned):');
    for (const ch of kept)
      out.push(`    ${clean(formatResourceId(ch.id))} ${c.dim(`— ${clean(ch.kept ?? '')}`)}`);
  }
  return out;
}

type Colors = ReturnType<typeof createColors>;

function colorLine(line: string, c: Colors): string {
  if (line.startsWith('--- ') || line.startsWith('+++ ')) return c.bold(line);
  if (line.startsWith('@@')) return c.cyan(line);
  if (line.startsWith('+')) return c.green(line);
  if (line.startsWith('-')) return c.red(line);
  return line;
}

/**
 * Repository text for the terminal, one line of it (credentials were scrubbed by redactChangeSets
 * already; the diffs are split into lines before this).
 */
function clean(text: string): string {
  return replaceLineBreaks(text);
}
