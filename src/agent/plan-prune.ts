import type { InventoryEntry } from '../signal/sync-object.ts';
import { objectKey } from './prepare-objects.ts';

export interface PrunePlan {
  /** Inventory entries the render no longer has, deleted in reverse apply order (Namespaces, then CRDs, last). */
  remove: InventoryEntry[];
  /** Set when the plan must not run: the reason, for the Sync status and events. */
  refused?: string;
}

// Namespaces and CRDs take their contents with them: delete them after everything else.
const LAST = ['Namespace', 'CustomResourceDefinition'];

/**
 * What to prune, and whether that is allowed. Pure. Nothing is pruned when the render is empty
 * (a broken kustomization must not delete a running system), and a plan that removes more than
 * `maxShare` of the inventory needs `allowMassPrune`.
 */
export function planPrune(opts: {
  inventory: readonly InventoryEntry[];
  desiredKeys: ReadonlySet<string>;
  maxShare: number;
  allowMassPrune: boolean;
}): PrunePlan {
  const remove = opts.inventory
    .filter((e) => !opts.desiredKeys.has(objectKey(e)))
    .sort((a, b) => LAST.indexOf(a.kind) - LAST.indexOf(b.kind));
  if (remove.length === 0) return { remove };
  if (opts.desiredKeys.size === 0) {
    return { remove, refused: `the render is empty: refusing to prune ${remove.length} object(s)` };
  }
  const share = remove.length / opts.inventory.length;
  if (share > opts.maxShare && !opts.allowMassPrune) {
    return {
      remove,
      refused: `pruning ${remove.length} of ${opts.inventory.length} objects (${Math.round(share * 100)}%) exceeds maxPruneShare ${Math.round(opts.maxShare * 100)}%; re-send with allowMassPrune (ferry sync --allow-mass-prune) if this is intended`,
    };
  }
  return { remove };
}
