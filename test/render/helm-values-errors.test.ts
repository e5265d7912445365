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

// community-charts/helm-charts' mlflow with `replicaCount: "two"` in a target's values file, and a chart
// whose Chart.yaml kubeVersion excludes the target's kubernetesVersion: both errors were at the chart's
// folder, line 1, where GitHub cannot annotate, and helm listed the schema violations in a new order on
// each render.
describe("helm: values a chart's values.schema.json refuses, and a kubeVersion the target is outside", () => {
  const SCHEMA = JSON.stringify({
    type: 'object',
    properties: {
      replicaCount: { type: 'integer' },
      image: { type: 'object', properties: { tag: { type: 'string' } } },
    },
  });
  const CHART = {
    'chart/Chart.yaml':
      'apiVersion: v2\nname: app\nversion: 0.1.0\ndependencies:\n  - name: db\n    version: 0.1.0\n',
    'chart/values.schema.json': SCHEMA,
    'chart/values.yaml': 'replicaCount: 1\nimage:\n  tag: "1"\n',
    'chart/templates/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\n',
    'chart/charts/db/Chart.yaml': 'apiVersion: v2\nname: db\nversion: 0.1.0\n',
    'chart/charts/db/values.schema.json': JSON.stringify({
      type: 'object',
      properties: { port: { type: 'integer' } },
    }),
    'chart/charts/db/values.yaml': 'port: 5432\n',
    'chart/charts/db/templates/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: db\n',
    'values/base.yaml': 'image:\n  tag: "2"\nreplicaCount: two\n',
    'values/prod.yaml': 'gpus: 1\n\nreplicaCount: three\nimage:\n  tag: 7\n',
    'values/db.yaml': 'db:\n  port: high\n',
  };

  it('is an error at the line of the first violation in the last values file that sets it, the same on every render', async () => {
    const root = tree();
    writeTree(root, CHART);
    const render = (values: string[]) =>
      renderTarget({ root, target: target({ path: 'chart', helm: { values } }) });
    // Both violations are in prod.yaml, the later file: sorted, '/image/tag' is the first, on line 5.
    for (let i = 0; i < 4; i++) {
      const result = await render(['values/base.yaml', 'values/prod.yaml']);
      expect(result.findings).toEqual([
        expect.objectContaining({
          file: 'values/prod.yaml',
          line: 5,
          message:
            "values don't meet the specifications of the schema(s) in the following chart(s): app: - at '/image/tag': got number, want string - at '/replicaCount': got string, want integer",
        }),
      ]);
    }
    expect((await render(['values/base.yaml'])).findings).toMatchObject([
      { file: 'values/base.yaml', line: 3 },
    ]);
    // A subchart's key, under its name in the target's values file.
    expect((await render(['values/db.yaml'])).findings).toMatchObject([{ file: 'values/db.yaml', line: 2 }]);
  });

  it("is an error at the chart's own values.yaml when that is what the schema refuses", async () => {
    const root = tree();
    writeTree(root, { ...CHART, 'chart/values.yaml': 'replicaCount: 1\nimage:\n  tag: 3\n' });
    const result = await renderTarget({ root, target: target({ path: 'chart' }) });
    expect(result.findings).toMatchObject([{ file: 'chart/values.yaml', line: 3 }]);
  });

  it("is an error at Chart.yaml's kubeVersion line, saying where the version rendered for comes from", async () => {
    const root = tree();
    writeTree(root, {
      'chart/Chart.yaml': 'apiVersion: v2\nname: app\nversion: 0.1.0\nkubeVersion: ">=1.23.0-0"\n',
      'chart/templates/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\n',
    });
    const result = await renderTarget({ root, target: target({ path: 'chart', kubernetesVersion: '1.22' }) });
    expect(result.findings).toEqual([
      expect.objectContaining({
        file: 'chart/Chart.yaml',
        line: 4,
        message:
          "chart requires kubeVersion: >=1.23.0-0 which is incompatible with Kubernetes v1.22 (Ferry renders for the target's kubernetesVersion, 1.22, set in .github/ferry.yml or its top level: raise it if the cluster runs a newer Kubernetes)",
      }),
    ]);
  });
});
