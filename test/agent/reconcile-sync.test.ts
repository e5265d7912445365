import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { reconcileSync } from '../../src/agent/reconcile-sync.ts';
import { applySetIdFor } from '../../src/agent/target-state.ts';
import type { SyncObject } from '../../src/signal/sync-object.ts';
import { controllersWithFailures } from '../helpers/kube-apiserver/controllers.ts';
import { fieldOf } from '../helpers/kube-apiserver/field-of.ts';
import { loadSyncCrd } from '../helpers/kube-apiserver/sync-crd.ts';
import { type Harness, startHarness } from './helpers/agent-harness.ts';
import { configMap, deployment, ferryConfig, job, namespace } from './helpers/manifests.ts';

const DEPLOY = { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'ml' };
const CM = { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'ml' };
const CONFIG = ferryConfig({ prod: { path: 'deploy', namespace: 'ml' } });

function current(h: Harness): SyncObject {
  const sync = h.sync();
  if (!sync) throw new Error('no Sync');
  return sync;
}

const reconcile = (h: Harness, trigger: 'event' | 'resync' = 'event') =>
  reconcileSync(h.deps, current(h), trigger);

function events(h: Harness): { reason: string; type: string; message: string }[] {
  return h.server.list({ apiVersion: 'v1', kind: 'Event', namespace: 'ferry-system' }).map((e) => ({
    reason: String(e.reason),
    type: String(e.type),
    message: String(e.message),
  }));
}

