import { riskNoteOf } from '../diff/order-changes.ts';
import { redactCredentials } from '../diff/redact-credentials.ts';
import { quoteUnsafe } from '../manifest/quote-unsafe.ts';
import { formatResourceId } from '../manifest/resource-id.ts';
import type { ChangeSet, Finding, Severity } from '../types.ts';
import {
  codeBlock,
  codeSpan,
  escapeMarkdown,
  formatCount,
  formatDuration,
  link,
  plural,
  shortSha,
} from './markdown.ts';
import { type MergedFinding, mergeFindings } from './merge-findings.ts';
import { rankSummaries } from './rank-summaries.ts';
import type { DeploymentNote, Report } from './report.ts';
import {
  type ChangeSetCounts,
  overallStatusOf,
  summarizeChangeSet,
  totalCounts,
} from './summarize-change-set.ts';

/** How many lines of each list the block shows; the rest is counted ("… and 12 more"). */
export interface SummaryCaps {
  summary: number;
  deletions: number;
  findings: number;
}

/**
 * Caps tried in turn until the block fits. The summary shows its 50 most important lines at most
 * (it is a ten-second read; the rest is counted); then findings beyond the first 20 go (before any
 * summary line), then ever shorter lists. Counts always stay exact.
 */
export const CAP_STEPS: readonly SummaryCaps[] = [
  { summary: 50, deletions: 100, findings: Number.POSITIVE_INFINITY },
  { summary: 50, deletions: 100, findings: 20 },
  { summary: 30, deletions: 50, findings: 10 },
  { summary: 15, deletions: 10, findings: 5 },
  { summary: 5, deletions: 5, findings: 3 },
  { summary: 0, deletions: 0, findings: 0 },
];

const STATUS_ICON = { failure: '❌', warning: '⚠️', success: '✅' } as const;
const SEVERITY_LABEL: Readonly<Record<Severity, string>> = {
  error: '❌ error',
  warning: '⚠️ warning',
  info: 'ℹ️ info',
};

/** The first rendering (fullest caps first) that fits `budget`, else the smallest one. */
export function fitSummary(render: (caps: SummaryCaps) => string, budget: number): string {
  let text = '';
  for (const caps of CAP_STEPS) {
    text = render(caps);
    if (text.length <= budget) return text;
  }
  return text;
}

/**
 * The part of a report that must always be read: title with overall status and commit, per-target
 * counts, render failures, the AI summary, what merging deletes, deployments and findings.
 * `moreAt` names where lines cut by `caps` can be read in full.
 */
export function renderSummaryBlock(report: Report, caps: SummaryCaps, moreAt = 'the check run'): string {
  const sets = report.changeSets;
  const several = sets.length > 1;
  const sections = [renderTitle(report), ...renderFailures(sets), renderTable(sets)];
  const summary = renderSummaryLines(sets, several, caps.summary);
  if (summary) sections.push(`**Summary**\n${summary}`);
  const deletions = renderDeletions(sets, several, caps.deletions);
  if (deletions) sections.push(`**⚠️ Will delete** (merging removes these from the cluster)\n${deletions}`);
  const kept = renderKept(sets, several, caps.deletions);
  if (kept) sections.push(`**Kept** (removed from Git; merging leaves them in the cluster)\n${kept}`);
  if (report.deployments && report.deployments.length > 0) {
    sections.push(`**Deployments**\n${report.deployments.map((d) => `- ${renderDeployment(d)}`).join('\n')}`);
  }
  const findings = renderFindings(sets, several, caps.findings, moreAt);
  if (findings) sections.push(`**Findings**\n${findings}`);
  return sections.join('\n\n');
}

function renderTitle(report: Report): string {
  const status = overallStatusOf(report.changeSets);
  const total = totalCounts(report.changeSets);
  const sha = link(codeSpan(shortSha(report.headSha)), commitUrl(report, report.headSha));
  return `### ${STATUS_ICON[status]} Ferry · ${sha} · ${describeCounts(total)}`;
}

