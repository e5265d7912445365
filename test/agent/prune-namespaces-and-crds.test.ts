import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { reconcileSync } from '../../src/agent/reconcile-sync.ts';
import type { SyncObject } from '../../src/signal/sync-object.ts';
import { controllersWithFailures } from '../helpers/kube-apiserver/controllers.ts';
import { type Harness, startHarness } from './helpers/agent-harness.ts';
import { configMap, deployment, ferryConfig, namespace } from './helpers/manifests.ts';

const CONFIG = ferryConfig({ prod: { path: 'deploy', namespace: 'ml', maxPruneShare: 1 } });
const CM = { apiVersion: 'v1', kind: 'ConfigMap' };
const NS = { apiVersion: 'v1', kind: 'Namespace' };
const CRD = { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition' };
const MODEL = { apiVersion: 'ml.acme.dev/v1', kind: 'Model', namespace: 'ml' };

const crd = JSON.stringify({
  ...CRD,
  metadata: { name: 'models.ml.acme.dev' },
  spec: {
    group: 'ml.acme.dev',
    scope: 'Namespaced',
    names: { kind: 'Model', plural: 'models', singular: 'model' },
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        schema: {
          openAPIV3Schema: {
            type: 'object',
            properties: { spec: { type: 'object', properties: { uri: { type: 'string' } } } },
          },
        },
      },
    ],
  },
});
const model = (name: string) =>
  JSON.stringify({
    apiVersion: MODEL.apiVersion,
    kind: 'Model',
    metadata: { name },
    spec: { uri: 's3://m' },
  });

function current(h: Harness): SyncObject {
  const sync = h.sync();
  if (!sync) throw new Error('no Sync');
  return sync;
}
const reconcile = (h: Harness) => reconcileSync(h.deps, current(h), 'event');
const lastApplied = (h: Harness) =>
  String(
    h.server
      .list({ apiVersion: 'v1', kind: 'Event', namespace: 'ferry-system' })
      .findLast((e) => e.reason === 'Applied')?.message,
  );

