import type { Action, ChangeSet, Finding, Summary } from '../types.ts';
import { mergeFindings } from './merge-findings.ts';
import { redactChangeSets } from './redact-change-sets.ts';

export interface JsonReport {
  targets: {
    name: string;
    changes: {
      apiVersion: string;
      kind: string;
      namespace: string;
      name: string;
      action: Action;
      diff: string;
      /** A removed resource that merging keeps in the cluster, and why (its opt-out annotation). */
      kept?: string;
    }[];
    summary: Summary[];
    /** Only the base's config has the target: the change removes it (its resources are kept). */
    targetRemoved?: true;
  }[];
  /** Every finding once; `targets` names each target that has it (the same base file in staging and prod). */
  findings: (Finding & { targets: string[] })[];
}

/**
 * `ferry diff --format json`: plain data, one entry per target with every change (unchanged too) and
 * its summary, then the findings of all targets, each once with the `targets` that have it.
 */
export function formatJsonReport(changeSets: readonly ChangeSet[]): JsonReport {
  const redacted = redactChangeSets(changeSets);
  return {
    targets: redacted.map((cs) => ({
      name: cs.target,
      changes: cs.changes.map((c) => ({
        apiVersion: c.apiVersion,
        kind: c.id.kind,
        namespace: c.id.namespace,
        name: c.id.name,
        action: c.action,
        diff: c.diff,
        ...(c.kept ? { kept: c.kept } : {}),
      })),
      summary: cs.summary.map((s) => ({ resource: s.resource, facts: [...s.facts] })),
      ...(cs.targetRemoved ? { targetRemoved: true as const } : {}),
    })),
    findings: mergeFindings(redacted).map(({ finding, targets }) => ({ ...finding, targets })),
  };
}