describe('reconcileSync', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(() => h.close());

  it('applies a merged revision with server-side apply as ferry, labels it, and reports Healthy everywhere', async () => {
    const sha = h.repo.commit('main', {
      '.github/ferry.yml': CONFIG,
      'deploy/app.yaml': deployment('api'),
      'deploy/config.yaml': configMap('api-config'),
    });
    await h.send(sha);
    const outcome = await reconcile(h);
    expect(outcome).toMatchObject({ result: 'healthy', phase: 'Healthy' });

    const api = h.server.get({ ...DEPLOY, name: 'api' });
    expect(fieldOf(api, 'metadata').labels).toEqual({
      'ferry.dev/target': 'prod',
      'applyset.kubernetes.io/part-of': applySetIdFor('prod', 'ferry-system'),
    });
    expect(fieldOf(api, 'metadata').annotations).toEqual({ 'ferry.dev/revision': sha });
    const managers = (fieldOf(api, 'metadata').managedFields as { manager: string; operation: string }[]).map(
      (m) => `${m.manager}/${m.operation}`,
    );
    expect(managers).toContain('ferry/Apply');
    const applies = h.server.requests.filter((r) => r.contentType === 'application/apply-patch+yaml');
    expect(applies).toHaveLength(2);
    expect(
      applies.every(
        (r) =>
          r.query.fieldManager === 'ferry' &&
          r.query.force === 'true' &&
          r.query.fieldValidation === 'Strict',
      ),
    ).toBe(true);

    const status = current(h).status;
    expect(status).toMatchObject({
      phase: 'Healthy',
      appliedRevision: sha,
      lastHealthyRevision: sha,
      observedGeneration: current(h).metadata.generation,
      counts: { applied: 2, unchanged: 0, pruned: 0 },
      branch: 'main',
      repository: 'acme/models',
    });
    // The inventory is the ApplySet: a parent per target, members labelled part-of, nothing in the status.
    expect(status?.inventory).toBeUndefined();
    const parent = h.server.get({ ...CM, namespace: 'ferry-system', name: 'ferry-target-prod' });
    expect(fieldOf(parent, 'metadata').labels).toMatchObject({
      'applyset.kubernetes.io/id': applySetIdFor('prod', 'ferry-system'),
    });
    expect(fieldOf(parent, 'metadata').annotations).toMatchObject({
      'applyset.kubernetes.io/contains-group-kinds': 'ConfigMap,Deployment.apps',
      'applyset.kubernetes.io/additional-namespaces': 'ml',
    });
    expect(fieldOf(parent, 'data')).toMatchObject({ appliedRevision: sha, lastHealthyRevision: sha });
    expect(status?.history?.at(-1)).toMatchObject({ revision: sha, phase: 'Healthy' });
    expect(status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
    expect(events(h).map((e) => e.reason)).toEqual(['Applied', 'Healthy']);
    expect(h.github.statuses.map((s) => s.state)).toEqual(['in_progress', 'success']);
    expect(h.github.deployments).toEqual([
      { id: h.github.statuses[0]?.deploymentId, revision: sha, environment: 'prod' },
    ]);
  });

  it('prunes what the new revision no longer renders and keeps the rest untouched', async () => {
    const first = h.repo.commit('main', {
      '.github/ferry.yml': CONFIG,
      'deploy/app.yaml': deployment('api'),
      'deploy/a.yaml': configMap('a'),
      'deploy/b.yaml': configMap('b'),
    });
    await h.send(first);
    await reconcile(h);
    const second = h.repo.commit('main', { 'deploy/b.yaml': null });
    await h.send(second, { deploymentId: 77 });
    const outcome = await reconcile(h);
    expect(outcome.result).toBe('healthy');
    expect(h.server.get({ ...CM, name: 'b' })).toBeUndefined();
    expect(h.server.get({ ...CM, name: 'a' })).toBeDefined();
    expect(current(h).status?.counts).toEqual({ applied: 0, unchanged: 2, pruned: 1 });
    // Unchanged objects were not rewritten: they still carry the revision that last changed them.
    expect(fieldOf(h.server.get({ ...CM, name: 'a' }), 'metadata').annotations).toEqual({
      'ferry.dev/revision': first,
    });
    expect(
      h.server
        .list(CM)
        .filter(
          (c) =>
            (fieldOf(c, 'metadata').labels as Record<string, string>)['applyset.kubernetes.io/part-of'] ===
            applySetIdFor('prod', 'ferry-system'),
        )
        .map((c) => fieldOf(c, 'metadata').name)
        .sort(),
    ).toEqual(['a']);
    expect(h.github.statuses.filter((s) => s.deploymentId === 77).map((s) => s.state)).toEqual([
      'in_progress',
      'success',
    ]);
  });

  it('refuses a forged Sync to an unmerged SHA, applies nothing, and says so', async () => {
    const merged = h.repo.commit('main', {
      '.github/ferry.yml': CONFIG,
      'deploy/app.yaml': deployment('api'),
    });
    const unmerged = h.repo.commitOn(merged, { 'deploy/evil.yaml': configMap('evil') });
    await h.send(unmerged, { deploymentId: 5 });
    const outcome = await reconcile(h);
    expect(outcome).toMatchObject({ result: 'refused', phase: 'Failed' });
    expect(h.server.requests.some((r) => r.contentType === 'application/apply-patch+yaml')).toBe(false);
    expect(current(h).status?.lastError).toMatch(/not on branch main .*unmerged/);
    expect(events(h)).toEqual([expect.objectContaining({ type: 'Warning', reason: 'Unmerged' })]);
    expect(h.github.statuses).toEqual([expect.objectContaining({ deploymentId: 5, state: 'failure' })]);
  });

  it('refuses an older SHA after a newer one, unless the request is a rollback', async () => {
    const older = h.repo.commit('main', {
      '.github/ferry.yml': CONFIG,
      'deploy/app.yaml': deployment('api', { image: 'ghcr.io/acme/server:1.0.0' }),
    });
    const newer = h.repo.commit('main', {
      'deploy/app.yaml': deployment('api', { image: 'ghcr.io/acme/server:2.0.0' }),
    });
    await h.send(newer);
    await reconcile(h);
    await h.send(older);
    expect((await reconcile(h)).result).toBe('refused');
    expect(current(h).status).toMatchObject({ phase: 'Failed', appliedRevision: newer });
    expect(current(h).status?.lastError).toMatch(/older than the applied/);

    await h.send(older, { rollback: true, reason: 'rollback requested by @alice on #2' });
    expect((await reconcile(h)).result).toBe('healthy');
    expect(current(h).status?.appliedRevision).toBe(older);
    const image = (
      fieldOf(h.server.get({ ...DEPLOY, name: 'api' }), 'spec').template as {
        spec: { containers: { image: string }[] };
      }
    ).spec.containers[0]?.image;
    expect(image).toBe('ghcr.io/acme/server:1.0.0');
  });

  it('never prunes when the render is empty', async () => {
    const first = h.repo.commit('main', {
      '.github/ferry.yml': CONFIG,
      'deploy/a.yaml': configMap('a'),
      'deploy/b.yaml': configMap('b'),
    });
    await h.send(first);
    await reconcile(h);
    // The directory still exists (git keeps no empty ones) but renders no object.
    const empty = h.repo.commit('main', {
      'deploy/a.yaml': null,
      'deploy/b.yaml': null,
      'deploy/notes.yaml': '# everything moved out\n',
    });
    await h.send(empty);
    expect((await reconcile(h)).result).toBe('failed');
    expect(
      h.server
        .list({ ...CM })
        .map((c) => fieldOf(c, 'metadata').name)
        .sort(),
    ).toEqual(['a', 'b']);
    expect(current(h).status).toMatchObject({ phase: 'Failed', appliedRevision: first });
    expect(current(h).status?.lastError).toMatch(/render .* is empty: nothing applied, and nothing pruned/);
    expect(h.server.requests.filter((r) => r.method === 'DELETE')).toHaveLength(0);
  });

  it('blocks the apply when validation finds errors', async () => {
    // `replica` is not a Deployment field: the engine's schema check makes it an error.
    const typo = deployment('api').replace('replicas:', 'replica:');
    const sha = h.repo.commit('main', {
      '.github/ferry.yml': CONFIG,
      'deploy/app.yaml': typo,
      'deploy/a.yaml': configMap('a'),
    });
    await h.send(sha);
    expect((await reconcile(h)).result).toBe('failed');
    expect(current(h).status?.lastError).toMatch(
      /error\(s\) block the apply: deploy\/app.yaml:\d+ schema: .*replica/,
    );
    expect(h.server.list({ ...CM })).toHaveLength(0);
    expect(h.server.requests.some((r) => r.contentType === 'application/apply-patch+yaml')).toBe(false);
    expect(events(h).map((e) => e.reason)).toEqual(['RenderFailed']);
  });

  it('refuses to delete more than maxPruneShare of the inventory without an explicit override', async () => {
    const files: Record<string, string> = { '.github/ferry.yml': CONFIG };
    for (const n of ['a', 'b', 'c', 'd']) files[`deploy/${n}.yaml`] = configMap(n);
    await h.send(h.repo.commit('main', files));
    await reconcile(h);
    const shrunk = h.repo.commit('main', {
      'deploy/b.yaml': null,
      'deploy/c.yaml': null,
      'deploy/d.yaml': null,
    });
    await h.send(shrunk);
    expect((await reconcile(h)).result).toBe('failed');
    expect(current(h).status?.lastError).toMatch(/pruning 3 of 4 objects \(75%\) exceeds maxPruneShare 50%/);
    expect(h.server.list({ ...CM })).toHaveLength(4);

    await h.send(shrunk, { allowMassPrune: true });
    expect((await reconcile(h)).result).toBe('healthy');
    expect(h.server.list({ ...CM }).map((c) => fieldOf(c, 'metadata').name)).toEqual(['a']);
  });

  it.each([
    ['Ferry', { 'ferry.dev/prune': 'disabled' }, 'ferry.dev/prune: disabled'],
    ['Helm', { 'helm.sh/resource-policy': 'keep' }, 'helm.sh/resource-policy: keep'],
    [
      'Argo CD',
      { 'argocd.argoproj.io/sync-options': 'ServerSideApply=true, Prune=false' },
      'argocd.argoproj.io/sync-options: Prune=false',
    ],
    [
      'Flux',
      { 'kustomize.toolkit.fluxcd.io/prune': 'disabled' },
      'kustomize.toolkit.fluxcd.io/prune: disabled',
    ],
  ])(
    "leaves in place an object that %s's opt-out keeps, as that tool would",
    async (_tool, annotations, reason) => {
      // A chart's PVC or CRD marked keep: pruning it when it leaves the chart would delete a model's data.
      const first = h.repo.commit('main', {
        '.github/ferry.yml': CONFIG,
        'deploy/a.yaml': configMap('a'),
        'deploy/b.yaml': configMap('b'),
        'deploy/keep.yaml': configMap('keep', { k: 'v' }, { annotations }),
      });
      await h.send(first);
      await reconcile(h);
      await h.send(h.repo.commit('main', { 'deploy/keep.yaml': null }));
      expect((await reconcile(h)).result).toBe('healthy');
      expect(h.server.get({ ...CM, name: 'keep' })).toBeDefined();
      expect(current(h).status?.counts?.pruned).toBe(0);
      expect(events(h).findLast((e) => e.reason === 'Applied')?.message).toContain(
        `left ConfigMap ml/keep in place: ${reason}`,
      );
    },
  );

  it('fails clearly on an immutable field unless the object opts in to recreation', async () => {
    await h.send(
      h.repo.commit('main', {
        '.github/ferry.yml': CONFIG,
        'deploy/train.yaml': job('train', { image: 'ghcr.io/acme/train:1' }),
      }),
    );
    await reconcile(h);
    const uid = fieldOf(
      h.server.get({ apiVersion: 'batch/v1', kind: 'Job', namespace: 'ml', name: 'train' }),
      'metadata',
    ).uid;

    await h.send(
      h.repo.commit('main', { 'deploy/train.yaml': job('train', { image: 'ghcr.io/acme/train:2' }) }),
    );
    expect((await reconcile(h)).result).toBe('failed');
    expect(current(h).status?.lastError).toMatch(
      /Job ml\/train: .*spec.template.*field is immutable.*ferry.dev\/recreate: enabled/,
    );

    await h.send(
      h.repo.commit('main', {
        'deploy/train.yaml': job('train', {
          image: 'ghcr.io/acme/train:2',
          annotations: { 'ferry.dev/recreate': 'enabled' },
        }),
      }),
    );
    expect((await reconcile(h)).result).toBe('healthy');
    const recreated = h.server.get({ apiVersion: 'batch/v1', kind: 'Job', namespace: 'ml', name: 'train' });
    expect(fieldOf(recreated, 'metadata').uid).not.toBe(uid);
    expect(events(h).some((e) => /recreated Job ml\/train/.test(e.message))).toBe(true);
  });

  it.each([
    ['Flux', { 'kustomize.toolkit.fluxcd.io/force': 'enabled' }],
    ['Argo CD', { 'argocd.argoproj.io/sync-options': 'Force=true,Replace=true' }],
  ])(
    'recreates on an immutable field change with %s’s own opt-in, as a repository moved from it expects',
    async (_, annotations) => {
      await h.send(
        h.repo.commit('main', {
          '.github/ferry.yml': CONFIG,
          'deploy/train.yaml': job('train', { image: 'ghcr.io/acme/train:1', annotations }),
        }),
      );
      await reconcile(h);
      const ref = { apiVersion: 'batch/v1', kind: 'Job', namespace: 'ml', name: 'train' };
      const uid = fieldOf(h.server.get(ref), 'metadata').uid;
      await h.send(
        h.repo.commit('main', {
          'deploy/train.yaml': job('train', { image: 'ghcr.io/acme/train:2', annotations }),
        }),
      );
      expect((await reconcile(h)).result).toBe('healthy');
      expect(fieldOf(h.server.get(ref), 'metadata').uid).not.toBe(uid);
    },
  );

  it('applies CRDs and Namespaces before the objects that need them', async () => {
    const crd = {
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
            schema: {
              openAPIV3Schema: {
                type: 'object',
                properties: { spec: { type: 'object', properties: { uri: { type: 'string' } } } },
              },
            },
          },
        ],
      },
    };
    const model = {
      apiVersion: 'ml.acme.dev/v1',
      kind: 'Model',
      metadata: { name: 'resnet', namespace: 'vision' },
      spec: { uri: 's3://models/resnet/3' },
    };
    await h.send(
      h.repo.commit('main', {
        '.github/ferry.yml': CONFIG,
        'deploy/0-model.yaml': JSON.stringify(model),
        'deploy/1-ns.yaml': namespace('vision'),
        'deploy/2-crd.yaml': JSON.stringify(crd),
      }),
    );
    expect((await reconcile(h)).result).toBe('healthy');
    expect(
      h.server.get({ apiVersion: 'ml.acme.dev/v1', kind: 'Model', namespace: 'vision', name: 'resnet' }),
    ).toBeDefined();
    const order = h.server.requests
      .filter((r) => r.contentType === 'application/apply-patch+yaml')
      .map((r) => r.resource);
    expect(order).toEqual(['customresourcedefinitions', 'namespaces', 'models']);
  });

  it('takes fields back from another manager that changed them (force), instead of failing with 409', async () => {
    await h.send(
      h.repo.commit('main', {
        '.github/ferry.yml': CONFIG,
        'deploy/a.yaml': configMap('a', { mode: 'fast' }),
      }),
    );
    await reconcile(h);
    const live = h.server.get({ ...CM, name: 'a' });
    h.server.put({ ...live, data: { mode: 'slow' } });
    expect((await reconcile(h, 'resync')).result).toBe('healthy');
    expect(fieldOf(h.server.get({ ...CM, name: 'a' }), 'data')).toEqual({ mode: 'fast' });
    expect(events(h).at(-1)).toMatchObject({ reason: 'DriftCorrected' });
  });

  it('recreates an object deleted behind its back on resync, and does nothing when in sync', async () => {
    await h.send(
      h.repo.commit('main', {
        '.github/ferry.yml': CONFIG,
        'deploy/a.yaml': configMap('a'),
        'deploy/b.yaml': configMap('b'),
      }),
    );
    await reconcile(h);
    const appliesBefore = h.server.requests.filter(
      (r) => r.contentType === 'application/apply-patch+yaml',
    ).length;
    expect(await reconcile(h, 'resync')).toMatchObject({ result: 'unchanged' });
    expect(h.server.requests.filter((r) => r.contentType === 'application/apply-patch+yaml').length).toBe(
      appliesBefore,
    );

    h.server.remove({ ...CM, name: 'b' });
    expect(await reconcile(h, 'resync')).toMatchObject({
      result: 'healthy',
      message: expect.stringMatching(/corrected drift/),
    });
    expect(h.server.get({ ...CM, name: 'b' })).toBeDefined();
  });

  it('leaves drift alone when the target turns self-heal off', async () => {
    const config = ferryConfig({ prod: { path: 'deploy', namespace: 'ml', selfHeal: false } });
    await h.send(h.repo.commit('main', { '.github/ferry.yml': config, 'deploy/a.yaml': configMap('a') }));
    await reconcile(h);
    h.server.remove({ ...CM, name: 'a' });
    expect(await reconcile(h, 'resync')).toMatchObject({ result: 'unchanged', message: 'self-heal is off' });
    expect(h.server.get({ ...CM, name: 'a' })).toBeUndefined();
  });

  it('ignores watch events for a generation it already handled', async () => {
    await h.send(h.repo.commit('main', { '.github/ferry.yml': CONFIG, 'deploy/a.yaml': configMap('a') }));
    await reconcile(h);
    const before = h.server.requests.length;
    expect(await reconcile(h, 'event')).toEqual({ result: 'unchanged', message: 'up to date' });
    expect(h.server.requests.length).toBe(before);
  });
});

