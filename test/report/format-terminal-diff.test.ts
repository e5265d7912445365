import { describe, expect, it } from 'vitest';
import { formatTerminalDiff } from '../../src/report/format-terminal-diff.ts';
import type { ChangeSet } from '../../src/types.ts';
import { modelUpgradeReport } from './make-report.ts';

describe('formatTerminalDiff', () => {
  it('prints counts, summary, deletions, findings and the diffs, without colour when asked', () => {
    const text = formatTerminalDiff(modelUpgradeReport().changeSets, { color: false });
    expect(text).not.toContain('\u001b[');
    expect(text).toContain(
      '━━ production ━━ 2 changed, 1 removed · 1 warning\n  summary:\n    InferenceService ml/classifier: model',
    );
    expect(text).toContain('  will delete:\n    ConfigMap ml/classifier-labels-v1\n');
    expect(text).toContain('  findings:\n    k8s/inference.yaml:17 warning model-pinned storageUri');
    expect(text).toContain(
      '-          nvidia.com/gpu: 1\n-      storageUri: gs://ferry-models/classifier/v1\n+          nvidia.com/gpu: 2\n',
    );
  });

  it('colours added lines green and removed lines red when colour is on', () => {
    const text = formatTerminalDiff(modelUpgradeReport().changeSets, { color: true });
    expect(text).toContain('\u001b[32m+          nvidia.com/gpu: 2\u001b[39m');
    expect(text).toContain('\u001b[31m-          nvidia.com/gpu: 1\u001b[39m');
  });

  it("prints a finding's tool message (detail) below it, a line each, with credentials scrubbed", () => {
    const cs: ChangeSet = {
      target: 'staging',
      changes: [],
      summary: [],
      findings: [
        {
          rule: 'render',
          severity: 'error',
          file: 'k/kustomization.yaml',
          line: 1,
          message: 'kubectl kustomize could not build this kustomization (its message is below)',
          detail:
            'error: accumulating resources\nfrom https://bot:s3cr3t-t0ken@example.com/x.git: cycle detected',
        },
      ],
      renderFailed: true,
    };
    const text = formatTerminalDiff([cs], { color: false });
    expect(text).toContain(
      '(its message is below)\n      │ error: accumulating resources\n      │ from https://',
    );
    expect(text).toContain('cycle detected');
    expect(text).not.toContain('s3cr3t-t0ken');
  });

  it('replaces control characters from manifests so they cannot drive the terminal', () => {
    const cs: ChangeSet = {
      target: 'prod\u001b]0;pwned\u0007',
      changes: [],
      summary: [],
      findings: [{ rule: 'r', severity: 'error', file: 'a.yaml', line: 1, message: 'bad \u001b[2J name' }],
      renderFailed: false,
    };
    const text = formatTerminalDiff([cs], { color: false });
    // biome-ignore lint/suspicious/noControlCharactersInRegex: asserting their absence
    expect(text).not.toMatch(/[\u0000-\u0008\u000b-\u001f]/);
    expect(text).toContain('bad �[2J name');
  });

  it('says a target the change removes from the config deletes nothing: its resources are kept', () => {
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
    const text = formatTerminalDiff([cs], { color: false });
    expect(text).toContain(
      '━━ training ━━ 1 removed\n  no longer a target in .github/ferry.yml: Ferry stops deploying it and prunes nothing',
    );
    expect(text).not.toContain('will delete');
    expect(text).toContain(
      'kept in the cluster (removed from Git, not pruned):\n    ConfigMap ml/t — its target is no longer in .github/ferry.yml',
    );
  });
});
