import { describe, expect, it } from 'vitest';
import { diffResources } from '../../src/diff/diff-resources.ts';
import { renderTarget } from '../../src/render/render-target.ts';
import { tempTrees } from '../helpers/temp-trees.ts';
import { target } from './helpers.ts';

const tree = tempTrees('ferry-helm-generated-');

/**
 * A chart that generates its API key when the values set none, as open-webui/helm-charts' terminals
 * chart does (templates/secret.yaml: `{{ .Values.apiKey | default (randAlphaNum 32) | quote }}`), and
 * hashes it into its Deployment the way jupyterhub/zero-to-jupyterhub-k8s hashes its hub Secret; the
 * random part sits in a helper, as z2jh's does.
 */
function chart(opts: { apiKey?: string; replicas?: number } = {}): string {
  return tree({
    'chart/Chart.yaml': 'apiVersion: v2\nname: terminals\nversion: 0.5.0\n',
    'chart/values.yaml': `apiKey: ${JSON.stringify(opts.apiKey ?? '')}\nreplicas: ${opts.replicas ?? 1}\n`,
    'chart/templates/_helpers.tpl':
      '{{- define "terminals.apiKey" -}}\n{{ .Values.apiKey | default (randAlphaNum 32) }}\n{{- end }}\n',
    'chart/templates/secret.yaml': [
      'apiVersion: v1',
      'kind: Secret',
      'metadata:',
      '  name: terminals-api-key',
      'stringData:',
      '  api-key: {{ include "terminals.apiKey" . | quote }}',
      '  mode: shared',
      '',
    ].join('\n'),
    'chart/templates/deployment.yaml': [
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata:',
      '  name: terminals',
      'spec:',
      '  replicas: {{ .Values.replicas }}',
      '  selector: {matchLabels: {app: terminals}}',
      '  template:',
      '    metadata:',
      '      labels: {app: terminals}',
      '      annotations:',
      '        checksum/secret: {{ include (print $.Template.BasePath "/secret.yaml") . | sha256sum }}',
      '    spec:',
      '      containers:',
      '        - name: orchestrator',
      '          image: ghcr.io/open-webui/terminals:0.5.0',
      '',
    ].join('\n'),
  });
}

const render = (root: string) =>
  renderTarget({ root, target: target({ name: 't', path: 'chart', namespace: 'ml' }) });

describe('helm: fields a chart generates anew on every render', () => {
  it('marks them, and warns at their template line with what to do', async () => {
    const result = await render(chart());
    expect(result.failed).toBe(false);
    const byKind = Object.fromEntries(result.resources.map((r) => [r.id.kind, r.generated]));
    expect(byKind).toEqual({
      Secret: ['/stringData/api-key'],
      Deployment: ['/spec/template/metadata/annotations/checksum~1secret'],
    });
    expect(result.findings.map((f) => `${f.file}:${f.line}:${f.severity}:${f.rule}:${f.message}`)).toEqual([
      "chart/templates/secret.yaml:6:warning:render:stringData.api-key of Secret ml/terminals-api-key is generated anew by every render (the chart calls randAlphaNum, genCA or the like), so every deploy changes it: set it in the target's values files, or use an existing Secret. Diffs leave it out",
      `chart/templates/deployment.yaml:12:warning:render:spec.template.metadata.annotations["checksum/secret"] of Deployment ml/terminals is generated anew by every render (the chart calls randAlphaNum, genCA or the like), so every deploy changes it: set it in the target's values files, or use an existing Secret. Diffs leave it out`,
    ]);
  });

  it('marks nothing when the values set the value (the same chart then renders the same output)', async () => {
    const result = await render(chart({ apiKey: 'from-values' }));
    expect(result.findings).toEqual([]);
    expect(result.resources.every((r) => r.generated === undefined)).toBe(true);
  });

  it('leaves the generated fields out of the diff, and shows what the change did change', async () => {
    const base = await render(chart());
    const head = await render(chart({ replicas: 2 }));
    const { changes, summary } = diffResources({ target: 't', base: base.resources, head: head.resources });
    const changed = changes.filter((c) => c.action !== 'unchanged');
    expect(changed.map((c) => `${c.id.kind} ${c.action}`)).toEqual(['Deployment changed']);
    expect(changed[0]?.diff).toContain('+  replicas: 2');
    expect(changed[0]?.diff).not.toContain('checksum/secret');
    expect(summary.map((s) => s.resource)).not.toContain('Secret ml/terminals-api-key');
    // A value the head starts to generate is a change: the base had it from the values.
    const fixed = await render(chart({ apiKey: 'from-values' }));
    const toRandom = diffResources({ target: 't', base: fixed.resources, head: base.resources });
    expect(toRandom.changes.filter((c) => c.action === 'changed').map((c) => c.id.kind)).toEqual([
      'Deployment',
      'Secret',
    ]);
  });
});