/** `2 added, 3 changed, 1 removed · 1 error, 2 warnings`, or `no changes`. */
export function describeCounts(c: ChangeSetCounts): string {
  const changes = [
    c.added > 0 ? `${formatCount(c.added)} added` : '',
    c.changed > 0 ? `${formatCount(c.changed)} changed` : '',
    c.removed > 0 ? `${formatCount(c.removed)} removed` : '',
  ].filter(Boolean);
  const problems = [
    c.errors > 0 ? plural(c.errors, 'error') : '',
    c.warnings > 0 ? plural(c.warnings, 'warning') : '',
  ].filter(Boolean);
  return [changes.join(', ') || 'no changes', problems.join(', ')].filter(Boolean).join(' · ');
}

export function commitUrl(report: Report, sha: string): string | undefined {
  if (!report.repository || !/^[\w.-]+\/[\w.-]+$/.test(report.repository) || !/^[0-9a-f]{4,64}$/i.test(sha)) {
    return undefined;
  }
  const web = (report.webUrl ?? 'https://github.com').replace(/\/+$/, '');
  if (!/^https?:\/\/[^\s()<>]+$/.test(web)) return undefined;
  return `${web}/${report.repository}/commit/${sha}`;
}

/** A target the change removes from the config: what merging does (and does not do) to its resources. */
export const REMOVED_TARGET_NOTE =
  'no longer a target in .github/ferry.yml: Ferry stops deploying it and prunes nothing, so what it deployed stays in the cluster until deleted by hand';

function renderFailures(sets: readonly ChangeSet[]): string[] {
  return sets.flatMap((cs) => {
    const name = escapeMarkdown(cs.target);
    if (cs.renderFailed)
      return [`❌ **${name}** failed to render: nothing will be applied or pruned from it.`];
    if (cs.baseFailed)
      return [`⚠️ **${name}**: the base revision does not render, so no diff is shown; the head renders.`];
    if (cs.targetRemoved) return [`🗑️ **${name}** is ${REMOVED_TARGET_NOTE}.`];
    return [];
  });
}

function renderTable(sets: readonly ChangeSet[]): string {
  const rows = sets.map((cs) => {
    const c = summarizeChangeSet(cs);
    const cells = [c.added, c.changed, c.removed, c.errors, c.warnings].map(formatCount);
    return `| ${escapeMarkdown(cs.target)} | ${cells.join(' | ')} |`;
  });
  return [
    '| Target | Added | Changed | Removed | Errors | Warnings |',
    '|:--|--:|--:|--:|--:|--:|',
    ...rows,
  ].join('\n');
}

function withTarget(text: string, target: string, several: boolean): string {
  return several ? `${text} (${escapeMarkdown(target)})` : text;
}

/** Names shown for a group of resources that changed the same way; the rest are counted. */
const GROUP_NAMES = 3;

function renderSummaryLines(sets: readonly ChangeSet[], several: boolean, cap: number): string {
  const groups = rankSummaries(sets);
  const lines = groups.slice(0, cap).map((g) => {
    const names = g.resources.slice(0, GROUP_NAMES).map((r) => `**${escapeMarkdown(r)}**`);
    const more = g.resources.length - names.length;
    const who = more > 0 ? `${names.join(', ')} and ${formatCount(more)} more` : names.join(', ');
    return `- ${withTarget(who, g.target, several)}: ${g.facts.map(escapeMarkdown).join(', ')}`;
  });
  const rest = groups.slice(lines.length).reduce((sum, g) => sum + g.resources.length, 0);
  if (rest > 0) lines.push(`- … and ${plural(rest, 'more resource')}`);
  return lines.join('\n');
}

