import type { InventoryEntry, SyncObject } from '../signal/sync-object.ts';
import type { KubeObject, Target } from '../types.ts';
import type { AgentDeps } from './agent-deps.ts';
import type { ApplyFailure } from './apply-objects.ts';
import { applyWaves } from './apply-waves.ts';
import type { ClusterClient } from './cluster-client.ts';
import { listLive } from './list-live.ts';
import { planPrune } from './plan-prune.ts';
import { type HookEvent, planWaves, WaveError, type WavePlan } from './plan-waves.ts';
import {
  type DesiredObject,
  objectKey,
  prepareObjects,
  toInventoryEntry,
  UnknownKindError,
} from './prepare-objects.ts';
import { describeEntry, pruneObjects } from './prune-objects.ts';
import { formatBlockingFindings, renderRevision } from './render-revision.ts';
import { resolveScopes } from './resolve-scopes.ts';
import { isSameKinds, type KindRef, mergeKinds } from './target-state.ts';
import type { HealthResult } from './wait-for-health.ts';
import { withAutoscaledReplicas } from './with-autoscaled-replicas.ts';

export interface DeployCounts {
  applied: number;
  unchanged: number;
  pruned: number;
}

export type DeployOutcome =
  | {
      ok: true;
      target: Target;
      objects: DesiredObject[];
      counts: DeployCounts;
      inventory: InventoryEntry[];
      /** The kinds (per namespace) the target's objects now have: the ApplySet parent's record. */
      kinds: KindRef[];
      notes: string[];
      /**
       * Set when a new revision was deployed: waves were applied in order, each healthy before the next,
       * and pruning waited for this (nothing is pruned when it is unhealthy). Resyncs leave it unset.
       */
      health?: HealthResult;
    }
  | {
      ok: false;
      /** Where it stopped: nothing was applied before `apply`. */
      stage: 'render' | 'prune-refused' | 'apply';
      message: string;
      target?: Target;
      counts?: DeployCounts;
      /** The inventory to keep (what was there plus what got applied; nothing was pruned). */
      inventory?: InventoryEntry[];
      /** The kinds to keep listing (what was there plus what got applied). */
      kinds?: KindRef[];
    };

function duplicates(objects: readonly DesiredObject[]): string[] {
  const seen = new Set<string>();
  const dups = new Set<string>();
  for (const o of objects) {
    const key = objectKey(o);
    if (seen.has(key)) dups.add(o.namespace ? `${o.kind} ${o.namespace}/${o.name}` : `${o.kind} ${o.name}`);
    seen.add(key);
  }
  return [...dups];
}

function mergeInventory(a: readonly InventoryEntry[], b: readonly InventoryEntry[]): InventoryEntry[] {
  const byKey = new Map<string, InventoryEntry>();
  for (const e of [...a, ...b]) byKey.set(objectKey(e), e);
  return [...byKey.values()];
}

function kindsOf(objects: readonly { apiVersion: string; kind: string; namespace?: string }[]): KindRef[] {
  return mergeKinds(
    objects.map((o) => ({
      apiVersion: o.apiVersion,
      kind: o.kind,
      ...(o.namespace ? { namespace: o.namespace } : {}),
    })),
  );
}

function formatFailures(failures: readonly ApplyFailure[]): string {
  const shown = failures.slice(0, 5).map((f) => `${f.object}: ${f.message}`);
  return `${failures.length} object(s) failed to apply: ${shown.join('; ')}${failures.length > 5 ? ' …' : ''}`;
}

/** Labelled objects the inventory does not list (a lost status, an interrupted apply): prune candidates too. */
function orphansOf(
  live: ReadonlyMap<string, KubeObject>,
  inventory: readonly InventoryEntry[],
): InventoryEntry[] {
  const known = new Set(inventory.map(objectKey));
  const out: InventoryEntry[] = [];
  for (const [key, object] of live) {
    if (known.has(key)) continue;
    const meta = (object.metadata ?? {}) as { namespace?: string; name?: string };
    const entry: InventoryEntry = { apiVersion: object.apiVersion, kind: object.kind, name: meta.name ?? '' };
    if (meta.namespace) entry.namespace = meta.namespace;
    out.push(entry);
  }
  return out;
}

