/**
 * Which Signal reaches a target's cluster, from the worker. Only EKS clusters are reachable from
 * Lambda (there is no kubeconfig there); the stack grants `eks:DescribeCluster` and an access entry
 * for the clusters in `ferry:clusters` only, so any other cluster a repository names is refused by
 * AWS or the cluster, not by this code.
 */
import {
  type CreateSignal,
  createSignalFor as createSignalForProviders,
} from '../../src/signal/create-signal-for.ts';
import type { Signal } from '../../src/signal/signal.ts';
import type { Target } from '../../src/types.ts';

export type { CreateSignal };

export function createSignalFor(options: {
  createSignal: CreateSignal;
  /** The Lambda's own region (AWS_REGION), for targets whose cluster names none. */
  defaultRegion?: string;
}): (target: Target) => Signal | undefined {
  return createSignalForProviders({ ...options, providers: ['eks'] });
}
