import { describe, expect, it } from 'vitest';
import { renderTarget } from '../../src/render/render-target.ts';
import { tempTrees, writeTree } from '../helpers/temp-trees.ts';
import { target } from './helpers.ts';

const tree = tempTrees('ferry-helm-capabilities-');

// Modelled on InftyAI/llmaz's chart/templates/prometheus/serviceaccount.yaml (written fresh): the chart
// fails unless the cluster serves the Prometheus Operator's ServiceMonitor. helm template sees only
// the APIs Ferry passes, so it failed whatever the cluster serves, and nothing said what to do.
const CHART = {
  'chart/Chart.yaml': 'apiVersion: v2\nname: app\nversion: 0.1.0\n',
  'chart/templates/monitor.yaml': [
    '{{- if not (.Capabilities.APIVersions.Has "monitoring.coreos.com/v1/ServiceMonitor") }}',
    '{{- fail "The cluster does not support the required API resource `monitoring.coreos.com/v1/ServiceMonitor`." }}',
    '{{- end }}',
    'apiVersion: monitoring.coreos.com/v1',
    'kind: ServiceMonitor',
    'metadata: {name: app}',
    'spec: {selector: {}, endpoints: []}',
    '',
  ].join('\n'),
  'chart/templates/required.yaml':
    'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {k: {{ required "set serving.kserve.io/v1beta1 options" .Values.x | quote }}}\n',
  'values/x.yaml': 'x: y\n',
};

describe('helm: a chart that fails for an API helm was not told of', () => {
  it("says to list the API it names under the target's helm.apiVersions, and renders once it is", async () => {
    const root = tree();
    writeTree(root, CHART);
    const failed = await renderTarget({
      root,
      target: target({ path: 'chart', helm: { values: ['values/x.yaml'] } }),
    });
    expect(failed.failed).toBe(true);
    expect(failed.findings).toMatchObject([
      {
        file: 'chart/templates/monitor.yaml',
        line: 2,
        message: expect.stringMatching(
          /`monitoring\.coreos\.com\/v1\/ServiceMonitor`\. \(helm template sees only the APIs Ferry passes: if the target's cluster serves monitoring\.coreos\.com\/v1\/ServiceMonitor, list it under the target's helm\.apiVersions in \.github\/ferry\.yml\)$/,
        ),
      },
    ]);
    const listed = await renderTarget({
      root,
      target: target({
        path: 'chart',
        helm: { values: ['values/x.yaml'], apiVersions: ['monitoring.coreos.com/v1/ServiceMonitor'] },
      }),
    });
    expect(listed.failed).toBe(false);
    expect(listed.resources.map((r) => r.id.kind).sort()).toEqual(['ConfigMap', 'ServiceMonitor']);
  });

  // Modelled on kubeflow/spark-operator's chart (written fresh): the template tests `g/v/Kind` and its
  // message names the group/version and the kind apart. Listing the group/version does not answer a
  // `Has "g/v/Kind"`, so the hint names the API as the template tests it.
  it('names the API as the template tests it when the message names its group/version and kind apart', async () => {
    const root = tree();
    const guarded = (kind: string, group: string) =>
      [
        `{{- if not (.Capabilities.APIVersions.Has "${group}/${kind}") }}`,
        `{{- fail (printf "The cluster does not support the required API version \`%s\` for \`%s\`." "${group}" "${kind}") }}`,
        '{{- end }}',
        `apiVersion: ${group}`,
        `kind: ${kind}`,
        `metadata: {name: app-${kind.toLowerCase()}}`,
        '',
      ].join('\n');
    writeTree(root, {
      'chart/Chart.yaml': 'apiVersion: v2\nname: app\nversion: 0.1.0\n',
      'chart/templates/podmonitor.yaml': guarded('PodMonitor', 'monitoring.coreos.com/v1'),
      'chart/templates/servicemonitor.yaml': `{{- if .Values.sm }}\n${guarded('ServiceMonitor', 'monitoring.coreos.com/v1')}{{- end }}\n`,
    });
    const render = (apiVersions: string[]) =>
      renderTarget({ root, target: target({ path: 'chart', helm: { values: [], apiVersions } }) });
    for (const listed of [[], ['monitoring.coreos.com/v1']]) {
      const failed = await render(listed);
      expect(failed.failed).toBe(true);
      expect(failed.findings).toMatchObject([
        {
          file: 'chart/templates/podmonitor.yaml',
          message: expect.stringMatching(
            /for `PodMonitor`\. \(helm template sees only the APIs Ferry passes: if the target's cluster serves monitoring\.coreos\.com\/v1\/PodMonitor, list it under the target's helm\.apiVersions in \.github\/ferry\.yml\)$/,
          ),
        },
      ]);
    }
    const listed = await render(['monitoring.coreos.com/v1/PodMonitor']);
    expect(listed.failed).toBe(false);
    expect(listed.resources.map((r) => r.id.kind)).toEqual(['PodMonitor']);
  });

  it('adds nothing to a failure naming an API the chart does not test for, or a Kubernetes one', async () => {
    const root = tree();
    // `required` names serving.kserve.io/v1beta1, which no template asks .Capabilities about.
    writeTree(root, { ...CHART, 'chart/templates/monitor.yaml': '' });
    const required = await renderTarget({ root, target: target({ path: 'chart' }) });
    expect(required.findings[0]?.message).toMatch(/: set serving\.kserve\.io\/v1beta1 options$/);
    writeTree(root, {
      'chart/templates/monitor.yaml':
        '{{- if not (.Capabilities.APIVersions.Has "autoscaling.k8s.io/v1") }}\n{{- fail "needs autoscaling.k8s.io/v1" }}\n{{- end }}\n',
    });
    const builtin = await renderTarget({
      root,
      target: target({ path: 'chart', helm: { values: ['values/x.yaml'] } }),
    });
    expect(builtin.findings[0]?.message).toMatch(/: needs autoscaling\.k8s\.io\/v1$/);
  });
});
