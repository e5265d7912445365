import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/parse-config.ts';
import { renderTarget } from '../../src/render/render-target.ts';
import type { Target } from '../../src/types.ts';
import { tempTrees, writeTree } from '../helpers/temp-trees.ts';
import { target } from './helpers.ts';

const tree = tempTrees('ferry-helm-values-');

describe('helm: a values file that is not YAML', () => {
  it('is an error at the values file and the line helm names, not at the chart', async () => {
    // It was `chart:1` with helm's message: the user had to find the file and the line themselves.
    const root = tree();
    writeTree(root, {
      'chart/Chart.yaml': 'apiVersion: v2\nname: app\nversion: 0.1.0\n',
      'chart/templates/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\ndata:\n  k: v\n',
      'values/prod.yaml': 'gpus: 1\nimage:\n  repository: vllm\n  tag: [unclosed\n',
    });
    const result = await renderTarget({
      root,
      target: target({ path: 'chart', helm: { values: ['values/prod.yaml'] } }),
    });
    expect(result.failed).toBe(true);
    expect(result.findings).toHaveLength(1);
    expect(result.findings[0]).toMatchObject({ file: 'values/prod.yaml', line: 4, severity: 'error' });
    expect(result.findings[0]?.message).toMatch(/^failed to parse values\/prod\.yaml: .*yaml: line 4: /);
  });
});

// otwld/ollama-helm with a target listing ci/gpu-values.yaml, which the revision lacks: the error
// was at ci/gpu-values.yaml:1, a file GitHub has no line of to annotate; the fix is in the config.
describe('helm: a values file the target lists that is not there', () => {
  it('is an error on its entry in .github/ferry.yml, naming the file', async () => {
    const root = tree();
    writeTree(root, {
      'chart/Chart.yaml': 'apiVersion: v2\nname: app\nversion: 0.1.0\n',
      'chart/templates/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\n',
      'values/base.yaml': 'x: 1\n',
    });
    const { config } = parseConfig(
      [
        'targets:',
        '  - name: ollama-gpu',
        '    path: chart',
        '    helm:',
        '      values:',
        '        - values/base.yaml',
        '        - ci/gpu-values.yaml',
        '',
      ].join('\n'),
      { file: '.github/ferry.yml' },
    );
    const result = await renderTarget({ root, target: config.targets[0] as Target });
    expect(result.failed).toBe(true);
    expect(result.findings).toEqual([
      {
        rule: 'render',
        severity: 'error',
        file: '.github/ferry.yml',
        line: 7,
        message:
          "values file ci/gpu-values.yaml does not exist in this revision: fix the target's values in .github/ferry.yml, or add the file",
      },
    ]);
  });
});
