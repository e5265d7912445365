import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatYaml } from '../../src/diff/format-yaml.ts';
import { normalizeObject, stripNoise } from '../../src/diff/normalize-object.ts';
import type { KubeObject } from '../../src/types.ts';

const exported: KubeObject = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: {
    name: 'api',
    namespace: 'ml',
    uid: 'u-1',
    resourceVersion: '42',
    generation: 3,
    creationTimestamp: null,
    selfLink: '/apis/apps/v1/namespaces/ml/deployments/api',
    managedFields: [{ manager: 'kubectl' }],
    labels: { 'helm.sh/chart': 'api-1.0.0', app: 'api' },
    annotations: {
      'kubectl.kubernetes.io/last-applied-configuration': '{"kind":"Deployment"}',
      'deployment.kubernetes.io/revision': '3',
    },
  },
  spec: { replicas: 2, template: { metadata: { labels: {} }, spec: { containers: [] } } },
  status: { readyReplicas: 2 },
};

describe('normalizeObject', () => {
  it('drops what the API server owns: status, managedFields, uid, resourceVersion, generation, timestamps', () => {
    expect(normalizeObject(exported)).toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'api', namespace: 'ml', labels: { app: 'api', 'helm.sh/chart': 'api-1.0.0' } },
      spec: { replicas: 2, template: { metadata: { labels: {} }, spec: { containers: [] } } },
    });
  });

  it('keeps labels and annotations the author wrote, and empty maps the template emitted', () => {
    const obj: KubeObject = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name: 'c',
        annotations: { team: 'ml', 'kubectl.kubernetes.io/last-applied-configuration': '{}' },
      },
      data: {},
    };
    expect(normalizeObject(obj)).toEqual({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'c', annotations: { team: 'ml' } },
      data: {},
    });
  });

  it('keeps an empty annotations map the author wrote', () => {
    const obj: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', annotations: {} } };
    expect(normalizeObject(obj).metadata).toEqual({ name: 'c', annotations: {} });
  });

  it('orders keys: apiVersion, kind, metadata, spec, data, then the rest sorted', () => {
    const obj = normalizeObject({
      type: 'Opaque',
      stringData: {},
      data: {},
      kind: 'Secret',
      apiVersion: 'v1',
      metadata: {},
    });
    expect(Object.keys(obj)).toEqual(['apiVersion', 'kind', 'metadata', 'data', 'stringData', 'type']);
  });

  it('does not change its input', () => {
    const copy = structuredClone(exported);
    normalizeObject(exported);
    expect(exported).toEqual(copy);
  });

  it('is idempotent', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (extra) => {
        const obj = {
          ...extra,
          apiVersion: 'v1',
          kind: 'X',
          metadata: { name: 'n', uid: 'u' },
        } as KubeObject;
        const once = normalizeObject(obj);
        expect(normalizeObject(once)).toEqual(once);
        expect(JSON.stringify(normalizeObject(once))).toBe(JSON.stringify(once));
      }),
    );
  });
});

describe('stripNoise with formatYaml ordering and marking cycles', () => {
  const kubeLike = fc.record({
    apiVersion: fc.constantFrom('v1', 'apps/v1'),
    kind: fc.constantFrom('ConfigMap', 'Deployment'),
    metadata: fc.record({
      name: fc.string(),
      uid: fc.string(),
      labels: fc.dictionary(fc.string(), fc.string()),
      annotations: fc.dictionary(
        fc.constantFrom('kubectl.kubernetes.io/last-applied-configuration', 'a', 'b/c', 'metadata'),
        fc.string(),
      ),
    }),
    spec: fc.dictionary(fc.constantFrom('name', 'metadata', 'b', 'A', 'z', 'yes', '1'), fc.jsonValue()),
    data: fc.array(fc.dictionary(fc.constantFrom('name', 'kind', 'x'), fc.jsonValue()), { maxLength: 3 }),
    status: fc.jsonValue(),
  });

  it('prints what formatYaml prints for normalizeObject, for any object', () => {
    fc.assert(
      fc.property(kubeLike, (obj) => {
        const o = obj as unknown as KubeObject;
        expect(formatYaml(stripNoise(o), { circularAsText: true })).toBe(formatYaml(normalizeObject(o)));
      }),
    );
  });

  it('prints an alias cycle as normalizeObject does, in maps and in lists', () => {
    const data: Record<string, unknown> = { a: 1 };
    data.self = data;
    data.list = [data, { inner: data }];
    const metadata: Record<string, unknown> = { name: 'n', uid: 'u' };
    metadata.labelsRef = metadata;
    const obj = { apiVersion: 'v1', kind: 'ConfigMap', metadata, data } as KubeObject;
    const text = formatYaml(stripNoise(obj), { circularAsText: true });
    expect(text).toBe(formatYaml(normalizeObject(obj)));
    expect(text).toContain('  self: <circular alias>\n');
  });
});
