import { diffResources } from '../../src/diff/diff-resources.ts';
import type { Report } from '../../src/report/report.ts';
import type { ChangeSet, Finding, KubeObject, Resource } from '../../src/types.ts';
import { loadCase } from '../diff/load-case.ts';

export const HEAD_SHA = '9f3c2a17e4b5d6c7f8a9b0c1d2e3f4a5b6c7d8e9';
export const BASE_SHA = '1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b';

/** The realistic case: model v1 → v2 with a 10% canary and twice the GPUs, a rotated key, a removed ConfigMap. */
export function modelUpgradeReport(extra: Partial<Report> = {}): Report {
  const diff = diffResources({ target: 'production', ...loadCase('model-upgrade') });
  const warning: Finding = {
    rule: 'model-pinned',
    severity: 'warning',
    resource: 'InferenceService ml/classifier',
    file: 'k8s/inference.yaml',
    line: 17,
    message: 'storageUri gs://ferry-models/classifier/v2 is a mutable path; pin a version or digest',
  };
  return {
    repository: 'acme/vision',
    headSha: HEAD_SHA,
    baseSha: BASE_SHA,
    changeSets: [{ target: 'production', ...diff, findings: [warning], renderFailed: false }],
    detailsUrl: 'https://github.com/acme/vision/runs/42',
    ...extra,
  };
}

export function resource(object: KubeObject): Resource {
  const metadata = object.metadata as { name: string; namespace?: string };
  return {
    id: {
      group: object.apiVersion.includes('/') ? (object.apiVersion.split('/')[0] ?? '') : '',
      kind: object.kind,
      namespace: metadata.namespace ?? 'ml',
      name: metadata.name,
    },
    apiVersion: object.apiVersion,
    object,
    file: `k8s/${metadata.name}.yaml`,
    line: 1,
  };
}

export function deployment(i: number, tag: string): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: `api-${i}`, namespace: `ml-${i % 7}` },
    spec: {
      replicas: 2,
      template: {
        spec: {
          containers: [
            {
              name: 'server',
              image: `registry.example.com/ml/api-${i}:${tag}`,
              env: Array.from({ length: 8 }, (_, k) => ({ name: `SETTING_${k}`, value: `${tag}-${k}` })),
            },
          ],
        },
      },
    },
  };
}

/** A change set where every one of `n` Deployments changes, plus `removed` removed ConfigMaps and `findings` warnings. */
export function bigChangeSet(
  n: number,
  opts: { removed?: number; findings?: number; target?: string } = {},
): ChangeSet {
  const base = Array.from({ length: n }, (_, i) => resource(deployment(i, '1.0')));
  const head = Array.from({ length: n }, (_, i) => resource(deployment(i, '1.1')));
  for (let i = 0; i < (opts.removed ?? 0); i++) {
    base.push(
      resource({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `old-${i}` }, data: { k: 'v' } }),
    );
  }
  const findings: Finding[] = Array.from({ length: opts.findings ?? 0 }, (_, i) => ({
    rule: 'image-pinned',
    severity: 'warning',
    file: `k8s/api-${i}.yaml`,
    line: 12,
    message: `image registry.example.com/ml/api-${i}:1.1 is not pinned to a digest`,
  }));
  const target = opts.target ?? 'production';
  return { target, ...diffResources({ target, base, head }), findings, renderFailed: false };
}
