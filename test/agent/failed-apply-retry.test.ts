import { afterEach, describe, expect, it } from 'vitest';
import { isFailedApplyOf, reconcileSync } from '../../src/agent/reconcile-sync.ts';
import type { SyncObject } from '../../src/signal/sync-object.ts';
import { fieldOf } from '../helpers/kube-apiserver/field-of.ts';
import { eventually, type Harness, startHarness } from './helpers/agent-harness.ts';
import { configMap, ferryConfig } from './helpers/manifests.ts';

const CONFIG = ferryConfig({ prod: { path: 'deploy', namespace: 'ml' } });
const CM = { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'ml' };

function current(h: Harness): SyncObject {
  const sync = h.sync();
  if (!sync) throw new Error('no Sync');
  return sync;
}
const reconcile = (h: Harness, trigger: 'event' | 'resync') => reconcileSync(h.deps, current(h), trigger);
const dataOf = (h: Harness, name: string) => fieldOf(h.server.get({ ...CM, name }), 'data');

describe('an apply the cluster refuses in part', () => {
  let h: Harness;
  afterEach(() => h.close());

  it('says what it left applied, and a resync retries the revision instead of reverting to the last one', async () => {
    let denying = false;
    h = await startHarness({
      server: {
        admission: [
          {
            name: 'policy.acme.dev',
            sideEffects: 'None',
            rules: [{ kinds: ['ConfigMap'], operations: ['CREATE', 'UPDATE'] }],
            review: ({ object }) =>
              denying && JSON.stringify(object).includes('debug')
                ? { message: 'log level debug is not allowed in prod' }
                : true,
          },
        ],
      },
    });
    const first = h.repo.commit('main', {
      '.github/ferry.yml': CONFIG,
      'deploy/a.yaml': configMap('a', { model: 'v1' }),
      'deploy/b.yaml': configMap('b', { log: 'info' }),
    });
    await h.send(first);
    expect((await reconcile(h, 'event')).result).toBe('healthy');

    denying = true;
    const second = h.repo.commit('main', {
      'deploy/a.yaml': configMap('a', { model: 'v2' }),
      'deploy/b.yaml': configMap('b', { log: 'debug' }),
    });
    await h.send(second, { deploymentId: 77 });
    const deployments = h.github.deployments.length;
    const on77 = () => h.github.statuses.filter((st) => st.deploymentId === 77).map((st) => st.state);
    expect(await reconcile(h, 'event')).toMatchObject({
      result: 'failed',
      phase: 'Failed',
      message:
        '1 object(s) failed to apply: ConfigMap ml/b: configmaps "b" is forbidden: admission webhook "policy.acme.dev" denied the request: log level debug is not allowed in prod; 1 other object(s) were applied at this revision and nothing was pruned; the next resync retries it',
    });
    expect(dataOf(h, 'a')).toEqual({ model: 'v2' });
    expect(current(h).status?.appliedRevision).toBe(first);
    expect(isFailedApplyOf(current(h))).toBe(true);

    // Still refused: the resync retries the request, and does not put `a` back to the previous revision.
    expect(await reconcile(h, 'resync')).toMatchObject({ result: 'failed', phase: 'Failed' });
    expect(dataOf(h, 'a')).toEqual({ model: 'v2' });
    expect(current(h).status?.history?.at(-1)).toMatchObject({ revision: second, reason: 'ApplyFailed' });
    // Quiet on GitHub while it keeps failing: no new Deployment, no status every resync.
    expect(on77()).toEqual(['in_progress', 'failure']);

    // The policy is fixed: the next resync deploys the revision the Sync asks for.
    denying = false;
    expect(await reconcile(h, 'resync')).toMatchObject({ result: 'healthy', phase: 'Healthy' });
    expect(dataOf(h, 'b')).toEqual({ log: 'debug' });
    expect(current(h).status).toMatchObject({ appliedRevision: second, lastHealthyRevision: second });
    expect(isFailedApplyOf(current(h))).toBe(false);
    expect(on77()).toEqual(['in_progress', 'failure', 'success']);
    expect(h.github.deployments.length).toBe(deployments);
    expect(await reconcile(h, 'resync')).toMatchObject({ result: 'unchanged' });
  });
  it('names a namespace neither the commit nor the cluster has, and deploys once someone creates it', async () => {
    h = await startHarness();
    await h.send(
      h.repo.commit('main', {
        '.github/ferry.yml': CONFIG,
        'deploy/a.yaml': configMap('a', { model: 'v1' }, { namespace: 'vision' }),
      }),
    );
    expect(await reconcile(h, 'event')).toMatchObject({
      result: 'failed',
      phase: 'Failed',
      message:
        '1 object(s) failed to apply: ConfigMap vision/a: namespace vision does not exist and the target does not create it: add a Namespace vision to the target, or create it (kubectl create namespace vision); the next resync retries it',
    });
    h.server.put({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'vision' } });
    expect(await reconcile(h, 'resync')).toMatchObject({ result: 'healthy', phase: 'Healthy' });
    expect(h.server.get({ ...CM, namespace: 'vision', name: 'a' })).toBeDefined();
  });

  it('retries a kind the cluster does not serve yet once its CRD is installed by someone else', async () => {
    h = await startHarness();
    const model = {
      apiVersion: 'ml.acme.dev/v1',
      kind: 'Model',
      metadata: { name: 'resnet' },
      spec: { uri: 's3://m' },
    };
    await h.send(
      h.repo.commit('main', { '.github/ferry.yml': CONFIG, 'deploy/m.yaml': JSON.stringify(model) }),
    );
    expect(await reconcile(h, 'event')).toMatchObject({
      result: 'failed',
      message: expect.stringMatching(
        /^Model resnet \(deploy\/m.yaml:1\): ml.acme.dev\/v1 Model is not served by the cluster and no CustomResourceDefinition in the target defines it; the next resync retries it$/,
      ),
    });
    expect(isFailedApplyOf(current(h))).toBe(true);
    // The platform team installs the operator's CRD.
    h.server.put({
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
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
            schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
          },
        ],
      },
    });
    await eventually(
      () =>
        JSON.stringify(
          h.server.get({
            apiVersion: 'apiextensions.k8s.io/v1',
            kind: 'CustomResourceDefinition',
            name: 'models.ml.acme.dev',
          })?.status ?? {},
        ).includes('"Established"'),
      'the CRD to be Established',
    );
    expect(await reconcile(h, 'resync')).toMatchObject({ result: 'healthy', phase: 'Healthy' });
    expect(
      h.server.get({ apiVersion: 'ml.acme.dev/v1', kind: 'Model', namespace: 'ml', name: 'resnet' }),
    ).toBeDefined();
  });
});
