/**
 * The use case: a model download (or warm-up) Job that must finish before the model server changes.
 * Expressed as a wave (`ferry.dev/wave: "-1"`) or as a Helm pre-upgrade hook; either way the server's
 * Deployment is applied only once the Job is Complete, and not at all when the Job fails.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { reconcileSync } from '../../src/agent/reconcile-sync.ts';
import { generatedHookName } from '../../src/manifest/hook-name.ts';
import type { SyncObject } from '../../src/signal/sync-object.ts';
import { controllersWithFailures, readyControllers } from '../helpers/kube-apiserver/controllers.ts';
import { fieldOf } from '../helpers/kube-apiserver/field-of.ts';
import { type Harness, startHarness } from './helpers/agent-harness.ts';
import { configMap, deployment, ferryConfig, job } from './helpers/manifests.ts';

const DEPLOY = { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'ml', name: 'server' };
const JOB = { apiVersion: 'batch/v1', kind: 'Job', namespace: 'ml' };
const CONFIG = ferryConfig({ prod: { path: 'deploy', namespace: 'ml', healthTimeoutSeconds: 2 } });

function current(h: Harness): SyncObject {
  const sync = h.sync();
  if (!sync) throw new Error('no Sync');
  return sync;
}
const reconcile = (h: Harness, trigger: 'event' | 'resync' = 'event') =>
  reconcileSync(h.deps, current(h), trigger);

/** Resources of the apply requests the server received, in order. */
const applies = (h: Harness) =>
  h.server.requests.filter((r) => r.contentType === 'application/apply-patch+yaml').map((r) => r.resource);

const imageOf = (h: Harness) =>
  (fieldOf(h.server.get(DEPLOY), 'spec').template as { spec: { containers: { image: string }[] } }).spec
    .containers[0]?.image;

let h: Harness;
afterEach(() => h.close());

describe('waves', () => {
  it('applies the download Job of wave -1 and waits for it to complete before the model server', async () => {
    // What the cluster held when the Job controller completed the download Job.
    const seenAtCompletion: (string | undefined)[] = [];
    h = await startHarness({
      server: {
        controllers: {
          ...readyControllers,
          Job: (o) => {
            seenAtCompletion.push(h.server.get(DEPLOY) ? 'server present' : 'server absent');
            return readyControllers.Job?.(o);
          },
        },
      },
    });
    await h.send(
      h.repo.commit('main', {
        '.github/ferry.yml': CONFIG,
        'deploy/server.yaml': deployment('server', { annotations: { 'ferry.dev/wave': '0' } }),
        'deploy/download.yaml': job('download', { annotations: { 'ferry.dev/wave': '-1' } }),
        'deploy/config.yaml': configMap(
          'model-config',
          { uri: 's3://models/v1' },
          {
            annotations: { 'argocd.argoproj.io/sync-wave': '1' },
          },
        ),
      }),
    );
    expect((await reconcile(h)).result).toBe('healthy');
    expect(applies(h)).toEqual(['jobs', 'deployments', 'configmaps']);
    expect(seenAtCompletion).toEqual(['server absent']);
  });

  it('leaves the model server unchanged when the download Job fails, names the Job, and prunes nothing', async () => {
    h = await startHarness({
      server: { controllers: controllersWithFailures((o) => JSON.stringify(o).includes('download:bad')) },
    });
    const first = h.repo.commit('main', {
      '.github/ferry.yml': CONFIG,
      'deploy/server.yaml': deployment('server'),
      'deploy/old.yaml': configMap('old-model-config'),
    });
    await h.send(first);
    expect((await reconcile(h)).result).toBe('healthy');
    await h.send(
      h.repo.commit('main', {
        'deploy/server.yaml': deployment('server', { image: 'ghcr.io/acme/server:2.0.0' }),
        'deploy/old.yaml': null,
        'deploy/download.yaml': job('download-v2', {
          image: 'ghcr.io/acme/download:bad',
          annotations: { 'ferry.dev/wave': '-1' },
        }),
      }),
    );
    const outcome = await reconcile(h);
    expect(outcome.result).toBe('degraded');
    expect(outcome.message).toMatch(
      /wave -1: Job ml\/download-v2: Job has reached the specified backoff limit \(1 later phase\(s\) not applied\)/,
    );
    expect(imageOf(h)).toBe('ghcr.io/acme/server:1.0.0');
    // Prune comes after health: what the unhealthy revision dropped is still there.
    expect(
      h.server.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'ml', name: 'old-model-config' }),
    ).toBeDefined();
  });
});

