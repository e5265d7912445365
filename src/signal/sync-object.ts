import type { KubeObject } from '../types.ts';

/** The Sync custom resource (infra/agent/crd-sync.yaml): one per target, named after it. */
export const SYNC_GROUP = 'ferry.dev';
export const SYNC_VERSION = 'v1alpha1';
export const SYNC_API_VERSION = `${SYNC_GROUP}/${SYNC_VERSION}`;
export const SYNC_KIND = 'Sync';
export const SYNC_PLURAL = 'syncs';
/** Where Syncs live: the agent's namespace. */
export const SYNC_NAMESPACE = 'ferry-system';
/** Field manager for everything Ferry writes (apply, Sync spec, Sync status). */
export const FIELD_MANAGER = 'ferry';

export type SyncPhase = 'Pending' | 'Applying' | 'Healthy' | 'Degraded' | 'Failed' | 'Held' | 'RolledBack';

export interface SyncSpec {
  target: string;
  repository: string;
  branch?: string;
  path?: string;
  revision: string;
  requestedAt?: string;
  reason?: string;
  rollback?: boolean;
  deploymentId?: number;
  allowMassPrune?: boolean;
  /** This request lifts the target's hold (`ferry sync --release-hold`). */
  releaseHold?: boolean;
  suspend?: boolean;
}

export interface SyncCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
  observedGeneration?: number;
}

export interface SyncHistoryEntry {
  revision: string;
  phase: SyncPhase;
  time: string;
  reason: string;
}

/** One object the agent applied for a target (the prune inventory). */
export interface InventoryEntry {
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
  /** Digest of the desired object, to tell changed from unchanged. */
  hash?: string;
  /** The revision that last changed the object. */
  revision?: string;
}

export interface SyncStatus {
  observedGeneration?: number;
  phase?: SyncPhase;
  appliedRevision?: string;
  lastHealthyRevision?: string;
  heldRevision?: string;
  repository?: string;
  branch?: string;
  lastAppliedAt?: string;
  lastPolledHead?: string;
  lastError?: string;
  counts?: { applied: number; unchanged: number; pruned: number };
  conditions?: SyncCondition[];
  history?: SyncHistoryEntry[];
  inventory?: InventoryEntry[];
}

export type SyncObject = KubeObject & {
  metadata: {
    name: string;
    namespace?: string;
    generation?: number;
    resourceVersion?: string;
    uid?: string;
    creationTimestamp?: string;
  };
  spec: SyncSpec;
  status?: SyncStatus;
};

export function isSyncObject(value: unknown): value is SyncObject {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  const spec = v.spec as Record<string, unknown> | undefined;
  return (
    v.kind === SYNC_KIND &&
    typeof v.metadata === 'object' &&
    v.metadata !== null &&
    typeof spec === 'object' &&
    spec !== null &&
    typeof spec.revision === 'string'
  );
}

/** A target's Sync is named after the target (target names are DNS labels in .github/ferry.yml). */
export function syncNameOf(target: string): string {
  return target;
}
