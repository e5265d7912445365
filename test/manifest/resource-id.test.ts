import { describe, expect, it } from 'vitest';
import { formatResourceId, groupOf, resourceIdOf, resourceKey } from '../../src/manifest/resource-id.ts';
import type { KubeObject } from '../../src/types.ts';

describe('resourceIdOf', () => {
  it.each([
    ['apps/v1', 'apps'],
    ['v1', ''],
    ['serving.kserve.io/v1beta1', 'serving.kserve.io'],
  ])('takes the group of %s as %j', (apiVersion, group) => {
    expect(groupOf(apiVersion)).toBe(group);
  });

  it('uses the declared namespace over the default one', () => {
    const obj = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'api', namespace: 'ml' } };
    expect(resourceIdOf(obj, { defaultNamespace: 'other' })).toEqual({
      group: '',
      kind: 'Service',
      namespace: 'ml',
      name: 'api',
    });
  });

  it('is total over malformed objects: missing or non-string fields count as empty', () => {
    const odd = { apiVersion: 7, kind: null, metadata: ['x'] } as unknown as KubeObject;
    expect(resourceIdOf(odd, { defaultNamespace: 'ml' })).toEqual({
      group: '',
      kind: '',
      namespace: 'ml',
      name: '',
    });
    const noMetadata = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 3 },
    } as unknown as KubeObject;
    expect(resourceIdOf(noMetadata).name).toBe('');
  });
});

describe('formatResourceId and resourceKey', () => {
  it('formats namespaced and cluster-scoped identities', () => {
    expect(formatResourceId({ group: 'apps', kind: 'Deployment', namespace: 'ml', name: 'api' })).toBe(
      'Deployment ml/api',
    );
    expect(formatResourceId({ group: '', kind: 'Namespace', namespace: '', name: 'ml' })).toBe(
      'Namespace ml',
    );
  });

  it('shows a missing kind or name readably', () => {
    expect(formatResourceId({ group: '', kind: '', namespace: 'ml', name: '' })).toBe(
      '(no kind) ml/(no name)',
    );
  });

  it('keys identities that differ only by group apart', () => {
    const a = resourceKey({ group: 'apps', kind: 'Deployment', namespace: 'ml', name: 'api' });
    const b = resourceKey({ group: 'extensions', kind: 'Deployment', namespace: 'ml', name: 'api' });
    expect(a).not.toBe(b);
  });
});
