import type { KubeObject } from '../types.ts';
import { type ApplyFailure, type ApplyResult, applyObjects } from './apply-objects.ts';
import type { ClusterClient } from './cluster-client.ts';
import { sleep } from './map-limit.ts';
import type { WavePlan } from './plan-waves.ts';
import { type DesiredObject, objectKey } from './prepare-objects.ts';
import { type HealthResult, waitForHealth } from './wait-for-health.ts';

export interface WavesResult extends ApplyResult {
  /** Set when the waves were waited for: the health of the last phase applied. */
  health?: HealthResult;
  /** Hooks run (and deleted) and phases left out, for the Applied event. */
  notes: string[];
}

function describe(o: DesiredObject): string {
  return o.namespace ? `${o.kind} ${o.namespace}/${o.name}` : `${o.kind} ${o.name}`;
}

async function deleteAndWait(client: ClusterClient, o: DesiredObject, pollMs: number): Promise<boolean> {
  await client.delete(o, { propagationPolicy: 'Background' });
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (!(await client.get(o))) return true;
    await sleep(pollMs);
  }
  return false;
}

/** `before-hook-creation`: the previous run of each hook is deleted (and gone) before it is created again. */
async function clearPreviousRuns(
  opts: { client: ClusterClient; plan: WavePlan; pollMs: number },
  hooks: readonly DesiredObject[],
  live: Map<string, KubeObject>,
): Promise<ApplyFailure[]> {
  const failures: ApplyFailure[] = [];
  for (const o of hooks) {
    const policies = opts.plan.hookPolicies.get(objectKey(o));
    if (!policies?.has('before-hook-creation') || !live.has(objectKey(o))) continue;
    if (!(await deleteAndWait(opts.client, o, opts.pollMs)))
      failures.push({
        object: describe(o),
        message: 'hook: the previous run is still present 60s after its deletion (finalizers?)',
      });
    live.delete(objectKey(o));
  }
  return failures;
}

/** `hook-succeeded` / `hook-failed`: deletes the hooks of a finished phase as their policy says. */
async function settleHooks(
  opts: { client: ClusterClient; plan: WavePlan },
  hooks: readonly DesiredObject[],
  healthy: boolean,
  label: string,
): Promise<string[]> {
  const outcome = healthy ? 'hook-succeeded' : 'hook-failed';
  const notes: string[] = [];
  for (const o of hooks) {
    if (!opts.plan.hookPolicies.get(objectKey(o))?.has(outcome)) continue;
    await opts.client.delete(o, { propagationPolicy: 'Background' });
    notes.push(`deleted ${describe(o)} (${outcome})`);
  }
  if (healthy) notes.unshift(`ran ${label}: ${hooks.map(describe).join(', ')}`);
  return notes;
}

/**
 * Carries out a wave plan: each phase applied, then (when `wait`) healthy before the next. Helm hooks are
 * created fresh (`before-hook-creation` deletes the previous run's object first), always waited for,
 * and deleted afterwards as their `hook-succeeded` / `hook-failed` policy says. Stops at the first
 * phase that fails to apply or to become healthy: later phases are not applied.
 */
export async function applyWaves(opts: {
  client: ClusterClient;
  plan: WavePlan;
  live: ReadonlyMap<string, KubeObject>;
  revision: string;
  targetName: string;
  concurrency: number;
  crdTimeoutMs: number;
  pollMs: number;
  /** Wait for each wave's health before the next (and for the last one); resyncs do not. */
  wait: boolean;
  healthTimeoutMs: number;
}): Promise<WavesResult> {
  const result: WavesResult = {
    applied: [],
    unchanged: [],
    recreated: [],
    failures: [],
    revisions: new Map(),
    notes: [],
  };
  const live = new Map(opts.live);
  const phases = opts.plan.phases;
  for (const [i, phase] of phases.entries()) {
    const isHook = phase.kind !== 'wave';
    if (isHook) {
      result.failures.push(...(await clearPreviousRuns(opts, phase.objects, live)));
      if (result.failures.length > 0) return result;
    }
    const applied = await applyObjects({
      client: opts.client,
      objects: phase.objects,
      live,
      revision: opts.revision,
      concurrency: opts.concurrency,
      crdTimeoutMs: opts.crdTimeoutMs,
      pollMs: opts.pollMs,
    });
    if (!isHook) {
      result.applied.push(...applied.applied);
      result.unchanged.push(...applied.unchanged);
      for (const [k, v] of applied.revisions) result.revisions.set(k, v);
    }
    result.recreated.push(...applied.recreated);
    result.failures.push(...applied.failures);
    if (result.failures.length > 0) return result;

    const last = i === phases.length - 1;
    // A hook always runs to completion; a wave is waited for before a later phase when it changed
    // something (an in-sync wave is as healthy as it was). The whole target is waited for at the end.
    const mustWait = isHook || (opts.wait && !last && applied.applied.length > 0);
    if (!mustWait) continue;
    const health = await waitForHealth({
      client: opts.client,
      objects: phase.objects,
      targetName: opts.targetName,
      timeoutMs: opts.healthTimeoutMs,
      pollMs: opts.pollMs,
    });
    const label = isHook
      ? `${phase.kind === 'pre-hook' ? 'pre' : 'post'}-hook (weight ${phase.order})`
      : `wave ${phase.order}`;
    if (isHook) result.notes.push(...(await settleHooks(opts, phase.objects, health.healthy, label)));
    if (!health.healthy) {
      const rest = phases.length - i - 1;
      result.health = {
        ...health,
        message: `${label}: ${health.message}${rest > 0 ? ` (${rest} later phase(s) not applied)` : ''}`,
      };
      return result;
    }
  }
  if (opts.wait) {
    const health = await waitForHealth({
      client: opts.client,
      objects: phases.filter((p) => p.kind === 'wave').flatMap((p) => p.objects),
      targetName: opts.targetName,
      timeoutMs: opts.healthTimeoutMs,
      pollMs: opts.pollMs,
    });
    result.health = health;
  }
  return result;
}

export type { ApplyFailure };