describe('Helm hooks', () => {
  const hookJob = (policy?: string) =>
    job('download', {
      annotations: {
        'helm.sh/hook': 'pre-upgrade',
        ...(policy ? { 'helm.sh/hook-delete-policy': policy } : {}),
      },
    });

  it('runs a pre-upgrade hook before the upgrade only, deletes it on success, never applies test hooks, and does not re-run on resync', async () => {
    h = await startHarness();
    const smoke = job('smoke-test', { annotations: { 'helm.sh/hook': 'test' } });
    await h.send(
      h.repo.commit('main', {
        '.github/ferry.yml': CONFIG,
        'deploy/server.yaml': deployment('server'),
        'deploy/download.yaml': hookJob('hook-succeeded'),
        'deploy/smoke.yaml': smoke,
      }),
    );
    // The first deploy is an install: a pre-upgrade hook does not run.
    expect((await reconcile(h)).result).toBe('healthy');
    expect(applies(h)).toEqual(['deployments']);

    const before = h.server.requests.length;
    const upgrade = h.repo.commit('main', {
      'deploy/server.yaml': deployment('server', { image: 'ghcr.io/acme/server:2.0.0' }),
    });
    await h.send(upgrade);
    expect((await reconcile(h)).result).toBe('healthy');
    const later = h.server.requests.slice(before);
    const order = later
      .filter((r) => r.contentType === 'application/apply-patch+yaml' || r.method === 'DELETE')
      .map((r) => `${r.method} ${r.resource}`);
    expect(order).toEqual(['PATCH jobs', 'DELETE jobs', 'PATCH deployments']);
    expect(h.server.list(JOB)).toEqual([]);
    expect(imageOf(h)).toBe('ghcr.io/acme/server:2.0.0');
    expect(later.some((r) => r.name === 'smoke-test')).toBe(false);

    // An in-sync resync of the same revision runs no hook.
    const atResync = h.server.requests.length;
    expect((await reconcile(h, 'resync')).result).toBe('unchanged');
    expect(
      h.server.requests.slice(atResync).filter((r) => r.resource === 'jobs' && r.method !== 'GET'),
    ).toEqual([]);
  });

  it('re-creates a hook kept from the last run (before-hook-creation, the default) and keeps a failed one with hook-succeeded', async () => {
    h = await startHarness({
      server: { controllers: controllersWithFailures((o) => JSON.stringify(o).includes('download:bad')) },
    });
    await h.send(
      h.repo.commit('main', { '.github/ferry.yml': CONFIG, 'deploy/server.yaml': deployment('server') }),
    );
    await reconcile(h);
    await h.send(h.repo.commit('main', { 'deploy/download.yaml': hookJob() }));
    expect((await reconcile(h)).result).toBe('healthy');
    const firstRun = h.server.get({ ...JOB, name: 'download' });
    expect(firstRun).toBeDefined();

    // The next upgrade deletes the previous run and creates the hook again (a Job's template is immutable).
    await h.send(
      h.repo.commit('main', {
        'deploy/download.yaml': job('download', {
          image: 'ghcr.io/acme/download:bad',
          annotations: {
            'helm.sh/hook': 'pre-upgrade',
            'helm.sh/hook-delete-policy': 'before-hook-creation,hook-succeeded',
          },
        }),
        'deploy/server.yaml': deployment('server', { image: 'ghcr.io/acme/server:3.0.0' }),
      }),
    );
    const outcome = await reconcile(h);
    expect(outcome.result).toBe('degraded');
    expect(outcome.message).toMatch(
      /pre-hook \(weight 0\): Job ml\/download: Job has reached the specified backoff limit/,
    );
    const secondRun = h.server.get({ ...JOB, name: 'download' });
    expect(fieldOf(secondRun, 'metadata').uid).not.toBe(fieldOf(firstRun, 'metadata').uid);
    expect(imageOf(h)).toBe('ghcr.io/acme/server:1.0.0');
  });
});

describe('Argo CD hooks written with generateName', () => {
  // Argo CD's docs write a PreSync migration Job this way; apply needs a name, so the agent gives one
  // per revision, as the API server's create would.
  const migrate = (policy?: string) =>
    job('unused', {
      annotations: {
        'argocd.argoproj.io/hook': 'PreSync',
        ...(policy ? { 'argocd.argoproj.io/hook-delete-policy': policy } : {}),
      },
    }).replace('name: unused', 'generateName: schema-migrate-');

  /** The name the agent gives the hook of `revision` (the object as the render has it). */
  const hookName = (revision: string, policy?: string) =>
    generatedHookName('schema-migrate-', revision, parse(migrate(policy)));

  it('runs the hook under a name of its revision before the deploy, and deletes it as its policy says', async () => {
    h = await startHarness();
    const first = h.repo.commit('main', {
      '.github/ferry.yml': CONFIG,
      'deploy/server.yaml': deployment('server'),
      'deploy/migrate.yaml': migrate('HookSucceeded'),
    });
    await h.send(first);
    expect((await reconcile(h)).result).toBe('healthy');
    const order = h.server.requests
      .filter((r) => r.contentType === 'application/apply-patch+yaml' || r.method === 'DELETE')
      .map((r) => `${r.method} ${r.resource} ${r.name}`);
    expect(order).toEqual([
      `PATCH jobs ${hookName(first, 'HookSucceeded')}`,
      `DELETE jobs ${hookName(first, 'HookSucceeded')}`,
      'PATCH deployments server',
    ]);
    expect(h.server.list(JOB)).toEqual([]);
    expect(current(h).status?.lastError ?? '').toBe('');
  });

  it("keeps one run per revision and prunes the last revision's run once the next is healthy", async () => {
    h = await startHarness();
    const first = h.repo.commit('main', {
      '.github/ferry.yml': CONFIG,
      'deploy/server.yaml': deployment('server'),
      'deploy/migrate.yaml': migrate(),
    });
    await h.send(first);
    expect((await reconcile(h)).result).toBe('healthy');
    const names = () => h.server.list(JOB).map((j) => fieldOf(j, 'metadata').name);
    expect(names()).toEqual([hookName(first)]);

    const second = h.repo.commit('main', {
      'deploy/server.yaml': deployment('server', { image: 'ghcr.io/acme/server:2.0.0' }),
    });
    await h.send(second);
    expect((await reconcile(h)).result).toBe('healthy');
    expect(names()).toEqual([hookName(second)]);
    expect(hookName(second)).not.toBe(hookName(first));
    expect(imageOf(h)).toBe('ghcr.io/acme/server:2.0.0');
  });
});
