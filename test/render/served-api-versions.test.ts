import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderTarget } from '../../src/render/render-target.ts';
import { listGaKinds, listServedApiVersions } from '../../src/render/served-api-versions.ts';
import { tempTrees } from '../helpers/temp-trees.ts';
import { target } from './helpers.ts';

const tree = tempTrees('ferry-api-versions-');

describe('listServedApiVersions', () => {
  it("lists every GA kind of the pinned schema (what a cluster's discovery gives Argo CD)", () => {
    const pinned = JSON.parse(
      readFileSync(join(import.meta.dirname, '../../src/validate/schemas/k8s-1.36.json'), 'utf8'),
    ) as { kinds: Record<string, string> };
    const ga = Object.keys(pinned.kinds).filter((k) => /^(.+\/)?v\d+\/\w+$/.test(k) && !k.endsWith('List'));
    expect(listGaKinds().sort()).toEqual(ga.sort());
  });

  it("leaves out kinds that went GA after the target's release", () => {
    const at = (v: string) => listServedApiVersions(v);
    expect(at('1.29')).toContain('flowcontrol.apiserver.k8s.io/v1/FlowSchema');
    expect(at('1.29')).not.toContain('admissionregistration.k8s.io/v1/ValidatingAdmissionPolicy');
    expect(at('1.34')).toContain('resource.k8s.io/v1/ResourceClaim');
    expect(at('1.33')).not.toContain('resource.k8s.io/v1/ResourceClaim');
    expect(at('1.25')).toEqual(
      expect.arrayContaining(['apiregistration.k8s.io/v1', 'policy/v1/PodDisruptionBudget']),
    );
  });
});

describe('helm: .Capabilities.APIVersions as a cluster of the target release has them', () => {
  // prometheus-community/helm-charts: prometheus-adapter's APIServices and pingmesh-exporter's PDB.
  const chart = () =>
    tree({
      'chart/Chart.yaml': 'apiVersion: v2\nname: adapter\nversion: 5.2.0\n',
      'chart/templates/apiservice.yaml': [
        '{{- if .Capabilities.APIVersions.Has "apiregistration.k8s.io/v1" }}',
        'apiVersion: apiregistration.k8s.io/v1',
        '{{- else }}',
        'apiVersion: apiregistration.k8s.io/v1beta1',
        '{{- end }}',
        'kind: APIService',
        'metadata: {name: v1beta1.custom.metrics.k8s.io}',
        'spec: {group: custom.metrics.k8s.io, version: v1beta1, groupPriorityMinimum: 100, versionPriority: 100, service: {name: adapter, namespace: monitoring}}',
        '',
      ].join('\n'),
      'chart/templates/pdb.yaml': [
        '{{ if $.Capabilities.APIVersions.Has "policy/v1/PodDisruptionBudget" -}}',
        'apiVersion: policy/v1',
        '{{- else -}}',
        'apiVersion: policy/v1beta1',
        '{{- end }}',
        'kind: PodDisruptionBudget',
        'metadata: {name: adapter}',
        'spec: {minAvailable: 1, selector: {matchLabels: {app: adapter}}}',
        '',
      ].join('\n'),
      'chart/templates/vap.yaml': [
        '{{- if .Capabilities.APIVersions.Has "admissionregistration.k8s.io/v1/ValidatingAdmissionPolicy" }}',
        'apiVersion: v1',
        'kind: ConfigMap',
        'metadata: {name: vap-served}',
        '{{- end }}',
        '',
      ].join('\n'),
    });

  it('renders the GA versions a 1.34 cluster serves, not the removed betas', async () => {
    const result = await renderTarget({
      root: chart(),
      target: target({ path: 'chart', namespace: 'monitoring', kubernetesVersion: '1.34' }),
    });
    expect(result.findings).toEqual([]);
    expect(result.resources.map((r) => `${r.apiVersion} ${r.id.kind}`).sort()).toEqual([
      'apiregistration.k8s.io/v1 APIService',
      'policy/v1 PodDisruptionBudget',
      'v1 ConfigMap',
    ]);
  });

  it('leaves out what the target release does not serve yet', async () => {
    const result = await renderTarget({
      root: chart(),
      target: target({ path: 'chart', namespace: 'monitoring', kubernetesVersion: '1.29' }),
    });
    expect(result.resources.map((r) => r.id.kind)).not.toContain('ConfigMap');
  });
});
