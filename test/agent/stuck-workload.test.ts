import { afterEach, describe, expect, it } from 'vitest';
import { reconcileSync } from '../../src/agent/reconcile-sync.ts';
import type { SyncObject } from '../../src/signal/sync-object.ts';
import { type Harness, startHarness } from './helpers/agent-harness.ts';
import { deployment, ferryConfig } from './helpers/manifests.ts';

/** A Deployment controller whose new pods never become available (they crash). */
const rollingButNeverAvailable = {
  Deployment: (o: Record<string, unknown>) => ({
    observedGeneration: Number((o.metadata as { generation?: number }).generation ?? 1),
    replicas: 2,
    updatedReplicas: 2,
    availableReplicas: 0,
    unavailableReplicas: 2,
  }),
};

function crashingPod(name: string, app: string) {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'ml', labels: { app } },
    spec: { containers: [{ name: 'server', image: 'ghcr.io/acme/server:1.0.0' }] },
  };
}

describe('a workload that never becomes healthy', () => {
  let h: Harness;
  afterEach(() => h.close());

  it('names the pod and the reason it is stuck when the deadline passes, as Argo CD’s resource tree shows it', async () => {
    h = await startHarness({ server: { controllers: rollingButNeverAvailable } });
    h.server.put(crashingPod('api-7c9d-x2k4p', 'api'));
    h.server.setStatus(
      { apiVersion: 'v1', kind: 'Pod', namespace: 'ml', name: 'api-7c9d-x2k4p' },
      {
        phase: 'Running',
        conditions: [{ type: 'Ready', status: 'False', reason: 'ContainersNotReady' }],
        containerStatuses: [
          {
            name: 'server',
            ready: false,
            restartCount: 6,
            state: {
              waiting: {
                reason: 'CrashLoopBackOff',
                message: 'back-off 2m40s restarting failed container=server',
              },
            },
          },
        ],
      },
    );
    // Another app's healthy-looking pod is not blamed.
    h.server.put(crashingPod('batch-1', 'batch'));
    const config = ferryConfig({ prod: { path: 'deploy', namespace: 'ml', healthTimeoutSeconds: 1 } });
    await h.send(
      h.repo.commit('main', { '.github/ferry.yml': config, 'deploy/app.yaml': deployment('api') }),
    );
    const outcome = await reconcileSync(h.deps, h.sync() as SyncObject, 'event');
    expect(outcome).toMatchObject({ result: 'degraded', phase: 'Degraded' });
    expect(outcome.message).toContain(
      'not healthy after 1s: Deployment ml/api: 0 of 2 updated replicas available (pod api-7c9d-x2k4p: container server: CrashLoopBackOff: back-off 2m40s restarting failed container=server)',
    );
  });
});
