import { describe, expect, it, vi } from 'vitest';
import { createSignalFor } from '../../../functions/worker/create-signal-for.ts';
import type { Signal } from '../../../src/signal/signal.ts';
import type { ClusterRef, Target } from '../../../src/types.ts';

function target(name: string, cluster?: ClusterRef): Target {
  return {
    name,
    path: `deploy/${name}`,
    branch: 'main',
    schemas: [],
    prune: false,
    maxPruneShare: 0.5,
    autoRollback: false,
    selfHeal: false,
    healthTimeoutSeconds: 300,
    ...(cluster ? { cluster } : {}),
  };
}

function fakeSignals() {
  const made: { cluster: ClusterRef; options: { defaultRegion?: string } }[] = [];
  const createSignal = vi.fn((cluster: ClusterRef, options: { defaultRegion?: string }): Signal => {
    made.push({ cluster, options });
    return {
      sendSync: async () => ({ sync: 'x', changed: true }),
      requestPreview: async () => ({ preview: 'x-pr-1', changed: true }),
    };
  });
  return { made, createSignal };
}

describe('createSignalFor', () => {
  it('makes one EKS signal per cluster and reuses it across targets and deliveries', () => {
    const { made, createSignal } = fakeSignals();
    const signalFor = createSignalFor({ createSignal, defaultRegion: 'eu-west-1' });

    const a = signalFor(target('api', { provider: 'eks', name: 'prod' }));
    const b = signalFor(target('worker', { provider: 'eks', name: 'prod' }));
    const c = signalFor(target('gpu', { provider: 'eks', name: 'prod', region: 'us-east-1' }));

    expect(a).toBeDefined();
    expect(b).toBe(a);
    expect(c).not.toBe(a);
    expect(made).toEqual([
      { cluster: { provider: 'eks', name: 'prod' }, options: { defaultRegion: 'eu-west-1' } },
      {
        cluster: { provider: 'eks', name: 'prod', region: 'us-east-1' },
        options: { defaultRegion: 'eu-west-1' },
      },
    ]);
  });

  it('treats a cluster in the default region, named or not, as the same cluster', () => {
    const { createSignal } = fakeSignals();
    const signalFor = createSignalFor({ createSignal, defaultRegion: 'eu-west-1' });

    const implicit = signalFor(target('a', { provider: 'eks', name: 'prod' }));
    expect(signalFor(target('b', { provider: 'eks', name: 'prod', region: 'eu-west-1' }))).toBe(implicit);
  });

  it('has no signal for targets without a cluster or with a kubeconfig context (none in Lambda)', () => {
    const { createSignal } = fakeSignals();
    const signalFor = createSignalFor({ createSignal });

    expect(signalFor(target('preview-only'))).toBeUndefined();
    expect(signalFor(target('local', { provider: 'kubeconfig', context: 'kind-ferry' }))).toBeUndefined();
    expect(createSignal).not.toHaveBeenCalled();
  });
});
