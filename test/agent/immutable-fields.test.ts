import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { reconcileSync } from '../../src/agent/reconcile-sync.ts';
import type { SyncObject } from '../../src/signal/sync-object.ts';
import { fieldOf } from '../helpers/kube-apiserver/field-of.ts';
import { type Harness, startHarness } from './helpers/agent-harness.ts';
import { ferryConfig } from './helpers/manifests.ts';

const CONFIG = ferryConfig({ prod: { path: 'deploy', namespace: 'ml' } });
const PVC = { apiVersion: 'v1', kind: 'PersistentVolumeClaim', namespace: 'ml' };
const STS = { apiVersion: 'apps/v1', kind: 'StatefulSet', namespace: 'ml' };
const RECREATE = { 'ferry.dev/recreate': 'enabled' };

const claim = (
  storage: string,
  opts: { storageClassName?: string; annotations?: Record<string, string> } = {},
) =>
  stringify({
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name: 'models', ...(opts.annotations ? { annotations: opts.annotations } : {}) },
    spec: {
      accessModes: ['ReadWriteOnce'],
      storageClassName: opts.storageClassName ?? 'gp3',
      resources: { requests: { storage } },
    },
  });

const statefulSet = (storage: string) =>
  stringify({
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: 'vectordb', annotations: RECREATE },
    spec: {
      replicas: 1,
      serviceName: 'vectordb',
      selector: { matchLabels: { app: 'vectordb' } },
      template: {
        metadata: { labels: { app: 'vectordb' } },
        spec: { containers: [{ name: 'db', image: 'ghcr.io/acme/vectordb:2.3.1' }] },
      },
      volumeClaimTemplates: [
        {
          metadata: { name: 'data' },
          spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage } } },
        },
      ],
    },
  });

function current(h: Harness): SyncObject {
  const sync = h.sync();
  if (!sync) throw new Error('no Sync');
  return sync;
}
const reconcile = (h: Harness) => reconcileSync(h.deps, current(h), 'event');
const uidOf = (h: Harness, ref: { apiVersion: string; kind: string; namespace: string }, name: string) =>
  fieldOf(h.server.get({ ...ref, name }), 'metadata').uid;

describe('immutable fields of objects that hold data', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(() => h.close());

  it('grows a PersistentVolumeClaim, says it cannot shrink, and never deletes one to recreate it', async () => {
    await h.send(h.repo.commit('main', { '.github/ferry.yml': CONFIG, 'deploy/pvc.yaml': claim('100Gi') }));
    expect((await reconcile(h)).result).toBe('healthy');
    const uid = uidOf(h, PVC, 'models');

    await h.send(h.repo.commit('main', { 'deploy/pvc.yaml': claim('200Gi') }));
    expect((await reconcile(h)).result).toBe('healthy');

    await h.send(h.repo.commit('main', { 'deploy/pvc.yaml': claim('50Gi', { annotations: RECREATE }) }));
    expect(await reconcile(h)).toMatchObject({
      result: 'failed',
      message: expect.stringContaining(
        'PersistentVolumeClaim ml/models: PersistentVolumeClaim "models" is invalid: spec.resources.requests.storage: Forbidden: field can not be less than status.capacity (a PersistentVolumeClaim can grow but not shrink: keep its size, or move the data to a new, smaller claim under another name)',
      ),
    });

    await h.send(
      h.repo.commit('main', {
        'deploy/pvc.yaml': claim('200Gi', { storageClassName: 'io2', annotations: RECREATE }),
      }),
    );
    expect(await reconcile(h)).toMatchObject({
      result: 'failed',
      message: expect.stringContaining(
        "Forbidden: spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims (Ferry never deletes a PersistentVolumeClaim to recreate it, as its volume's data could go with it: give the changed claim a new name and point the workload at it)",
      ),
    });
    expect(uidOf(h, PVC, 'models')).toBe(uid);
    expect(h.server.mutations.filter((m) => m.verb === 'delete')).toEqual([]);
  });

  it('recreates a StatefulSet whose volumeClaimTemplates changed without deleting its pods (orphan)', async () => {
    await h.send(
      h.repo.commit('main', { '.github/ferry.yml': CONFIG, 'deploy/sts.yaml': statefulSet('10Gi') }),
    );
    expect((await reconcile(h)).result).toBe('healthy');
    const uid = uidOf(h, STS, 'vectordb');

    await h.send(h.repo.commit('main', { 'deploy/sts.yaml': statefulSet('20Gi') }));
    expect((await reconcile(h)).result).toBe('healthy');
    expect(uidOf(h, STS, 'vectordb')).not.toBe(uid);
    const deletes = h.server.requests.filter((r) => r.method === 'DELETE' && r.resource === 'statefulsets');
    expect(deletes).toHaveLength(1);
    expect(JSON.stringify([deletes[0]?.query, deletes[0]?.body])).toContain('Orphan');
    const applied = h.server
      .list({ apiVersion: 'v1', kind: 'Event', namespace: 'ferry-system' })
      .findLast((e) => e.reason === 'Applied');
    expect(String(applied?.message)).toContain(
      'recreated StatefulSet ml/vectordb, keeping its pods and claims (immutable field changed)',
    );
  });
});
