import type { ChangeSet } from '../types.ts';
import { mergeFindings } from './merge-findings.ts';

export interface ChangeSetCounts {
  added: number;
  changed: number;
  removed: number;
  unchanged: number;
  errors: number;
  warnings: number;
}

/** Counts for title lines and tables. A failed render counts as an error. */
export function summarizeChangeSet(cs: ChangeSet): ChangeSetCounts {
  const counts: ChangeSetCounts = { added: 0, changed: 0, removed: 0, unchanged: 0, errors: 0, warnings: 0 };
  for (const change of cs.changes) counts[change.action]++;
  for (const finding of cs.findings) {
    if (finding.severity === 'error') counts.errors++;
    else if (finding.severity === 'warning') counts.warnings++;
  }
  if (cs.renderFailed && !cs.findings.some((f) => f.severity === 'error')) counts.errors++;
  return counts;
}

/**
 * Counts of several change sets added up. Changes add up per target; a finding several targets share
 * counts once (the report shows it once, naming the targets).
 */
export function totalCounts(changeSets: readonly ChangeSet[]): ChangeSetCounts {
  const total: ChangeSetCounts = { added: 0, changed: 0, removed: 0, unchanged: 0, errors: 0, warnings: 0 };
  for (const cs of changeSets) {
    const c = summarizeChangeSet(cs);
    for (const key of ['added', 'changed', 'removed', 'unchanged'] as const) total[key] += c[key];
    if (cs.renderFailed && !cs.findings.some((f) => f.severity === 'error')) total.errors++;
  }
  for (const { finding } of mergeFindings(changeSets)) {
    if (finding.severity === 'error') total.errors++;
    else if (finding.severity === 'warning') total.warnings++;
  }
  return total;
}

export type OverallStatus = 'failure' | 'warning' | 'success';

/** The worst of all targets: errors or a failed render fail, warnings warn. */
export function overallStatusOf(changeSets: readonly ChangeSet[]): OverallStatus {
  const total = totalCounts(changeSets);
  if (total.errors > 0 || changeSets.some((cs) => cs.renderFailed)) return 'failure';
  return total.warnings > 0 ? 'warning' : 'success';
}
