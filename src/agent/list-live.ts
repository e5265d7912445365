import { isNotFound, KubeApiError } from '../signal/kube-object-client.ts';
import type { KubeObject } from '../types.ts';
import type { ClusterClient } from './cluster-client.ts';
import { TARGET_LABEL } from './labels.ts';
import { objectKey } from './prepare-objects.ts';

/**
 * The target's objects as the cluster has them: one LIST per kind and namespace, by the target label
 * (per namespace, so RBAC granted only in the target's namespaces is enough). Kinds the cluster does
 * not serve (a CRD not applied yet) have no live objects.
 */
export async function listLive(opts: {
  client: ClusterClient;
  kinds: Iterable<{ apiVersion: string; kind: string; namespace?: string }>;
  targetName: string;
}): Promise<Map<string, KubeObject>> {
  const live = new Map<string, KubeObject>();
  const seen = new Set<string>();
  for (const { apiVersion, kind, namespace } of opts.kinds) {
    const k = `${apiVersion}|${kind}|${namespace ?? ''}`;
    if (seen.has(k)) continue;
    seen.add(k);
    try {
      const { items } = await opts.client.list({
        apiVersion,
        kind,
        ...(namespace ? { namespace } : {}),
        labelSelector: `${TARGET_LABEL}=${opts.targetName}`,
      });
      for (const item of items) {
        const meta = (item.metadata ?? {}) as { namespace?: string; name?: string };
        live.set(
          objectKey({ apiVersion, kind, namespace: meta.namespace ?? '', name: meta.name ?? '' }),
          item,
        );
      }
    } catch (err) {
      if (isNotFound(err)) continue;
      throw err instanceof KubeApiError ? err : new Error(`listing ${kind}: ${String(err)}`, { cause: err });
    }
  }
  return live;
}
