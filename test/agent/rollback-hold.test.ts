import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { reconcileSync } from '../../src/agent/reconcile-sync.ts';
import { pollHeads } from '../../src/agent/run-agent.ts';
import type { SyncObject } from '../../src/signal/sync-object.ts';
import { fieldOf } from '../helpers/kube-apiserver/field-of.ts';
import { type Harness, startHarness } from './helpers/agent-harness.ts';
import { deployment, ferryConfig } from './helpers/manifests.ts';

const DEPLOY = { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'ml', name: 'api' };
const CONFIG = ferryConfig({ prod: { path: 'deploy', namespace: 'ml' } });

function imageOf(h: Harness): string | undefined {
  return (fieldOf(h.server.get(DEPLOY), 'spec').template as { spec: { containers: { image: string }[] } })
    .spec.containers[0]?.image;
}

const reconcile = (h: Harness) => reconcileSync(h.deps, h.sync() as SyncObject, 'event');
const parentData = (h: Harness) =>
  fieldOf(
    h.server.get({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      namespace: 'ferry-system',
      name: 'ferry-target-prod',
    }),
    'data',
  ) as Record<string, string>;

describe('a rollback that stays', () => {
  let h: Harness;
  let good: string;
  let bad: string;
  beforeEach(async () => {
    h = await startHarness();
    good = h.repo.commit('main', {
      '.github/ferry.yml': CONFIG,
      'deploy/app.yaml': deployment('api', { image: 'ghcr.io/acme/server:1.0.0' }),
    });
    await h.send(good);
    await reconcile(h);
    // The poll saw main at the good commit before the bad one merged.
    await pollHeads(h.deps, ['prod']);
    expect(h.sync()?.status?.lastPolledHead).toBe(good);
    bad = h.repo.commit('main', {
      'deploy/app.yaml': deployment('api', { image: 'ghcr.io/acme/server:2.0.0-bad' }),
    });
    await h.send(bad);
    await reconcile(h);
    expect(imageOf(h)).toBe('ghcr.io/acme/server:2.0.0-bad');
    // `/rollback` on the bad PR: the App signals the good commit as a rollback.
    await h.send(good, { rollback: true, reason: 'rollback requested by @alice on #2', deploymentId: 9 });
    expect(await reconcile(h)).toMatchObject({ result: 'healthy' });
  });
  afterEach(() => h.close());

  it('holds the rolled-back commit and shows it in the Sync status, the parent and the Deployment status', () => {
    expect(imageOf(h)).toBe('ghcr.io/acme/server:1.0.0');
    expect(h.sync()?.status).toMatchObject({ appliedRevision: good, heldRevision: bad });
    expect(parentData(h)).toMatchObject({ appliedRevision: good, heldRevision: bad });
    expect(h.github.statuses.filter((s) => s.deploymentId === 9).at(-1)).toMatchObject({
      state: 'success',
      description: expect.stringMatching(new RegExp(`holding ${bad.slice(0, 7)} \\(rolled back\\)`)),
    });
  });

  it('stays at the rollback through a branch poll and a re-signal of the bad SHA', async () => {
    await pollHeads(h.deps, ['prod']);
    expect(h.sync()?.spec.revision).toBe(good);
    await h.send(bad, { reason: 'merge of #2 (re-sent)' });
    expect(await reconcile(h)).toMatchObject({ result: 'held', phase: 'Held' });
    expect(imageOf(h)).toBe('ghcr.io/acme/server:1.0.0');
    expect(h.sync()?.status).toMatchObject({ phase: 'Held', appliedRevision: good, heldRevision: bad });
    const held = h.server
      .list({ apiVersion: 'v1', kind: 'Event', namespace: 'ferry-system' })
      .filter((e) => e.reason === 'Held');
    expect(held.map((e) => e.message)).toEqual([expect.stringMatching(/is held: it was rolled back/)]);
  });

  it('lifts the hold when a newer commit lands (the revert’s merge), or on ferry sync --release-hold', async () => {
    const revert = h.repo.commit('main', {
      'deploy/app.yaml': deployment('api', { image: 'ghcr.io/acme/server:1.0.1' }),
    });
    await pollHeads(h.deps, ['prod']);
    expect(h.sync()?.spec.revision).toBe(revert);
    expect(await reconcile(h)).toMatchObject({ result: 'healthy' });
    expect(imageOf(h)).toBe('ghcr.io/acme/server:1.0.1');
    expect(h.sync()?.status?.heldRevision).toBeUndefined();
    expect(parentData(h).heldRevision).toBeUndefined();
  });

  it('applies the held commit again only when the request releases the hold explicitly', async () => {
    await h.send(bad, { releaseHold: true });
    expect(h.sync()?.spec.releaseHold).toBe(true);
    expect(await reconcile(h)).toMatchObject({ result: 'healthy' });
    expect(imageOf(h)).toBe('ghcr.io/acme/server:2.0.0-bad');
    expect(h.sync()?.status?.heldRevision).toBeUndefined();
  });
});
