import type { KubeConfig } from '@kubernetes/client-node';
import { KubeObjectClient } from '../signal/kube-object-client.ts';

/**
 * The agent's view of a cluster (the seam its tests and other transports plug into): raw-JSON get,
 * list, server-side apply, merge patch, delete, watch and discovery. `KubeObjectClient` implements
 * it over @kubernetes/client-node.
 */
export type ClusterClient = Pick<
  KubeObjectClient,
  'getResourceInfo' | 'get' | 'list' | 'apply' | 'create' | 'mergePatch' | 'delete' | 'watch'
>;

export function createClusterClient(
  kubeConfig: KubeConfig,
  opts: { timeoutMs?: number; maxRetryAfterMs?: number } = {},
): ClusterClient {
  return new KubeObjectClient(kubeConfig, opts);
}
