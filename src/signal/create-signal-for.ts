import type { ClusterRef, Target } from '../types.ts';
import type { Signal } from './signal.ts';

export type CreateSignal = (cluster: ClusterRef, options: { defaultRegion?: string }) => Signal;

/**
 * One Signal per cluster for the life of the process (each caches its endpoint and token), picked by
 * a target's `cluster:`. Targets without one, or on a provider this process cannot reach, get none.
 */
export function createSignalFor(options: {
  createSignal: CreateSignal;
  /** For EKS targets whose cluster names no region (e.g. the Lambda's AWS_REGION). */
  defaultRegion?: string;
  /** Providers this process can reach (Lambda has no kubeconfig); default: all. */
  providers?: readonly ClusterRef['provider'][];
}): (target: Target) => Signal | undefined {
  const signals = new Map<string, Signal>();
  return (target) => {
    const cluster = target.cluster;
    if (!cluster || (options.providers && !options.providers.includes(cluster.provider))) return undefined;
    const key =
      cluster.provider === 'eks'
        ? `eks/${cluster.region ?? options.defaultRegion ?? ''}/${cluster.name}`
        : `kubeconfig/${cluster.context ?? ''}`;
    let signal = signals.get(key);
    if (!signal) {
      signal = options.createSignal(
        cluster,
        options.defaultRegion === undefined ? {} : { defaultRegion: options.defaultRegion },
      );
      signals.set(key, signal);
    }
    return signal;
  };
}
