import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { reconcileSync } from '../../src/agent/reconcile-sync.ts';
import { withAutoscaledReplicas } from '../../src/agent/with-autoscaled-replicas.ts';
import type { SyncObject } from '../../src/signal/sync-object.ts';
import { fieldOf } from '../helpers/kube-apiserver/field-of.ts';
import { type Harness, startHarness } from './helpers/agent-harness.ts';
import { deployment, ferryConfig } from './helpers/manifests.ts';

const CONFIG = ferryConfig({ prod: { path: 'deploy', namespace: 'ml' } });
const DEPLOY = { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'ml' };

const hpa = (name: string, target: string) =>
  stringify({
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: target },
      minReplicas: 2,
      maxReplicas: 10,
      metrics: [
        {
          type: 'Resource',
          resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } },
        },
      ],
    },
  });

function current(h: Harness): SyncObject {
  const sync = h.sync();
  if (!sync) throw new Error('no Sync');
  return sync;
}
const reconcile = (h: Harness, trigger: 'event' | 'resync') => reconcileSync(h.deps, current(h), trigger);
const replicasOf = (h: Harness, name: string) => fieldOf(h.server.get({ ...DEPLOY, name }), 'spec').replicas;
/** What the HPA controller does (through /scale in a real cluster): spec.replicas as kube-controller-manager. */
const scale = (h: Harness, name: string, replicas: number, manager = 'kube-controller-manager') =>
  h.deps.client.mergePatch({ ...DEPLOY, name }, { spec: { replicas } }, { fieldManager: manager });

describe('replicas an autoscaler owns', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(() => h.close());

  it('are created at Git’s count, then left to the autoscaler through resyncs and new revisions', async () => {
    await h.send(
      h.repo.commit('main', {
        '.github/ferry.yml': CONFIG,
        'deploy/api.yaml': deployment('api', { replicas: 2 }),
        'deploy/api-hpa.yaml': hpa('api', 'api'),
        'deploy/batch.yaml': deployment('batch', { replicas: 2 }),
      }),
    );
    expect((await reconcile(h, 'event')).result).toBe('healthy');
    expect(replicasOf(h, 'api')).toBe(2);

    // Load arrives: the HPA scales the model server up. Someone also scales batch by hand.
    await scale(h, 'api', 6);
    await scale(h, 'batch', 4, 'kubectl-scale');
    expect(await reconcile(h, 'resync')).toMatchObject({ result: 'healthy' });
    expect(replicasOf(h, 'api')).toBe(6);
    // Without an autoscaler Git still wins.
    expect(replicasOf(h, 'batch')).toBe(2);

    // A new image rolls out at the autoscaler's size, and the Applied event says why.
    await h.send(
      h.repo.commit('main', {
        'deploy/api.yaml': deployment('api', { replicas: 2, image: 'ghcr.io/acme/server:1.1.0' }),
      }),
    );
    expect((await reconcile(h, 'event')).result).toBe('healthy');
    const api = h.server.get({ ...DEPLOY, name: 'api' });
    expect(fieldOf(api, 'spec').replicas).toBe(6);
    expect(JSON.stringify(fieldOf(api, 'spec').template)).toContain('server:1.1.0');
    const applied = h.server
      .list({ apiVersion: 'v1', kind: 'Event', namespace: 'ferry-system' })
      .findLast((e) => e.reason === 'Applied');
    expect(String(applied?.message)).toContain(
      'kept Deployment ml/api at 6 replicas (Git says 2; HorizontalPodAutoscaler ml/api scales it)',
    );
    expect(await reconcile(h, 'resync')).toMatchObject({ result: 'unchanged' });
  });

  it('takes the live count only for the autoscaler’s own target, in its namespace (pure)', () => {
    const obj = (kind: string, name: string, namespace: string, spec: Record<string, unknown>) => ({
      apiVersion:
        kind === 'HorizontalPodAutoscaler'
          ? 'autoscaling/v2'
          : kind === 'ScaledObject'
            ? 'keda.sh/v1alpha1'
            : 'apps/v1',
      kind,
      namespace,
      name,
      object: { apiVersion: 'x', kind, metadata: { name, namespace }, spec },
    });
    const objects = [
      obj('StatefulSet', 'db', 'ml', { replicas: 1 }),
      obj('Deployment', 'web', 'ml', { replicas: 1 }),
      obj('Deployment', 'web', 'other', { replicas: 1 }),
      obj('HorizontalPodAutoscaler', 'db', 'ml', { scaleTargetRef: { kind: 'StatefulSet', name: 'db' } }),
      obj('ScaledObject', 'web', 'ml', { scaleTargetRef: { name: 'web' } }),
    ];
    const live = new Map(
      objects.map((o) => [
        `${o.apiVersion.split('/')[0]}|${o.kind}|${o.namespace}|${o.name}`,
        { ...o.object, spec: { replicas: 3 } },
      ]),
    );
    const out = withAutoscaledReplicas(objects, live);
    expect(out.objects.map((o) => (o.object.spec as { replicas?: number }).replicas)).toEqual([
      3,
      3,
      1,
      undefined,
      undefined,
    ]);
    expect(out.notes).toHaveLength(2);
    // Not created yet: Git's count.
    expect(withAutoscaledReplicas(objects, new Map()).objects[0]?.object.spec).toEqual({ replicas: 1 });
  });
});
