import type { InventoryEntry } from '../signal/sync-object.ts';
import { objectKey } from './prepare-objects.ts';

export interface PrunePlan {
  /** Inventory entries the render no longer has, deleted in reverse apply order (Namespaces, then CRDs, last). */
  remove: InventoryEntry[];
  /** Entries the render no longer has that stay: a container still in use, or one the request did not opt in to delete. */
  kept: { entry: InventoryEntry; reason: string }[];
  /** Set when the plan must not run: the reason, for the Sync status and events. */
  refused?: string;
}

// Namespaces and CRDs take their contents with them: delete them after everything else.
const LAST = ['Namespace', 'CustomResourceDefinition'];

const isNamespace = (e: InventoryEntry) => e.kind === 'Namespace' && e.apiVersion === 'v1';
const isCrd = (e: InventoryEntry) =>
  e.kind === 'CustomResourceDefinition' && e.apiVersion.startsWith('apiextensions.k8s.io/');

/**
 * Why a Namespace or CRD the render dropped stays, if it does. Deleting one deletes what it contains
 * (every object in the namespace, every custom resource of the CRD, whoever made them), so it is never
 * deleted while the render still has objects in it, and otherwise only with the request's explicit
 * `allowMassPrune`, as Helm never deletes a chart's CRDs and Argo CD asks to confirm such prunes.
 */
function keepContainer(
  e: InventoryEntry,
  opts: { namespacesInUse: ReadonlySet<string>; crdsInUse: ReadonlySet<string>; allowMassPrune: boolean },
): string | undefined {
  if (isNamespace(e)) {
    if (opts.namespacesInUse.has(e.name)) return 'the render still has objects in this namespace';
    if (!opts.allowMassPrune)
      return 'deleting a Namespace deletes everything in it; re-send with allowMassPrune (ferry sync --allow-mass-prune) to delete it';
  }
  if (isCrd(e)) {
    if (opts.crdsInUse.has(e.name)) return 'the render still has custom resources of this definition';
    if (!opts.allowMassPrune)
      return 'deleting a CustomResourceDefinition deletes every resource of its kind in the cluster; re-send with allowMassPrune (ferry sync --allow-mass-prune) to delete it';
  }
  return undefined;
}

/**
 * What to prune, and whether that is allowed. Pure. Nothing is pruned when the render is empty
 * (a broken kustomization must not delete a running system), a plan that removes more than
 * `maxShare` of the inventory needs `allowMassPrune`, and so does any Namespace or CRD (never one the
 * render still uses: a namespace of its objects, or a CRD named in `crdsInUse`, the names
 * `<plural>.<group>` of its custom resources).
 */
export function planPrune(opts: {
  inventory: readonly InventoryEntry[];
  desiredKeys: ReadonlySet<string>;
  maxShare: number;
  allowMassPrune: boolean;
  /** Whether Namespaces and CRDs the render dropped may go (default: `allowMassPrune`). */
  pruneContainers?: boolean;
  crdsInUse?: ReadonlySet<string>;
}): PrunePlan {
  const container = {
    // objectKey is group|kind|namespace|name: the namespaces the render's objects are in.
    namespacesInUse: new Set(
      [...opts.desiredKeys].map((k) => k.split('|')[2] ?? '').filter((ns) => ns !== ''),
    ),
    crdsInUse: opts.crdsInUse ?? new Set<string>(),
    allowMassPrune: opts.pruneContainers ?? opts.allowMassPrune,
  };
  const remove: InventoryEntry[] = [];
  const kept: PrunePlan['kept'] = [];
  for (const e of opts.inventory) {
    if (opts.desiredKeys.has(objectKey(e))) continue;
    const reason = keepContainer(e, container);
    if (reason) kept.push({ entry: e, reason });
    else remove.push(e);
  }
  remove.sort((a, b) => LAST.indexOf(a.kind) - LAST.indexOf(b.kind));
  if (remove.length === 0) return { remove, kept };
  if (opts.desiredKeys.size === 0) {
    return { remove, kept, refused: `the render is empty: refusing to prune ${remove.length} object(s)` };
  }
  const share = remove.length / opts.inventory.length;
  if (share > opts.maxShare && !opts.allowMassPrune) {
    return {
      remove,
      kept,
      refused: `pruning ${remove.length} of ${opts.inventory.length} objects (${Math.round(share * 100)}%) exceeds maxPruneShare ${Math.round(opts.maxShare * 100)}%; re-send with allowMassPrune (ferry sync --allow-mass-prune) if this is intended`,
    };
  }
  return { remove, kept };
}