function renderDeletions(sets: readonly ChangeSet[], several: boolean, cap: number): string {
  const lines: string[] = [];
  let total = 0;
  for (const cs of sets) {
    // A failed render is not a deletion: nothing is pruned from it (its failure line says so).
    if (cs.renderFailed) continue;
    // Changes are ordered removed-first, riskiest kinds first.
    for (const change of cs.changes) {
      // Kept by an opt-out annotation: listed apart (renderKept), since merging does not delete it.
      if (change.action !== 'removed' || change.kept) continue;
      total++;
      if (lines.length >= cap) continue;
      const note = riskNoteOf(change.id.kind);
      const name = escapeMarkdown(formatResourceId(change.id));
      const text = note ? `**${name}** — ${note}` : name;
      lines.push(`- ${withTarget(text, cs.target, several)}`);
    }
  }
  if (total > lines.length) lines.push(`- … and ${formatCount(total - lines.length)} more`);
  return lines.join('\n');
}

/** Removed resources that merging leaves in the cluster, each with the annotation that keeps it. */
function renderKept(sets: readonly ChangeSet[], several: boolean, cap: number): string {
  const kept = sets.flatMap((cs) =>
    cs.renderFailed ? [] : cs.changes.filter((c) => c.action === 'removed' && c.kept).map((c) => ({ cs, c })),
  );
  const lines = kept
    .slice(0, cap)
    .map(
      ({ cs, c }) =>
        `- ${withTarget(`${escapeMarkdown(formatResourceId(c.id))} — ${codeSpan(c.kept ?? '')}`, cs.target, several)}`,
    );
  if (kept.length > lines.length) lines.push(`- … and ${formatCount(kept.length - lines.length)} more`);
  return lines.join('\n');
}

/**
 * Findings of every target, errors first, then by file and line; a finding several targets share
 * (the same base file in staging and prod) is one entry naming them all.
 */
export function sortedFindings(sets: readonly ChangeSet[]): MergedFinding[] {
  return mergeFindings(sets);
}

/** `` `file:line` — severity — `rule` — message ``. */
export function renderFinding(f: Finding): string {
  const where = f.file ? `${codeSpan(`${quoteUnsafe(f.file)}:${f.line}`)} — ` : '';
  const line = `${where}${SEVERITY_LABEL[f.severity]} — ${codeSpan(f.rule)} — ${escapeMarkdown(f.message)}`;
  if (!f.detail) return line;
  // The tool's own message, in full, as a code block inside the list item (indented to stay in it).
  const block = codeBlock(f.detail)
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n');
  return `${line}\n\n${block}`;
}

export function renderFindings(
  sets: readonly ChangeSet[],
  several: boolean,
  cap: number,
  moreAt: string,
): string {
  const all = sortedFindings(sets);
  const shown = all
    .slice(0, cap)
    .map(({ targets, finding }) => `- ${withTarget(renderFinding(finding), targets.join(', '), several)}`);
  if (all.length > shown.length)
    shown.push(`- … and ${plural(all.length - shown.length, 'more finding')} in ${moreAt}`);
  return shown.join('\n');
}

function renderDeployment(d: DeploymentNote): string {
  const where = escapeMarkdown(d.environment ?? d.target);
  const sha = codeSpan(shortSha(d.sha));
  const texts: Record<DeploymentNote['state'], string> = {
    queued: `⏳ ${sha} queued for ${where}`,
    in_progress: `🚀 deploying ${sha} to ${where}…`,
    success: `✅ deployed ${sha} to ${where}${d.durationSeconds === undefined ? '' : ` in ${formatDuration(d.durationSeconds)}`}`,
    failure: `❌ deploying ${sha} to ${where} failed`,
    error: `❌ deploying ${sha} to ${where} errored`,
    rolled_back: `↩️ rolled back ${sha} on ${where}`,
    // GitHub sets `inactive` when a newer deployment supersedes this one; Ferry also uses it for
    // "no cluster configured". The description says which.
    inactive: `💤 ${sha} not deployed to ${where}`,
  };
  const description = d.description ? `: ${escapeMarkdown(redactCredentials(d.description))}` : '';
  const logs = d.url && link('details', d.url) !== 'details' ? ` — ${link('details', d.url)}` : '';
  return `${texts[d.state]}${description}${logs}`;
}
