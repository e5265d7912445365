import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { reconcileSync } from '../../src/agent/reconcile-sync.ts';
import type { SyncObject } from '../../src/signal/sync-object.ts';
import { type Harness, startHarness } from './helpers/agent-harness.ts';
import { configMap, ferryConfig } from './helpers/manifests.ts';

const CONFIG = ferryConfig({ prod: { path: 'deploy', namespace: 'ml' } });
const CM = { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'ml' };

const crd = (versions: { name: string; storage: boolean }[]) =>
  JSON.stringify({
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'models.ml.acme.dev' },
    spec: {
      group: 'ml.acme.dev',
      scope: 'Namespaced',
      names: { kind: 'Model', plural: 'models', singular: 'model' },
      versions: versions.map((v) => ({
        ...v,
        served: true,
        schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
      })),
    },
  });
const model = (version: string) =>
  JSON.stringify({
    apiVersion: `ml.acme.dev/${version}`,
    kind: 'Model',
    metadata: { name: 'resnet' },
    spec: { uri: 's3://m' },
  });

function current(h: Harness): SyncObject {
  const sync = h.sync();
  if (!sync) throw new Error('no Sync');
  return sync;
}
const reconcile = (h: Harness) => reconcileSync(h.deps, current(h), 'event');

describe('rollbacks to what the cluster has moved on from', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(() => h.close());

  it('recreates objects pruned since the commit it rolls back to', async () => {
    const first = h.repo.commit('main', {
      '.github/ferry.yml': CONFIG,
      'deploy/a.yaml': configMap('a'),
      'deploy/b.yaml': configMap('b'),
    });
    await h.send(first);
    await reconcile(h);
    const second = h.repo.commit('main', { 'deploy/b.yaml': null });
    await h.send(second);
    await reconcile(h);
    expect(h.server.get({ ...CM, name: 'b' })).toBeUndefined();

    await h.send(first, { rollback: true, reason: '/rollback' });
    expect(await reconcile(h)).toMatchObject({ result: 'healthy' });
    expect(h.server.get({ ...CM, name: 'b' })).toBeDefined();
    expect(current(h).status).toMatchObject({ appliedRevision: first, heldRevision: second });
  });

  it('says why a rollback across a CRD version change is refused and how out, and prunes nothing', async () => {
    const alpha = h.repo.commit('main', {
      '.github/ferry.yml': CONFIG,
      'deploy/crd.yaml': crd([{ name: 'v1alpha1', storage: true }]),
      'deploy/resnet.yaml': model('v1alpha1'),
      'deploy/a.yaml': configMap('a'),
    });
    await h.send(alpha);
    expect((await reconcile(h)).result).toBe('healthy');
    // v1 becomes the storage version; v1alpha1 stays listed, so objects stored as either still read.
    const v1 = h.repo.commit('main', {
      'deploy/crd.yaml': crd([
        { name: 'v1alpha1', storage: false },
        { name: 'v1', storage: true },
      ]),
      'deploy/resnet.yaml': model('v1'),
    });
    await h.send(v1);
    expect((await reconcile(h)).result).toBe('healthy');

    await h.send(alpha, { rollback: true, reason: '/rollback' });
    const outcome = await reconcile(h);
    expect(outcome).toMatchObject({ result: 'failed', phase: 'Failed' });
    expect(outcome.message).toContain(
      'CustomResourceDefinition models.ml.acme.dev: CustomResourceDefinition.apiextensions.k8s.io "models.ml.acme.dev" is invalid: status.storedVersions[1]: Invalid value: "v1": must appear in spec.versions (the cluster stores objects of this definition as v1, which this revision\'s CRD no longer lists: deploy a CRD that keeps v1 (served: false is enough), or migrate the stored objects and remove v1 from status.storedVersions first)',
    );
    expect(current(h).status).toMatchObject({ appliedRevision: v1 });
    expect(
      h.server.get({ apiVersion: 'ml.acme.dev/v1', kind: 'Model', namespace: 'ml', name: 'resnet' }),
    ).toBeDefined();
  });
});
