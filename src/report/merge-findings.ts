import { type Finding, SEVERITY_RANK } from '../types.ts';

/** One finding and every target that has it. */
export interface MergedFinding {
  finding: Finding;
  /** Targets in the order they were given; one name when only one target has it. */
  targets: string[];
}

/**
 * Identical findings of several targets as one: the same base file rendered into staging and prod
 * gives the same rule, severity, file, line, resource and message, and a reviewer reads it once with
 * the targets named. Sorted errors first, then by file and line.
 */
export function mergeFindings(
  sets: readonly { target: string; findings: readonly Finding[] }[],
): MergedFinding[] {
  const byKey = new Map<string, MergedFinding>();
  for (const { target, findings } of sets) {
    for (const finding of findings) {
      const key = JSON.stringify([
        finding.rule,
        finding.severity,
        finding.file,
        finding.line,
        finding.resource ?? '',
        finding.message,
      ]);
      const merged = byKey.get(key);
      if (!merged) byKey.set(key, { finding, targets: [target] });
      else if (!merged.targets.includes(target)) merged.targets.push(target);
    }
  }
  return [...byKey.values()].sort(
    (a, b) =>
      SEVERITY_RANK[b.finding.severity] - SEVERITY_RANK[a.finding.severity] ||
      (a.finding.file < b.finding.file ? -1 : a.finding.file > b.finding.file ? 1 : 0) ||
      a.finding.line - b.finding.line,
  );
}
