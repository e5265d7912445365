import { redactCredentials } from '../diff/redact-credentials.ts';
import type { ChangeSet } from '../types.ts';

/**
 * Change sets with credentials in URLs scrubbed from everything a report quotes: finding messages and
 * the tools' own messages below them (`detail`), diffs and summary facts. Every report format
 * (comment, check run, JSON, terminal) starts here, so a token in a kustomization's remote URL or a
 * ConfigMap's DSN never reaches a reader, whatever produced the text.
 */
export function redactChangeSets(changeSets: readonly ChangeSet[]): ChangeSet[] {
  return changeSets.map((cs) => ({
    ...cs,
    changes: cs.changes.map((c) => ({ ...c, diff: redactCredentials(c.diff) })),
    summary: cs.summary.map((s) => ({ ...s, facts: s.facts.map(redactCredentials) })),
    findings: cs.findings.map((f) => ({
      ...f,
      message: redactCredentials(f.message),
      ...(f.detail === undefined ? {} : { detail: redactCredentials(f.detail) }),
    })),
  }));
}
