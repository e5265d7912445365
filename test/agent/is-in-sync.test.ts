import { describe, expect, it } from 'vitest';
import { isInSync, listOwnedPaths } from '../../src/agent/is-in-sync.ts';
import type { KubeObject } from '../../src/types.ts';

const desired: KubeObject = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'api', namespace: 'ml', labels: { 'ferry.dev/target': 'prod' } },
  spec: { replicas: 2, template: { spec: { containers: [{ name: 'c', image: 'x:1' }] } } },
};

function live(overrides: { spec?: object; fieldsV1?: object; manager?: string } = {}): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: 'api',
      namespace: 'ml',
      resourceVersion: '7',
      labels: { 'ferry.dev/target': 'prod' },
      annotations: { 'ferry.dev/revision': 'abc' },
      managedFields: [
        {
          manager: overrides.manager ?? 'ferry',
          operation: 'Apply',
          fieldsType: 'FieldsV1',
          fieldsV1: overrides.fieldsV1 ?? {
            'f:metadata': {
              'f:labels': { 'f:ferry.dev/target': {} },
              'f:annotations': { 'f:ferry.dev/revision': {} },
            },
            'f:spec': {
              'f:replicas': {},
              'f:template': {
                'f:spec': { 'f:containers': { 'k:{"name":"c"}': { '.': {}, 'f:image': {} } } },
              },
            },
          },
        },
      ],
    },
    // Server defaults (strategy, imagePullPolicy) are not drift.
    spec: overrides.spec ?? {
      replicas: 2,
      strategy: { type: 'RollingUpdate' },
      template: { spec: { containers: [{ name: 'c', image: 'x:1', imagePullPolicy: 'IfNotPresent' }] } },
    },
    status: { replicas: 2 },
  };
}

describe('isInSync', () => {
  it('is true when every field Git sets has its value and the manager owns nothing Git dropped', () => {
    expect(isInSync(desired, live(), 'ferry')).toBe(true);
  });

  it('sees a changed value, a missing object, and an object the agent does not own yet', () => {
    expect(
      isInSync(
        desired,
        live({ spec: { replicas: 5, template: { spec: { containers: [{ name: 'c', image: 'x:1' }] } } } }),
        'ferry',
      ),
    ).toBe(false);
    expect(isInSync(desired, undefined, 'ferry')).toBe(false);
    expect(isInSync(desired, live({ manager: 'kubectl' }), 'ferry')).toBe(false);
  });

  it('sees a field Git dropped that the agent still owns (server-side apply would remove it)', () => {
    const owned = {
      'f:metadata': { 'f:labels': { 'f:ferry.dev/target': {} } },
      'f:spec': { 'f:replicas': {}, 'f:paused': {}, 'f:template': { 'f:spec': { 'f:containers': {} } } },
    };
    expect(isInSync(desired, live({ fieldsV1: owned }), 'ferry')).toBe(false);
  });

  it("sees a field Git dropped inside an associative list element (a container's env)", () => {
    const owned = {
      'f:metadata': { 'f:labels': { 'f:ferry.dev/target': {} } },
      'f:spec': {
        'f:replicas': {},
        'f:template': {
          'f:spec': { 'f:containers': { 'k:{"name":"c"}': { '.': {}, 'f:image': {}, 'f:env': {} } } },
        },
      },
    };
    const withEnv = live({
      fieldsV1: owned,
      spec: {
        replicas: 2,
        template: { spec: { containers: [{ name: 'c', image: 'x:1', env: [{ name: 'A', value: '1' }] }] } },
      },
    });
    expect(isInSync(desired, withEnv, 'ferry')).toBe(false);
  });

  it('reads owned paths from fieldsV1, picking list elements by their keys', () => {
    expect(listOwnedPaths(live(), 'ferry')).toEqual([
      ['metadata', 'labels', 'ferry.dev/target'],
      ['metadata', 'annotations', 'ferry.dev/revision'],
      ['spec', 'replicas'],
      ['spec', 'template', 'spec', 'containers', { match: { name: 'c' } }, 'image'],
    ]);
  });
});
