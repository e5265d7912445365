/**
 * Which Signal reaches a target's cluster, from the worker. Only EKS clusters are reachable from
 * Lambda (there is no kubeconfig there); the stack grants `eks:DescribeCluster` and an access entry
 * for the clusters in `ferry:clusters` only, so any other cluster a repository names is refused by
 * AWS or the cluster, not by this code.
 */
import type { Signal } from '../../src/signal/signal.ts';
import type { ClusterRef, Target } from '../../src/types.ts';

export type CreateSignal = (cluster: ClusterRef, options: { defaultRegion?: string }) => Signal;

/** One Signal per cluster for the life of the execution environment (it caches endpoint and token). */
export function createSignalFor(options: {
  createSignal: CreateSignal;
  /** The Lambda's own region (AWS_REGION), for targets whose cluster names none. */
  defaultRegion?: string;
}): (target: Target) => Signal | undefined {
  const signals = new Map<string, Signal>();
  return (target) => {
    const cluster = target.cluster;
    if (cluster?.provider !== 'eks') return undefined;
    const region = cluster.region ?? options.defaultRegion;
    const key = `${region ?? ''}/${cluster.name}`;
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
