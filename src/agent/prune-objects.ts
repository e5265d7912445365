import { keptOnPrune } from '../manifest/kept-on-prune.ts';
import { formatResourceId } from '../manifest/resource-id.ts';
import { isNotFound, KubeApiError } from '../signal/kube-object-client.ts';
import type { InventoryEntry } from '../signal/sync-object.ts';
import type { ClusterClient } from './cluster-client.ts';
import { TARGET_LABEL } from './labels.ts';

export interface PruneResult {
  pruned: InventoryEntry[];
  /** Left in place: opted out, or no longer carrying this target's label. */
  kept: { entry: InventoryEntry; reason: string }[];
  /** Refused deletions (kept in the inventory to try again). */
  failures: { entry: InventoryEntry; message: string }[];
}

export function describeEntry(e: InventoryEntry): string {
  return formatResourceId({ group: '', kind: e.kind, namespace: e.namespace ?? '', name: e.name });
}

/**
 * Deletes what the inventory holds and the render no longer has (background propagation), except
 * objects that opt out (keptOnPrune: `ferry.dev/prune: disabled`, Helm's `resource-policy: keep`, Argo
 * CD's `Prune=false`, Flux's `prune: disabled`) or no longer carry this target's label (someone else
 * took them over). Sequential, in the order given (namespaces and CRDs last).
 */
export async function pruneObjects(opts: {
  client: ClusterClient;
  entries: readonly InventoryEntry[];
  targetName: string;
}): Promise<PruneResult> {
  const result: PruneResult = { pruned: [], kept: [], failures: [] };
  for (const entry of opts.entries) {
    const ref = {
      apiVersion: entry.apiVersion,
      kind: entry.kind,
      namespace: entry.namespace ?? '',
      name: entry.name,
    };
    try {
      const live = await opts.client.get(ref);
      if (!live) continue;
      const meta = (live.metadata ?? {}) as {
        labels?: Record<string, string>;
        annotations?: Record<string, string>;
      };
      if (meta.labels?.[TARGET_LABEL] !== opts.targetName) {
        result.kept.push({ entry, reason: `no longer labelled ${TARGET_LABEL}=${opts.targetName}` });
        continue;
      }
      const kept = keptOnPrune(meta.annotations);
      if (kept) {
        result.kept.push({ entry, reason: kept });
        continue;
      }
      if (await opts.client.delete(ref, { propagationPolicy: 'Background' })) result.pruned.push(entry);
    } catch (err) {
      // A kind the cluster no longer serves has nothing left to delete.
      if (isNotFound(err)) continue;
      if (!(err instanceof KubeApiError) || err.retryable) throw err;
      result.failures.push({ entry, message: err.message });
    }
  }
  return result;
}
