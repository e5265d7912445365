import { describe, expect, it } from 'vitest';
import { checkTarget } from '../../src/engine/check-target.ts';
import { checkTargetFindings } from '../../src/engine/check-target-findings.ts';
import type { Finding } from '../../src/types.ts';
import { tempTrees } from '../helpers/temp-trees.ts';
import { target } from '../render/helpers.ts';

const tree = tempTrees('ferry-test-duplicates-');

// A copy's finding is on its metadata.name line; its "also defined at" named the other copy's first
// line (a comment, apiVersion), not the same kind of line.
const CONFIG_MAP = (comment: string) =>
  `# ${comment}\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  labels: {app: x}\n  name: settings\ndata: {a: b}\n`;

function duplicates(findings: readonly Finding[]): string[] {
  return findings
    .filter((f) => f.rule === 'duplicate-resource')
    .map((f) => `${f.file}:${f.line} ${f.message}`);
}

describe('duplicate-resource points at both name lines', () => {
  it.each([
    ['checkTarget (the set at once)', checkTarget],
    ['checkTargetFindings (file by file)', checkTargetFindings],
  ])('in a plain target: %s', async (_, check) => {
    const root = tree({ 'k8s/a.yaml': CONFIG_MAP('first'), 'k8s/b.yaml': CONFIG_MAP('second') });
    const result = await check({
      root,
      target: target({ path: 'k8s', namespace: 'ml' }),
      kubernetesVersion: '1.34',
    });
    expect(duplicates(result.findings)).toEqual([
      'k8s/b.yaml:6 ConfigMap ml/settings is also defined at k8s/a.yaml:6; only one of them can exist in the cluster',
    ]);
  });

  it('in a helm chart, at each template name line', async () => {
    const root = tree({
      'chart/Chart.yaml': 'apiVersion: v2\nname: app\nversion: 0.1.0\n',
      'chart/templates/a.yaml': CONFIG_MAP('first'),
      'chart/templates/b.yaml': CONFIG_MAP('second'),
    });
    const result = await checkTarget({
      root,
      target: target({ path: 'chart', namespace: 'ml' }),
      kubernetesVersion: '1.34',
    });
    expect(duplicates(result.findings)).toEqual([
      'chart/templates/b.yaml:6 ConfigMap ml/settings is also defined at chart/templates/a.yaml:6; only one of them can exist in the cluster',
    ]);
  });

  // kustomize refuses two objects of one id itself; one that names the target's namespace and one
  // that names none are two ids to kustomize and one object once applied.
  it('in a kustomization, at each source file name line', async () => {
    const root = tree({
      'k/kustomization.yaml': 'resources: [a.yaml, b.yaml]\n',
      'k/a.yaml': CONFIG_MAP('first'),
      'k/b.yaml': CONFIG_MAP('second').replace('  name: settings', '  name: settings\n  namespace: ml'),
    });
    const result = await checkTarget({
      root,
      target: target({ path: 'k', namespace: 'ml' }),
      kubernetesVersion: '1.34',
    });
    expect(result.findings.filter((f) => f.rule === 'render')).toEqual([]);
    expect(duplicates(result.findings)).toEqual([
      'k/a.yaml:6 ConfigMap ml/settings is also defined at k/b.yaml:6; only one of them can exist in the cluster',
    ]);
  });
});