describe('reconcileSync health', () => {
  let h: Harness;
  afterEach(() => h.close());

  it('re-applies the last healthy revision when health fails and the target has autoRollback, then holds', async () => {
    h = await startHarness({
      server: { controllers: controllersWithFailures((o) => JSON.stringify(o).includes('server:broken')) },
    });
    const config = ferryConfig({
      prod: { path: 'deploy', namespace: 'ml', autoRollback: true, healthTimeoutSeconds: 10 },
    });
    const good = h.repo.commit('main', { '.github/ferry.yml': config, 'deploy/app.yaml': deployment('api') });
    await h.send(good);
    await reconcile(h);
    const bad = h.repo.commit('main', {
      'deploy/app.yaml': deployment('api', { image: 'ghcr.io/acme/server:broken' }),
      'deploy/extra.yaml': configMap('extra'),
    });
    await h.send(bad, { deploymentId: 42 });
    const outcome = await reconcile(h);
    expect(outcome).toMatchObject({ result: 'rolled_back', phase: 'RolledBack' });
    expect(outcome.message).toMatch(new RegExp(`rolled back to ${good.slice(0, 7)}`));

    const container = (
      fieldOf(h.server.get({ ...DEPLOY, name: 'api' }), 'spec').template as {
        spec: { containers: { image: string }[] };
      }
    ).spec.containers[0];
    expect(container?.image).toBe('ghcr.io/acme/server:1.0.0');
    expect(h.server.get({ ...CM, name: 'extra' })).toBeUndefined();
    expect(current(h).status).toMatchObject({
      phase: 'RolledBack',
      appliedRevision: good,
      lastHealthyRevision: good,
      heldRevision: bad,
    });
    expect(
      current(h)
        .status?.history?.slice(-2)
        .map((e) => e.phase),
    ).toEqual(['Degraded', 'RolledBack']);
    expect(
      h.github.statuses.filter((s) => s.deploymentId === 42).map((s) => [s.state, s.description]),
    ).toEqual([
      ['in_progress', `applying ${bad.slice(0, 7)}`],
      [
        'failure',
        expect.stringMatching(
          new RegExp(`^rolled back to ${good.slice(0, 7)}: Deployment ml/api: ReplicaSet`),
        ),
      ],
    ]);
    expect(events(h).map((e) => e.reason)).toEqual([
      'Applied',
      'Healthy',
      'Applied',
      'HealthFailed',
      'RolledBack',
    ]);

    // Resync does not re-apply the held commit: it self-heals the rolled-back-to revision.
    expect(await reconcile(h, 'resync')).toMatchObject({ result: 'unchanged' });
    expect(current(h).status?.appliedRevision).toBe(good);

    // A newer commit releases the hold.
    const fixed = h.repo.commit('main', {
      'deploy/app.yaml': deployment('api', { image: 'ghcr.io/acme/server:2.0.0' }),
    });
    await h.send(fixed);
    expect((await reconcile(h)).result).toBe('healthy');
    expect(current(h).status).toMatchObject({ phase: 'Healthy', appliedRevision: fixed });
    expect(current(h).status?.heldRevision).toBeUndefined();
  });

  it('reports Degraded without autoRollback and keeps the failed revision applied', async () => {
    h = await startHarness({ server: { controllers: controllersWithFailures(() => true) } });
    const sha = h.repo.commit('main', {
      '.github/ferry.yml': ferryConfig({ prod: { path: 'deploy', namespace: 'ml' } }),
      'deploy/app.yaml': deployment('api'),
    });
    await h.send(sha);
    expect(await reconcile(h)).toMatchObject({ result: 'degraded', phase: 'Degraded' });
    expect(current(h).status).toMatchObject({ phase: 'Degraded', appliedRevision: sha });
    expect(current(h).status?.lastHealthyRevision).toBeUndefined();
    expect(current(h).status?.conditions?.find((c) => c.type === 'Healthy')?.status).toBe('False');
  });

  it('gives up waiting at the target deadline when a workload never becomes ready', async () => {
    h = await startHarness({ server: { controllers: {} } });
    const config = ferryConfig({ prod: { path: 'deploy', namespace: 'ml', healthTimeoutSeconds: 1 } });
    await h.send(
      h.repo.commit('main', { '.github/ferry.yml': config, 'deploy/app.yaml': deployment('api') }),
    );
    const outcome = await reconcile(h);
    expect(outcome.result).toBe('degraded');
    expect(outcome.message).toMatch(/not healthy after 1s: Deployment ml\/api: waiting for the controller/);
  });

  it('rolls back a model revision KServe never makes ready, though the InferenceService still says Ready', async () => {
    const crdText = readFileSync(
      new URL('../../examples/classifier/deploy/crds/kserve-inferenceservice.yaml', import.meta.url),
      'utf8',
    );
    h = await startHarness({
      server: {
        crds: [loadSyncCrd(), parse(crdText)],
        controllers: controllersWithFailures((o) => JSON.stringify(o).includes('classifier/bad')),
      },
    });
    const isvc = (uri: string) =>
      stringify({
        apiVersion: 'serving.kserve.io/v1beta1',
        kind: 'InferenceService',
        metadata: { name: 'classifier' },
        spec: {
          predictor: {
            model: {
              modelFormat: { name: 'tensorflow', version: '2' },
              storageUri: uri,
              resources: {
                requests: { cpu: '1', memory: '2Gi' },
                limits: { memory: '2Gi' },
              },
            },
          },
        },
      });
    const config = ferryConfig({
      prod: {
        path: 'deploy',
        namespace: 'ml',
        schemas: ['crds'],
        autoRollback: true,
        healthTimeoutSeconds: 1,
      },
    });
    const good = h.repo.commit('main', {
      '.github/ferry.yml': config,
      'crds/isvc.yaml': crdText,
      'deploy/isvc.yaml': isvc('s3://models/classifier/v1'),
    });
    await h.send(good);
    expect((await reconcile(h)).result).toBe('healthy');
    const bad = h.repo.commit('main', { 'deploy/isvc.yaml': isvc('s3://models/classifier/bad') });
    await h.send(bad);
    const outcome = await reconcile(h);
    expect(outcome).toMatchObject({ result: 'rolled_back', phase: 'RolledBack' });
    // The timeout names the object and why: the new predictor revision never became ready.
    expect(outcome.message).toMatch(
      /InferenceService ml\/classifier: predictor revision classifier-predictor-00002 not ready \(latest ready: classifier-predictor-00001\)/,
    );
    const live = h.server.get({
      apiVersion: 'serving.kserve.io/v1beta1',
      kind: 'InferenceService',
      namespace: 'ml',
      name: 'classifier',
    });
    expect(JSON.stringify(fieldOf(live, 'spec'))).toContain('s3://models/classifier/v1');
    expect(current(h).status).toMatchObject({ appliedRevision: good, heldRevision: bad });
  });
});
