import { describe, expect, it } from 'vitest';
import { overallStatusOf, summarizeChangeSet } from '../../src/report/summarize-change-set.ts';
import type { Action, ChangeSet, Severity } from '../../src/types.ts';

function changeSet(actions: Action[], severities: Severity[], renderFailed = false): ChangeSet {
  return {
    target: 't',
    changes: actions.map((action, i) => ({
      id: { group: '', kind: 'ConfigMap', namespace: 'ml', name: `c${i}` },
      apiVersion: 'v1',
      action,
      diff: '',
    })),
    summary: [],
    findings: severities.map((severity) => ({ rule: 'r', severity, file: 'a.yaml', line: 1, message: 'm' })),
    renderFailed,
  };
}

describe('summarizeChangeSet', () => {
  it('counts actions and findings by severity', () => {
    expect(
      summarizeChangeSet(
        changeSet(
          ['added', 'changed', 'changed', 'removed', 'unchanged'],
          ['error', 'warning', 'warning', 'info'],
        ),
      ),
    ).toEqual({
      added: 1,
      changed: 2,
      removed: 1,
      unchanged: 1,
      errors: 1,
      warnings: 2,
    });
  });

  it('counts a failed render without a finding as an error', () => {
    expect(summarizeChangeSet(changeSet([], [], true)).errors).toBe(1);
    expect(summarizeChangeSet(changeSet([], ['error'], true)).errors).toBe(1);
  });

  it('takes the worst status over all targets', () => {
    expect(overallStatusOf([changeSet([], ['warning']), changeSet([], ['error'])])).toBe('failure');
    expect(overallStatusOf([changeSet([], ['info']), changeSet([], ['warning'])])).toBe('warning');
    expect(overallStatusOf([changeSet(['removed'], ['info'])])).toBe('success');
  });
});
