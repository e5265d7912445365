import { createHash } from 'node:crypto';
import { isNotFound, KubeApiError } from '../signal/kube-object-client.ts';
import { FIELD_MANAGER, type SyncObject } from '../signal/sync-object.ts';
import type { KubeObject } from '../types.ts';
import type { ClusterClient } from './cluster-client.ts';

/**
 * Per-target state, kept on one object per target that no signal can write: the ApplySet parent
 * ConfigMap `ferry-target-<target>` in the agent's namespace. It holds what the never-backwards check
 * and the hold need (whichever Sync asks), and the ApplySet's kinds and namespaces, so the inventory
 * is the members' `applyset.kubernetes.io/part-of` label, not a list in one object (etcd's 1.5 MiB).
 */
export interface TargetState {
  repository?: string;
  branch?: string;
  appliedRevision?: string;
  lastHealthyRevision?: string;
  heldRevision?: string;
  /** Kinds (and namespaces) the target's objects may have: what to LIST to find its members. */
  kinds: KindRef[];
}

export interface KindRef {
  apiVersion: string;
  kind: string;
  namespace?: string;
}

export const APPLYSET_ID_LABEL = 'applyset.kubernetes.io/id';
export const APPLYSET_PART_OF_LABEL = 'applyset.kubernetes.io/part-of';
const TOOLING = 'applyset.kubernetes.io/tooling';
const GROUP_KINDS = 'applyset.kubernetes.io/contains-group-kinds';
const NAMESPACES = 'applyset.kubernetes.io/additional-namespaces';

export function targetStateName(target: string): string {
  return `ferry-target-${target}`;
}

/**
 * The ApplySet id of a parent, as kubectl computes it (KEP-3659):
 * `applyset-<base64url(sha256(<name>.<namespace>.<kind>.<group>))>-v1`.
 */
export function applySetIdOf(opts: { name: string; namespace: string; kind: string; group: string }): string {
  const digest = createHash('sha256')
    .update([opts.name, opts.namespace, opts.kind, opts.group].join('.'))
    .digest('base64url');
  return `applyset-${digest}-v1`;
}

export function applySetIdFor(target: string, namespace: string): string {
  return applySetIdOf({ name: targetStateName(target), namespace, kind: 'ConfigMap', group: '' });
}

const FIELDS = ['repository', 'branch', 'appliedRevision', 'lastHealthyRevision', 'heldRevision'] as const;

function parseKinds(text: string | undefined): KindRef[] {
  if (!text) return [];
  try {
    const parsed: unknown = JSON.parse(text);
    if (!Array.isArray(parsed)) return [];
    return parsed.filter(
      (k): k is KindRef =>
        typeof k === 'object' && k !== null && typeof k.apiVersion === 'string' && typeof k.kind === 'string',
    );
  } catch {
    // A hand-edited, unparseable list: the live objects of the desired kinds are still found.
    return [];
  }
}

export function isSameKinds(a: readonly KindRef[], b: readonly KindRef[]): boolean {
  return JSON.stringify(mergeKinds(a)) === JSON.stringify(mergeKinds(b));
}

/** Unique kinds per namespace, sorted (a stable annotation keeps the parent's apply a no-op). */
export function mergeKinds(...lists: readonly (readonly KindRef[])[]): KindRef[] {
  const byKey = new Map<string, KindRef>();
  for (const list of lists)
    for (const k of list) {
      const ref: KindRef = { apiVersion: k.apiVersion, kind: k.kind };
      if (k.namespace) ref.namespace = k.namespace;
      byKey.set(`${k.apiVersion}|${k.kind}|${k.namespace ?? ''}`, ref);
    }
  return [...byKey.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, v]) => v);
}

/** The state from the parent, or (before the first save, migrating) from the Sync's old status fields. */
export async function loadTargetState(
  client: ClusterClient,
  opts: { target: string; namespace: string; sync?: SyncObject },
): Promise<{ state: TargetState; migrated: boolean }> {
  const parent = await client.get({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    namespace: opts.namespace,
    name: targetStateName(opts.target),
  });
  if (parent) {
    const data = ((parent as { data?: Record<string, string> }).data ?? {}) as Record<string, string>;
    const state: TargetState = { kinds: parseKinds(data.kinds) };
    for (const f of FIELDS) if (data[f]) state[f] = data[f];
    return { state, migrated: false };
  }
  const status = opts.sync?.status ?? {};
  const state: TargetState = {
    kinds: mergeKinds(
      (status.inventory ?? []).map((e) => ({
        apiVersion: e.apiVersion,
        kind: e.kind,
        ...(e.namespace ? { namespace: e.namespace } : {}),
      })),
    ),
  };
  for (const f of FIELDS) if (status[f]) state[f] = status[f];
  return { state, migrated: state.appliedRevision !== undefined };
}

function groupKindOf(k: KindRef): string {
  const group = k.apiVersion.includes('/') ? k.apiVersion.split('/')[0] : '';
  return group ? `${k.kind}.${group}` : k.kind;
}

/** The parent ConfigMap for a state, with the ApplySet label and annotations kubectl reads. Pure. */
export function formatTargetState(opts: {
  target: string;
  namespace: string;
  state: TargetState;
}): KubeObject {
  const { state } = opts;
  const data: Record<string, string> = { kinds: JSON.stringify(mergeKinds(state.kinds)) };
  for (const f of FIELDS) {
    const value = state[f];
    if (value) data[f] = value;
  }
  const groupKinds = [...new Set(state.kinds.map(groupKindOf))].sort();
  const namespaces = [
    ...new Set(state.kinds.map((k) => k.namespace).filter((n): n is string => !!n && n !== opts.namespace)),
  ].sort();
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: targetStateName(opts.target),
      namespace: opts.namespace,
      labels: {
        [APPLYSET_ID_LABEL]: applySetIdFor(opts.target, opts.namespace),
        'app.kubernetes.io/managed-by': 'ferry',
        'ferry.dev/target-state': opts.target,
      },
      annotations: {
        [TOOLING]: 'ferry/v1',
        [GROUP_KINDS]: groupKinds.join(','),
        [NAMESPACES]: namespaces.join(','),
      },
    },
    data,
  };
}

/**
 * Writes the whole state: a merge patch (fields the state no longer has are nulled), or a create the
 * first time. Not a server-side apply, so the target's own applies are the only ones the agent sends.
 */
export async function saveTargetState(
  client: Pick<ClusterClient, 'create' | 'mergePatch'>,
  opts: { target: string; namespace: string; state: TargetState },
): Promise<void> {
  const object = formatTargetState(opts);
  const data = object.data as Record<string, string>;
  const patch = {
    metadata: {
      labels: (object.metadata as { labels: unknown }).labels,
      annotations: (object.metadata as { annotations: unknown }).annotations,
    },
    data: { ...Object.fromEntries(FIELDS.map((f) => [f, null])), ...data },
  };
  const ref = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    namespace: opts.namespace,
    name: targetStateName(opts.target),
  };
  try {
    await client.mergePatch(ref, patch, { fieldManager: FIELD_MANAGER });
  } catch (err) {
    if (!isNotFound(err)) throw err;
    try {
      await client.create(object, { fieldManager: FIELD_MANAGER });
    } catch (createErr) {
      // Created in between (409 AlreadyExists: a leader that just handed over, `kubectl apply`): the
      // patch now finds it, as upsertRequestObject does for a Sync.
      if (!(createErr instanceof KubeApiError && createErr.code === 409)) throw createErr;
      await client.mergePatch(ref, patch, { fieldManager: FIELD_MANAGER });
    }
  }
}