/**
 * The CRD names (`<plural>.<group>`) of the custom resources among the objects, from discovery (cached
 * by the client). A kind the cluster does not serve yet comes from a CRD in the render, which is not
 * pruned anyway.
 */
async function listCrdsInUse(client: ClusterClient, objects: readonly DesiredObject[]): Promise<Set<string>> {
  const names = new Set<string>();
  const seen = new Set<string>();
  for (const o of objects) {
    const group = o.apiVersion.includes('/') ? (o.apiVersion.split('/')[0] ?? '') : '';
    const key = `${o.apiVersion}|${o.kind}`;
    // The core group and single-word ones (apps, batch) are built in; a dotted group may be a CRD's.
    if (!group.includes('.') || seen.has(key)) continue;
    seen.add(key);
    const info = await client.getResourceInfo(o.apiVersion, o.kind);
    if (info) names.add(`${info.name}.${group}`);
  }
  return names;
}

/**
 * One revision of one target onto the cluster: render (errors block), prepare, plan the prune (refused
 * before anything is applied), apply in order, prune. Health is the caller's next step.
 */
export async function deployRevision(
  deps: AgentDeps,
  opts: {
    sync: SyncObject;
    repository: string;
    revision: string;
    /** The target's applied revision before this deploy (its state): none is a first install. */
    appliedRevision: string | undefined;
    allowMassPrune: boolean;
    /** Whether Namespaces and CRDs the render dropped may be deleted (default: `allowMassPrune`). */
    pruneContainers?: boolean;
    /** Where the target's objects may be (the ApplySet parent's kinds): its members there are the inventory. */
    kinds: readonly KindRef[];
    applySetId: string;
    /** Records a superset of the kinds before anything is applied, so an interrupted apply is found again. */
    recordKinds: (kinds: KindRef[]) => Promise<void>;
  },
): Promise<DeployOutcome> {
  const targetName = opts.sync.spec.target;
  const render = await renderRevision(deps, {
    repository: opts.repository,
    revision: opts.revision,
    targetName,
  });
  if (!render.ok) return { ok: false, stage: 'render', message: render.message };
  const { rendered } = render;
  const target = rendered.target;
  // Errors block the apply, whether the render failed or validation found them (checkTarget reports both).
  if (rendered.failed || rendered.findings.some((f) => f.severity === 'error')) {
    return { ok: false, stage: 'render', target, message: formatBlockingFindings(rendered.findings) };
  }
  if (rendered.resources.length === 0) {
    return {
      ok: false,
      stage: 'render',
      target,
      message: `the render of ${target.path || '.'} is empty: nothing applied, and nothing pruned`,
    };
  }

  let objects: DesiredObject[];
  try {
    const scopes = await resolveScopes(deps.client, rendered.resources);
    objects = prepareObjects({
      resources: rendered.resources,
      targetName,
      applySetId: opts.applySetId,
      defaultNamespace: target.namespace,
      scopeOf: (apiVersion, kind) => scopes.get(`${apiVersion}|${kind}`),
      revision: opts.revision,
    });
  } catch (err) {
    // The cluster's answer, not the commit's: a resync retries it (its CRD may be installed meanwhile).
    if (err instanceof UnknownKindError)
      return { ok: false, stage: 'apply', target, message: `${err.message}; the next resync retries it` };
    throw err;
  }
  const live = await listLive({ client: deps.client, kinds: [...objects, ...opts.kinds], targetName });
  // An autoscaler in the render owns its target's replica count once the target exists.
  const scaled = withAutoscaledReplicas(objects, live);
  objects = scaled.objects;
  // A new revision runs Helm hooks and waits wave by wave; a resync of the applied one does neither.
  const appliedRevision = opts.appliedRevision;
  const event: HookEvent | undefined =
    opts.revision === appliedRevision ? undefined : appliedRevision ? 'upgrade' : 'install';
  let plan: WavePlan;
  try {
    plan = planWaves({ objects, event });
  } catch (err) {
    if (err instanceof WaveError) return { ok: false, stage: 'render', target, message: err.message };
    throw err;
  }
  const dups = duplicates(objects);
  if (dups.length > 0)
    return {
      ok: false,
      stage: 'render',
      target,
      message: `the render has duplicate objects: ${dups.join(', ')}`,
    };

  // The inventory is what carries the target's label where it may be: no list kept in one object.
  const inventory = orphansOf(live, []);
  const desiredKinds = kindsOf(objects);
  const allKinds = mergeKinds(opts.kinds, desiredKinds);
  const desiredKeys = new Set(objects.map(objectKey));
  const prunePlan = target.prune
    ? planPrune({
        inventory,
        desiredKeys,
        maxShare: target.maxPruneShare,
        allowMassPrune: opts.allowMassPrune,
        pruneContainers: opts.pruneContainers ?? opts.allowMassPrune,
        crdsInUse: await listCrdsInUse(deps.client, objects),
      })
    : { remove: [], kept: [] };
  if (prunePlan.refused)
    return {
      ok: false,
      stage: 'prune-refused',
      target,
      message: prunePlan.refused,
      inventory,
      kinds: allKinds,
    };
  if (!isSameKinds(allKinds, opts.kinds)) await opts.recordKinds(allKinds);

  const applied = await applyWaves({
    client: deps.client,
    plan,
    live,
    revision: opts.revision,
    targetName,
    concurrency: deps.applyConcurrency,
    crdTimeoutMs: deps.crdTimeoutMs,
    pollMs: deps.healthPollMs,
    wait: event !== undefined,
    healthTimeoutMs: target.healthTimeoutSeconds * 1000,
  });
  const appliedInventory = [...applied.applied, ...applied.unchanged].map((o) =>
    toInventoryEntry(o, applied.revisions.get(objectKey(o)) ?? opts.revision),
  );
  const counts = { applied: applied.applied.length, unchanged: applied.unchanged.length, pruned: 0 };
  if (applied.failures.length > 0) {
    // Nothing is pruned after a failed apply: the old objects may still be what serves traffic.
    // Say what the failure left behind: the objects it did apply now run this revision.
    const partly =
      applied.applied.length > 0
        ? `; ${applied.applied.length} other object(s) were applied at this revision and nothing was pruned; the next resync retries it`
        : '; the next resync retries it';
    return {
      ok: false,
      stage: 'apply',
      target,
      message: `${formatFailures(applied.failures)}${partly}`,
      counts,
      inventory: mergeInventory(inventory, appliedInventory),
      kinds: allKinds,
    };
  }

  const waved = plan.phases.filter((p) => p.kind === 'wave').flatMap((p) => p.objects);
  if (applied.health && !applied.health.healthy) {
    // Prune after health: an unhealthy revision keeps what it replaced (it may be what serves).
    return {
      ok: true,
      target,
      objects: waved,
      counts,
      inventory: mergeInventory(inventory, appliedInventory),
      kinds: allKinds,
      notes: applied.notes,
      health: applied.health,
    };
  }
  const pruned = await pruneObjects({ client: deps.client, entries: prunePlan.remove, targetName });
  counts.pruned = pruned.pruned.length;
  const notes = [
    ...applied.notes,
    ...scaled.notes,
    ...plan.skipped.map((s) => `did not apply ${s.object}: ${s.reason}`),
    ...applied.recreated.map((o) => `recreated ${o} (immutable field changed)`),
    ...[...prunePlan.kept, ...pruned.kept].map((k) => `left ${describeEntry(k.entry)} in place: ${k.reason}`),
    ...pruned.failures.map((f) => `could not prune ${describeEntry(f.entry)}: ${f.message}`),
  ];
  return {
    ok: true,
    target,
    objects: waved,
    counts,
    // What stays labelled (refused deletions, containers kept) stays in the record, to prune later.
    inventory: mergeInventory(appliedInventory, [
      ...pruned.failures.map((f) => f.entry),
      ...prunePlan.kept.map((k) => k.entry),
    ]),
    kinds: mergeKinds(
      desiredKinds,
      kindsOf([...pruned.failures.map((f) => f.entry), ...prunePlan.kept.map((k) => k.entry)]),
    ),
    notes,
    ...(applied.health ? { health: applied.health } : {}),
  };
}
