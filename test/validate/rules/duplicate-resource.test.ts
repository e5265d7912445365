import { describe, expect, it } from 'vitest';
import { parseManifests } from '../../../src/manifest/parse-manifests.ts';
import { duplicateResourceRule } from '../../../src/validate/rules/duplicate-resource.ts';
import { resourcesOf, runRule } from './run-rule.ts';

describe('duplicate-resource', () => {
  it('reports the second copy of an object, pointing at the first', () => {
    const resources = [
      ...resourcesOf('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cfg}\n', 'k8s/base.yaml'),
      ...resourcesOf(
        'apiVersion: v1\nkind: Service\nmetadata: {name: cfg}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\n  namespace: ml\n',
        'k8s/extra.yaml',
      ),
    ];
    expect(runRule(duplicateResourceRule, resources)).toEqual([
      {
        severity: 'error',
        file: 'k8s/extra.yaml',
        line: 8,
        message:
          'ConfigMap ml/cfg is also defined at k8s/base.yaml:3; only one of them can exist in the cluster',
      },
    ]);
  });

  it.each([
    [
      'the same name in two namespaces',
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: x}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: y}',
    ],
    [
      'the same name in two kinds',
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\napiVersion: v1\nkind: Secret\nmetadata: {name: a}',
    ],
    [
      'the same kind in two groups',
      'apiVersion: example.com/v1\nkind: Model\nmetadata: {name: a}\n---\napiVersion: other.io/v1\nkind: Model\nmetadata: {name: a}',
    ],
    [
      'two objects using generateName',
      'apiVersion: batch/v1\nkind: Job\nmetadata: {generateName: run-}\n---\napiVersion: batch/v1\nkind: Job\nmetadata: {generateName: run-}',
    ],
  ])('accepts %s', (_, yaml) => {
    expect(runRule(duplicateResourceRule, yaml)).toEqual([]);
  });

  it('treats a namespaced object without a namespace as being in the target namespace', () => {
    const found = runRule(
      duplicateResourceRule,
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: ml}',
    );
    expect(found.map((f) => f.message)).toEqual([
      'ConfigMap ml/a is also defined at test.yaml:3; only one of them can exist in the cluster',
    ]);
  });

  it('without a target namespace, puts an object that names none in default, where the agent applies it', () => {
    const docs =
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: default}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: other}';
    const { resources } = parseManifests(docs, 'cm.yaml');
    expect(runRule(duplicateResourceRule, resources).map((f) => f.message)).toEqual([
      'ConfigMap default/a is also defined at cm.yaml:3; only one of them can exist in the cluster',
    ]);
  });

  it('compares copies of two units (kustomizations given as PATHs) only within a unit and with plain files', () => {
    const doc = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\n';
    const inUnit = (file: string, unit: string | undefined) =>
      resourcesOf(doc, file).map((r) => (unit === undefined ? r : { ...r, unit }));
    const found = runRule(duplicateResourceRule, [
      ...inUnit('overlays/staging/cm.yaml', 'overlays/staging'),
      ...inUnit('overlays/prod/cm.yaml', 'overlays/prod'),
      ...inUnit('overlays/prod/again.yaml', 'overlays/prod'),
      ...inUnit('plain/cm.yaml', undefined),
    ]);
    expect(found.map((f) => `${f.file}:${f.line} ${f.message}`)).toEqual([
      // The second copy in prod clashes with prod's first, kept after staging's.
      'overlays/prod/again.yaml:4 ConfigMap ml/cfg is also defined at overlays/prod/cm.yaml:4; only one of them can exist in the cluster',
      'plain/cm.yaml:4 ConfigMap ml/cfg is also defined at overlays/staging/cm.yaml:4; only one of them can exist in the cluster',
    ]);
  });

  it('reports every later copy against the first', () => {
    const doc = 'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: reader}\n';
    const found = runRule(duplicateResourceRule, [doc, doc, doc].join('---\n'));
    expect(found.map((f) => [f.line, f.message])).toEqual([
      [7, 'ClusterRole reader is also defined at test.yaml:3; only one of them can exist in the cluster'],
      [11, 'ClusterRole reader is also defined at test.yaml:3; only one of them can exist in the cluster'],
    ]);
  });
});
