import { describe, expect, it } from 'vitest';
import { findDrift, isSameValue, listScaledTargets } from '../../src/live/find-drift.ts';
import { parseManifests } from '../../src/manifest/parse-manifests.ts';
import type { KubeObject, Resource } from '../../src/types.ts';

function one(object: Record<string, unknown>): Resource {
  const { resources } = parseManifests(JSON.stringify(object), 'deploy/app.yaml', { defaultNamespace: 'ml' });
  const r = resources[0];
  if (!r) throw new Error('no resource');
  return r;
}

const deployment = (spec: Record<string, unknown>, meta: Record<string, unknown> = {}) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'api', namespace: 'ml', ...meta },
  spec,
});

const container = (extra: Record<string, unknown> = {}) => ({
  name: 'server',
  image: 'ghcr.io/acme/server:1',
  ...extra,
});
const tmpl = (c: Record<string, unknown>) => ({ template: { spec: { containers: [c] } } });

const editedBy = (manager: string, fieldsV1: Record<string, unknown>) => ({
  managedFields: [
    { manager: 'ferry', operation: 'Apply', apiVersion: 'apps/v1', fieldsType: 'FieldsV1', fieldsV1: {} },
    { manager, operation: 'Update', apiVersion: 'apps/v1', fieldsType: 'FieldsV1', fieldsV1 },
  ],
});

describe('isSameValue', () => {
  it.each([
    ['1000m', '1', true],
    ['1Gi', '1024Mi', true],
    [8080, '8080', true],
    ['500m', '1', false],
    [{}, undefined, true],
    [null, undefined, true],
    [true, 'true', false],
  ])('%j and %j are the same: %s', (a, b, same) => {
    expect(isSameValue(a, b)).toBe(same);
  });
});

describe('findDrift', () => {
  const cases: {
    name: string;
    applied: Record<string, unknown>;
    live: Record<string, unknown> | undefined;
    severity?: string;
    message?: string;
  }[] = [
    {
      name: 'a deleted object',
      applied: deployment({ replicas: 2 }),
      live: undefined,
      severity: 'warning',
      message: 'deleted in the cluster (not by Ferry)',
    },
    {
      name: 'a hand edit of replicas, named after its manager',
      applied: deployment({ replicas: 2 }),
      live: deployment({ replicas: 5 }, editedBy('kubectl-edit', { 'f:spec': { 'f:replicas': {} } })),
      severity: 'warning',
      message:
        'changed in the cluster (not by Ferry): spec.replicas: main says 2, cluster has 5 (kubectl-edit)',
    },
    {
      name: 'a container image changed by another controller, matched by container name',
      applied: deployment(tmpl(container())),
      live: deployment(
        tmpl(container({ image: 'ghcr.io/acme/server:2', imagePullPolicy: 'IfNotPresent' })),
        editedBy('kubectl-client-side-apply', {
          'f:spec': {
            'f:template': {
              'f:spec': { 'f:containers': { 'k:{"name":"server"}': { 'f:image': {} } } },
            },
          },
        }),
      ),
      severity: 'warning',
      message:
        'changed in the cluster (not by Ferry): spec.template.spec.containers[server].image: main says ghcr.io/acme/server:1, cluster has ghcr.io/acme/server:2 (kubectl-client-side-apply)',
    },
    {
      name: 'quantities written another way, server defaults and Ferry’s own labels',
      applied: deployment(
        tmpl(
          container({
            resources: { limits: { cpu: '1', memory: '1Gi' } },
            ports: [{ containerPort: '8080' }],
          }),
        ),
      ),
      live: deployment(
        tmpl(
          container({
            resources: { limits: { cpu: '1000m', memory: '1024Mi' } },
            ports: [{ containerPort: 8080, protocol: 'TCP' }],
            terminationMessagePath: '/dev/termination-log',
          }),
        ),
        {
          labels: { 'ferry.dev/target': 'prod' },
          annotations: { 'ferry.dev/revision': 'abc' },
          generation: 3,
        },
      ),
    },
    {
      name: 'a removed label',
      applied: deployment({}, { labels: { team: 'ml' } }),
      live: deployment({}),
      severity: 'warning',
      message:
        'changed in the cluster (not by Ferry): metadata.labels.team: main says ml, cluster has nothing',
    },
    {
      name: 'a Secret whose value changed, without the values',
      applied: {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'db' },
        stringData: { password: 'old-password' },
      },
      live: {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'db', namespace: 'ml' },
        data: { password: Buffer.from('new-password').toString('base64') },
      },
      severity: 'warning',
      message: 'changed in the cluster (not by Ferry): data.password differs',
    },
    {
      name: 'the same Secret value written as stringData and as data',
      applied: {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'db' },
        stringData: { password: 'same' },
      },
      live: {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'db', namespace: 'ml' },
        data: { password: Buffer.from('same').toString('base64') },
      },
    },
  ];

  it.each(cases)('$name', ({ applied, live, severity, message }) => {
    const resource = one(applied);
    const finding = findDrift({
      applied: resource,
      live: live as KubeObject | undefined,
      head: resource,
      branch: 'main',
    });
    if (!severity) {
      expect(finding).toBeUndefined();
      return;
    }
    expect(finding).toMatchObject({
      check: 'drift',
      severity,
      message,
      resource: expect.stringContaining('ml/'),
    });
    expect(JSON.stringify(finding)).not.toMatch(/old-password|new-password/);
  });

  it('points at the drifted field’s line in the head, and has no place when the head dropped the object', () => {
    const applied = one(deployment({ replicas: 2 }));
    const text = 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  replicas: 3\n';
    const head = parseManifests(text, 'deploy/api.yaml', { defaultNamespace: 'ml' }).resources[0];
    const live = deployment({ replicas: 5 }) as KubeObject;
    expect(findDrift({ applied, live, ...(head ? { head } : {}) })).toMatchObject({
      file: 'deploy/api.yaml',
      line: 6,
    });
    const orphan = findDrift({ applied, live });
    expect(orphan?.file).toBeUndefined();
    expect(orphan?.message).toBe(
      'changed in the cluster (not by Ferry): spec.replicas: Git says 2, cluster has 5',
    );
  });

  it('lists at most five fields and counts the rest', () => {
    const labels = Object.fromEntries(Array.from({ length: 7 }, (_, i) => [`l${i}`, 'x']));
    const finding = findDrift({
      applied: one(deployment({}, { labels })),
      live: deployment({}) as KubeObject,
    });
    expect(finding?.message.split('; ')).toHaveLength(6);
    expect(finding?.message.endsWith('and 2 more')).toBe(true);
  });

  it('makes replicas owned by an autoscaler in the set an info, but still warns about other fields', () => {
    const hpa = one({
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'api' },
      spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'api' }, maxReplicas: 9 },
    });
    const scaled = listScaledTargets([hpa]);
    const applied = one(deployment({ replicas: 2, paused: false }));
    const byHpa = findDrift({
      applied,
      live: deployment({ replicas: 7, paused: false }) as KubeObject,
      scaled,
    });
    expect(byHpa).toMatchObject({
      severity: 'info',
      message: 'spec.replicas: Git says 2, cluster has 7: owned by HorizontalPodAutoscaler ml/api by design',
    });
    const both = findDrift({
      applied,
      live: deployment({ replicas: 7, paused: true }) as KubeObject,
      scaled,
    });
    expect(both).toMatchObject({
      severity: 'warning',
      message: 'changed in the cluster (not by Ferry): spec.paused: Git says false, cluster has true',
    });
  });
});
