import { describe, expect, it } from 'vitest';
import { formatJsonReport } from '../../src/report/format-json-report.ts';
import type { ChangeSet } from '../../src/types.ts';
import { modelUpgradeReport } from './make-report.ts';

describe('formatJsonReport', () => {
  it('has exactly the documented shape: targets with changes, summary and findings', () => {
    const json = formatJsonReport(modelUpgradeReport().changeSets);
    expect(Object.keys(json)).toEqual(['targets', 'findings']);
    const [target] = json.targets;
    expect(Object.keys(target ?? {})).toEqual(['name', 'changes', 'summary']);
    expect(target?.name).toBe('production');
    expect(target?.changes.map((c) => Object.keys(c))).toEqual(
      Array(3).fill(['apiVersion', 'kind', 'namespace', 'name', 'action', 'diff']),
    );
    expect(target?.changes[1]).toMatchObject({
      apiVersion: 'serving.kserve.io/v1beta1',
      kind: 'InferenceService',
      namespace: 'ml',
      name: 'classifier',
      action: 'changed',
    });
    expect(target?.summary[0]).toEqual({
      resource: 'InferenceService ml/classifier',
      facts: [
        'model gs://ferry-models/classifier/v1 → …/v2',
        'canary 10% (new model 10%, previous 90%)',
        'GPUs 1 → 2 (nvidia.com/gpu)',
      ],
    });
    expect(json.findings[0]).toMatchObject({
      rule: 'model-pinned',
      severity: 'warning',
      file: 'k8s/inference.yaml',
      line: 17,
      targets: ['production'],
    });
  });

  it('survives a JSON round trip unchanged (plain data only)', () => {
    const json = formatJsonReport(modelUpgradeReport().changeSets);
    expect(JSON.parse(JSON.stringify(json))).toEqual(json);
  });

  it('marks a target the change removes from the config', () => {
    const cs: ChangeSet = {
      target: 'training',
      changes: [
        {
          id: { group: '', kind: 'ConfigMap', namespace: 'ml', name: 't' },
          apiVersion: 'v1',
          action: 'removed',
          diff: '--- ConfigMap ml/t (base)\n+++ /dev/null\n@@ -1 +0,0 @@\n-kind: ConfigMap\n',
          kept: 'its target is no longer in .github/ferry.yml',
        },
      ],
      summary: [],
      findings: [],
      renderFailed: false,
      targetRemoved: true,
    };
    const [target] = formatJsonReport([cs]).targets;
    expect(target).toMatchObject({ name: 'training', targetRemoved: true });
    expect(target?.changes[0]).toMatchObject({
      action: 'removed',
      kept: 'its target is no longer in .github/ferry.yml',
    });
  });
});
