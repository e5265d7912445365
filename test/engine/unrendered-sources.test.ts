import { describe, expect, it } from 'vitest';
import { checkTarget } from '../../src/engine/check-target.ts';
import { tempTrees, writeTree } from '../helpers/temp-trees.ts';
import { target } from '../render/helpers.ts';

const tree = tempTrees('ferry-unrendered-');

/** Two bases whose sources share names (each kustomization prefixes them) and a remote base that fails the build. */
function platform(): string {
  const root = tree();
  const write = (file: string, text: string) => writeTree(root, { [file]: text });
  for (const app of ['notebooks', 'pipelines']) {
    write(
      `apps/${app}/kustomization.yaml`,
      `namePrefix: ${app}-\nnamespace: kubeflow\nlabels:\n  - pairs: {app: ${app}}\n    includeSelectors: true\nresources: [deployment.yaml, service.yaml]\n` +
        // notebooks pins its image as kustomize users do, by `images:`; pipelines does not.
        (app === 'notebooks' ? 'images:\n  - name: registry.example.com/server\n    newTag: "2.1"\n' : ''),
    );
    write(
      `apps/${app}/deployment.yaml`,
      // No selector: the kustomization's `labels` (includeSelectors) adds it.
      'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: deployment\nspec:\n  template:\n    metadata:\n      labels: {component: server}\n    spec:\n      containers:\n        - name: server\n          image: registry.example.com/server:latest\n      restartPolicy: Sometimes\n',
    );
    write(
      `apps/${app}/service.yaml`,
      'apiVersion: v1\nkind: Service\nmetadata:\n  name: service\nspec:\n  selector: {component: server, app: set-by-kustomize}\n  ports: [{port: 80}]\n',
    );
  }
  write(
    'platform/kustomization.yaml',
    'resources:\n  - ../apps/notebooks\n  - ../apps/pipelines\n  - https://github.com/example/remote/manifests?ref=v1\n',
  );
  return root;
}

describe('a failed kustomize build checks its sources on their own', () => {
  it('reports what each source says, not duplicates or selectors that the build would have changed', async () => {
    const root = platform();
    const checked = await checkTarget({
      root,
      target: target({ path: 'platform' }),
      kubernetesVersion: '1.34',
    });
    expect(checked.failed).toBe(true);
    const said = checked.findings.map((f) => `${f.file}:${f.line} ${f.rule}`);
    // The build's failure, and each source's own problem (an unpinned image), still reported.
    expect(said).toContain('platform/kustomization.yaml:4 render');
    expect(said).toContain('apps/pipelines/deployment.yaml:12 image-pinned');
    // An image its kustomization's `images:` pins is judged as the build would set it.
    expect(said).not.toContain('apps/notebooks/deployment.yaml:12 image-pinned');
    // A value no build changes is still wrong; a field the build adds is not missing.
    expect(said).toContain('apps/notebooks/deployment.yaml:13 schema');
    expect(checked.findings.filter((f) => f.message.endsWith('required field missing'))).toEqual([]);
    // Before namePrefix the two Deployments share a name, and before `labels` no pod has `app`:
    // neither is what the build gives, so neither is said.
    expect(checked.findings.filter((f) => f.rule === 'duplicate-resource')).toEqual([]);
    expect(checked.findings.filter((f) => f.rule === 'selector-match')).toEqual([]);
  });

  // kubeflow/pipelines@7b70c7b manifests/kustomize/cluster-scoped-resources: a Namespace named by a
  // kustomize var that the kustomization's `replacements` rewrite, beside a remote base that fails the build.
  it('does not judge a value the build would substitute, a kustomize var $(name)', async () => {
    const root = tree();
    writeTree(root, {
      'cluster/kustomization.yaml': [
        'resources:',
        '  - namespace.yaml',
        '  - https://github.com/argoproj/argo-workflows/manifests/base/crds/minimal?ref=v4.0.8',
        'configMapGenerator:',
        '  - name: params',
        '    literals: [namespace=kubeflow]',
        'replacements:',
        '  - source: {kind: ConfigMap, name: params, fieldPath: data.namespace}',
        '    targets:',
        '      - select: {kind: Namespace}',
        '        fieldPaths: [metadata.name]',
        '',
      ].join('\n'),
      'cluster/namespace.yaml':
        'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: $(kfp-cluster-scoped-namespace)\n  labels: {team: Bad_Label!}\n',
    });
    const checked = await checkTarget({
      root,
      target: target({ path: 'cluster' }),
      kubernetesVersion: '1.34',
    });
    expect(checked.failed).toBe(true);
    const said = checked.findings.map((f) => `${f.file}:${f.line} ${f.rule}`);
    expect(said).toContain('cluster/kustomization.yaml:3 render');
    // The label is wrong whatever the build does; the name is the build's to set.
    expect(said).toEqual(['cluster/kustomization.yaml:3 render', 'cluster/namespace.yaml:5 schema']);
  });
});
