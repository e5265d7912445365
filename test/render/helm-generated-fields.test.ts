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
      "chart/templates/secret.yaml:6:warning:render:stringData.api-key of Secret ml/terminals-api-key is generated anew by every render (the chart calls randAlphaNum, genCA, htpasswd or the like), so every deploy changes it: set it in the target's values files, or use an existing Secret. Diffs leave it out",
      `chart/templates/deployment.yaml:12:warning:render:spec.template.metadata.annotations["checksum/secret"] of Deployment ml/terminals is generated anew by every render (the chart calls randAlphaNum, genCA, htpasswd or the like), so every deploy changes it: set it in the target's values files, or use an existing Secret. Diffs leave it out`,
    ]);
  });

  // NVIDIA/dcgm-exporter@d5e5f51 deployment/templates/web-config-configmap.yaml: basic-auth users from the
  // values, hashed with htpasswd (bcrypt, salted anew on every call) into a ConfigMap. The diff shows a
  // ConfigMap's generated value (it could hide a change beside it): the warning must not say otherwise.
  it('says a generated ConfigMap value stays in diffs, and names salted hashes among the causes', async () => {
    const root = tree({
      'chart/Chart.yaml': 'apiVersion: v2\nname: dcgm-exporter\nversion: 4.8.2\n',
      'chart/values.yaml': 'basicAuth:\n  users:\n    alice: secret\n',
      'chart/templates/web-config-configmap.yaml': [
        'apiVersion: v1',
        'kind: ConfigMap',
        'metadata:',
        '  name: web-config',
        'data:',
        '  web-config.yaml: |',
        '    basic_auth_users:',
        '      {{- range $user, $password := .Values.basicAuth.users }}',
        '      {{ $user }}: {{ (split ":" (htpasswd $user $password))._1 }}',
        '      {{- end }}',
        '',
      ].join('\n'),
    });
    const result = await render(root);
    expect(result.findings.map((f) => `${f.file}:${f.line}:${f.message}`)).toEqual([
      `chart/templates/web-config-configmap.yaml:6:data["web-config.yaml"] of ConfigMap ml/web-config is generated anew by every render (the chart calls randAlphaNum, genCA, htpasswd or the like), so every deploy changes it: set it in the target's values files, or use an existing Secret. Diffs show it as changed in every PR`,
    ]);
    const again = await render(root);
    const { changes } = diffResources({ target: 't', base: result.resources, head: again.resources });
    expect(changes.map((c) => `${c.id.kind} ${c.action}`)).toEqual(['ConfigMap changed']);
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