describe('pruning Namespaces and CRDs', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(() => h.close());

  it('never deletes a Namespace the render still has objects in (which would delete them too)', async () => {
    await h.send(
      h.repo.commit('main', {
        '.github/ferry.yml': CONFIG,
        'deploy/ns.yaml': namespace('vision'),
        'deploy/a.yaml': configMap('a', {}, { namespace: 'vision' }),
        'deploy/b.yaml': configMap('b'),
      }),
    );
    expect((await reconcile(h)).result).toBe('healthy');
    // The Namespace moves out of the target (say, to a platform team's), its objects stay.
    await h.send(h.repo.commit('main', { 'deploy/ns.yaml': null }), { allowMassPrune: true });
    expect(await reconcile(h)).toMatchObject({ result: 'healthy', phase: 'Healthy' });
    expect(h.server.get({ ...NS, name: 'vision' })).toBeDefined();
    expect(h.server.get({ ...CM, namespace: 'vision', name: 'a' })).toBeDefined();
    expect(lastApplied(h)).toContain(
      'left Namespace vision in place: the render still has objects in this namespace',
    );
  });

  it('deletes a Namespace the render dropped only with allowMassPrune, after its members', async () => {
    await h.send(
      h.repo.commit('main', {
        '.github/ferry.yml': CONFIG,
        'deploy/ns.yaml': namespace('vision'),
        'deploy/a.yaml': configMap('a', {}, { namespace: 'vision' }),
        'deploy/b.yaml': configMap('b'),
      }),
    );
    await reconcile(h);
    // Someone else's data lives in it too.
    h.server.put({ ...CM, metadata: { name: 'notes', namespace: 'vision' }, data: { x: '1' } });
    const dropped = h.repo.commit('main', { 'deploy/ns.yaml': null, 'deploy/a.yaml': null });
    await h.send(dropped);
    expect(await reconcile(h)).toMatchObject({ result: 'healthy', phase: 'Healthy' });
    expect(h.server.get({ ...CM, namespace: 'vision', name: 'a' })).toBeUndefined();
    expect(h.server.get({ ...NS, name: 'vision' })).toBeDefined();
    expect(h.server.get({ ...CM, namespace: 'vision', name: 'notes' })).toBeDefined();
    expect(lastApplied(h)).toContain(
      'left Namespace vision in place: deleting a Namespace deletes everything in it; re-send with allowMassPrune (ferry sync --allow-mass-prune) to delete it',
    );

    await h.send(dropped, { allowMassPrune: true, reason: 'delete the vision namespace' });
    expect(await reconcile(h)).toMatchObject({ result: 'healthy' });
    expect(h.server.get({ ...NS, name: 'vision' })).toBeUndefined();
  });

  it('never deletes a CRD whose custom resources the render still has, and others only with allowMassPrune', async () => {
    await h.send(
      h.repo.commit('main', {
        '.github/ferry.yml': CONFIG,
        'deploy/crd.yaml': crd,
        'deploy/resnet.yaml': model('resnet'),
        'deploy/b.yaml': configMap('b'),
      }),
    );
    expect((await reconcile(h)).result).toBe('healthy');
    // The CRD moves to the operator's chart; the target keeps its Model.
    const moved = h.repo.commit('main', { 'deploy/crd.yaml': null });
    await h.send(moved, { allowMassPrune: true });
    expect(await reconcile(h)).toMatchObject({ result: 'healthy' });
    expect(h.server.get({ ...CRD, name: 'models.ml.acme.dev' })).toBeDefined();
    expect(h.server.get({ ...MODEL, name: 'resnet' })).toBeDefined();
    expect(lastApplied(h)).toContain(
      'left CustomResourceDefinition models.ml.acme.dev in place: the render still has custom resources of this definition',
    );

    await h.send(h.repo.commit('main', { 'deploy/resnet.yaml': null, 'deploy/crd.yaml': null }));
    expect(await reconcile(h)).toMatchObject({ result: 'healthy' });
    expect(h.server.get({ ...MODEL, name: 'resnet' })).toBeUndefined();
    expect(h.server.get({ ...CRD, name: 'models.ml.acme.dev' })).toBeDefined();
    expect(lastApplied(h)).toContain('left CustomResourceDefinition models.ml.acme.dev in place: deleting');
  });
});

describe('an auto-rollback', () => {
  let h: Harness;
  afterEach(() => h.close());

  it('prunes what the failed revision added but not a Namespace it declared, which may hold others’ objects', async () => {
    h = await startHarness({
      server: { controllers: controllersWithFailures((o) => JSON.stringify(o).includes('server:broken')) },
    });
    const config = ferryConfig({
      prod: { path: 'deploy', namespace: 'ml', autoRollback: true, healthTimeoutSeconds: 10 },
    });
    await h.send(
      h.repo.commit('main', { '.github/ferry.yml': config, 'deploy/app.yaml': deployment('api') }),
    );
    expect((await reconcile(h)).result).toBe('healthy');
    // The team's notebooks namespace already exists; the bad revision starts declaring it.
    h.server.put({ ...NS, metadata: { name: 'notebooks' } });
    h.server.put({ ...CM, metadata: { name: 'alice', namespace: 'notebooks' }, data: { x: '1' } });
    await h.send(
      h.repo.commit('main', {
        'deploy/app.yaml': deployment('api', { image: 'ghcr.io/acme/server:broken' }),
        'deploy/ns.yaml': namespace('notebooks'),
        'deploy/cm.yaml': configMap('shared', {}, { namespace: 'notebooks' }),
      }),
    );
    expect(await reconcile(h)).toMatchObject({ result: 'rolled_back', phase: 'RolledBack' });
    expect(h.server.get({ ...CM, namespace: 'notebooks', name: 'shared' })).toBeUndefined();
    expect(h.server.get({ ...NS, name: 'notebooks' })).toBeDefined();
    expect(h.server.get({ ...CM, namespace: 'notebooks', name: 'alice' })).toBeDefined();
  });
});
