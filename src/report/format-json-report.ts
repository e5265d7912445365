import type { Action, ChangeSet, Finding, Summary } from '../types.ts';
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
    }[];
    summary: Summary[];
    findings: Finding[];
  }[];
}

/** `ferry diff --format json`: plain data, one entry per target, every change (unchanged too). */
export function formatJsonReport(changeSets: readonly ChangeSet[]): JsonReport {
  return {
    targets: redactChangeSets(changeSets).map((cs) => ({
      name: cs.target,
      changes: cs.changes.map((c) => ({
        apiVersion: c.apiVersion,
        kind: c.id.kind,
        namespace: c.id.namespace,
        name: c.id.name,
        action: c.action,
        diff: c.diff,
      })),
      summary: cs.summary.map((s) => ({ resource: s.resource, facts: [...s.facts] })),
      findings: cs.findings.map((f) => ({ ...f })),
    })),
  };
}
