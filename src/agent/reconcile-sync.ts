import {
  FIELD_MANAGER,
  type InventoryEntry,
  type SyncObject,
  type SyncPhase,
  type SyncStatus,
} from '../signal/sync-object.ts';
import type { Target } from '../types.ts';
import type { AgentDeps } from './agent-deps.ts';
import type { DeploymentState } from './agent-github.ts';
import { type DeployOutcome, deployRevision } from './deploy-revision.ts';
import { formatError } from './logger.ts';
import type { SyncResult } from './metrics.ts';
import { recordEvent, type SyncEvent } from './record-event.ts';
import { appendHistory, conditionsFor, truncateError } from './sync-status.ts';
import { verifyRevision } from './verify-revision.ts';
import { waitForHealth } from './wait-for-health.ts';

/** Why a reconcile runs: a Sync changed (watch), the resync interval, or `ferry agent --once`. */
export type ReconcileTrigger = 'event' | 'resync' | 'once';

export interface ReconcileOutcome {
  result: SyncResult;
  phase?: SyncPhase;
  message: string;
}

const short = (sha: string | undefined) => (sha ?? '').slice(0, 7);
const time = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

interface Report {
  sync: SyncObject;
  repository: string;
  deploymentId: number | undefined;
}

/** Writes the Sync status (merge patch of the status subresource; `null` clears a field). */
async function patchStatus(
  deps: AgentDeps,
  sync: SyncObject,
  status: Record<string, unknown>,
): Promise<void> {
  await deps.client.mergePatch(
    {
      apiVersion: sync.apiVersion,
      kind: sync.kind,
      namespace: sync.metadata.namespace ?? deps.namespace,
      name: sync.metadata.name,
    },
    { status },
    { subresource: 'status', fieldManager: FIELD_MANAGER },
  );
}

async function event(deps: AgentDeps, sync: SyncObject, e: SyncEvent): Promise<void> {
  deps.log[e.type === 'Warning' ? 'warn' : 'info'](e.message, { sync: sync.metadata.name, reason: e.reason });
  await recordEvent({ client: deps.client, sync, event: e, now: deps.now(), log: deps.log });
}

/** GitHub Deployment status, best effort: GitHub being down must not fail a deploy. */
async function deploymentStatus(
  deps: AgentDeps,
  report: Report,
  state: DeploymentState,
  description: string,
): Promise<void> {
  if (report.deploymentId === undefined) return;
  try {
    await deps.github.createDeploymentStatus({
      repository: report.repository,
      deploymentId: report.deploymentId,
      state,
      environment: report.sync.spec.target,
      description,
    });
  } catch (err) {
    deps.log.warn('could not report the deployment status', {
      sync: report.sync.metadata.name,
      state,
      error: formatError(err),
    });
  }
}

/** The final status of a reconcile, with history, conditions and the observed generation. */
function finalStatus(opts: {
  sync: SyncObject;
  phase: SyncPhase;
  reason: string;
  message: string;
  revision: string;
  now: Date;
  extra?: Partial<Record<keyof SyncStatus, unknown>>;
  error?: string | null;
}): Record<string, unknown> {
  const status = opts.sync.status ?? {};
  const generation = opts.sync.metadata.generation ?? 0;
  return {
    observedGeneration: generation,
    phase: opts.phase,
    lastError: opts.error === undefined ? null : opts.error === null ? null : truncateError(opts.error),
    conditions: conditionsFor({
      status,
      phase: opts.phase,
      reason: opts.reason,
      message: opts.message,
      time: time(opts.now),
      generation,
    }),
    history: appendHistory(status.history, {
      revision: opts.revision,
      phase: opts.phase,
      time: time(opts.now),
      reason: opts.reason,
    }),
    ...(opts.extra ?? {}),
  };
}

async function refuse(
  deps: AgentDeps,
  report: Report,
  reason: string,
  message: string,
  phase: SyncPhase = 'Failed',
): Promise<ReconcileOutcome> {
  const { sync } = report;
  await event(deps, sync, { type: 'Warning', reason, message });
  await deploymentStatus(deps, report, 'failure', message);
  await patchStatus(
    deps,
    sync,
    finalStatus({
      sync,
      phase,
      reason,
      message,
      revision: sync.spec.revision,
      now: deps.now(),
      error: message,
    }),
  );
  return { result: phase === 'Held' ? 'held' : 'refused', phase, message };
}

function describeCounts(c: { applied: number; unchanged: number; pruned: number }): string {
  return `${c.applied} applied, ${c.unchanged} unchanged, ${c.pruned} pruned`;
}

async function deployAndMeasure(
  deps: AgentDeps,
  opts: Parameters<typeof deployRevision>[1],
): Promise<DeployOutcome> {
  const started = Date.now();
  const outcome = await deployRevision(deps, opts);
  deps.metrics.recordApplyDuration((Date.now() - started) / 1000);
  if (outcome.ok || outcome.inventory)
    deps.metrics.setManaged(
      opts.sync.spec.target,
      (outcome.ok ? outcome.inventory : (outcome.inventory ?? [])).length,
    );
  return outcome;
}

/** After a failed health check: re-apply the last healthy revision (once; no rollback of a rollback). */
async function rollBack(
  deps: AgentDeps,
  report: Report,
  opts: {
    failed: string;
    healthMessage: string;
    lastHealthy: string;
    target: Target;
    inventory: InventoryEntry[];
  },
): Promise<ReconcileOutcome> {
  const { sync } = report;
  // Prune against what the failed revision applied, so its additions go too (a full revert).
  const back = await deployAndMeasure(deps, {
    sync,
    repository: report.repository,
    revision: opts.lastHealthy,
    allowMassPrune: true,
    inventory: opts.inventory,
  });
  if (!back.ok) {
    const message = `health failed on ${short(opts.failed)} (${opts.healthMessage}); rollback to ${short(opts.lastHealthy)} failed: ${back.message}`;
    await event(deps, sync, { type: 'Warning', reason: 'RollbackFailed', message });
    await deploymentStatus(deps, report, 'failure', message);
    await patchStatus(
      deps,
      sync,
      finalStatus({
        sync,
        phase: 'Degraded',
        reason: 'RollbackFailed',
        message,
        revision: opts.failed,
        now: deps.now(),
        error: message,
        extra: { appliedRevision: opts.failed },
      }),
    );
    return { result: 'degraded', phase: 'Degraded', message };
  }
  const health =
    back.health ??
    (await waitForHealth({
      client: deps.client,
      objects: back.objects,
      targetName: sync.spec.target,
      timeoutMs: back.target.healthTimeoutSeconds * 1000,
      pollMs: deps.healthPollMs,
    }));
  const message = `health failed on ${short(opts.failed)}: ${opts.healthMessage}; rolled back to ${short(opts.lastHealthy)}${health.healthy ? '' : ` (still unhealthy: ${health.message})`}`;
  await event(deps, sync, { type: 'Warning', reason: 'RolledBack', message });
  await deploymentStatus(
    deps,
    report,
    'failure',
    `rolled back to ${short(opts.lastHealthy)}: ${opts.healthMessage}`,
  );
  await patchStatus(
    deps,
    sync,
    finalStatus({
      sync,
      phase: 'RolledBack',
      reason: 'RolledBack',
      message,
      revision: opts.lastHealthy,
      now: deps.now(),
      error: message,
      extra: {
        appliedRevision: opts.lastHealthy,
        heldRevision: opts.failed,
        lastAppliedAt: time(deps.now()),
        counts: back.counts,
        inventory: back.inventory,
        branch: back.target.branch,
        repository: report.repository,
        history: appendHistory(
          appendHistory(sync.status?.history, {
            revision: opts.failed,
            phase: 'Degraded',
            time: time(deps.now()),
            reason: 'HealthFailed',
          }),
          { revision: opts.lastHealthy, phase: 'RolledBack', time: time(deps.now()), reason: 'RolledBack' },
        ),
      },
    }),
  );
  return { result: 'rolled_back', phase: 'RolledBack', message };
}

/** A new revision was requested: verify, apply, prune, wait for health, report everywhere. */
async function reconcileRequest(deps: AgentDeps, sync: SyncObject): Promise<ReconcileOutcome> {
  const { spec } = sync;
  const status = sync.status ?? {};
  const repository = status.repository ?? spec.repository;
  const report: Report = { sync, repository, deploymentId: spec.deploymentId };
  if (spec.repository !== repository) {
    return refuse(
      deps,
      report,
      'RepositoryChanged',
      `the Sync asks for ${spec.repository} but this target deploys ${repository}; delete the Sync to re-point it`,
    );
  }
  if (spec.revision === status.heldRevision && !spec.rollback) {
    return refuse(
      deps,
      report,
      'Held',
      `${short(spec.revision)} was rolled back after failing health; a newer commit (or an explicit rollback request) releases the hold`,
      'Held',
    );
  }
  const branch = status.branch ?? spec.branch;
  if (!branch)
    return refuse(deps, report, 'NoBranch', 'the Sync names no branch to verify the revision against');
  const verdict = await verifyRevision({
    github: deps.github,
    repository,
    branch,
    revision: spec.revision,
    appliedRevision: status.appliedRevision,
    rollback: spec.rollback === true,
  });
  if (!verdict.ok) return refuse(deps, report, verdict.reason, verdict.message);

  if (report.deploymentId === undefined) {
    try {
      report.deploymentId = await deps.github.createDeployment({
        repository,
        revision: spec.revision,
        branch,
        environment: spec.target,
        description: spec.reason ?? 'ferry agent',
      });
    } catch (err) {
      deps.log.warn('could not create a GitHub Deployment', {
        sync: sync.metadata.name,
        error: formatError(err),
      });
    }
  }
  await deploymentStatus(deps, report, 'in_progress', `applying ${short(spec.revision)}`);
  await patchStatus(deps, sync, {
    phase: 'Applying',
    conditions: conditionsFor({
      status,
      phase: 'Applying',
      reason: 'Applying',
      message: `applying ${short(spec.revision)}`,
      time: time(deps.now()),
      generation: sync.metadata.generation ?? 0,
    }),
  });

  const started = Date.now();
  const outcome = await deployAndMeasure(deps, {
    sync,
    repository,
    revision: spec.revision,
    allowMassPrune: spec.allowMassPrune === true,
  });
  if (!outcome.ok) {
    const reason =
      outcome.stage === 'render'
        ? 'RenderFailed'
        : outcome.stage === 'prune-refused'
          ? 'PruneRefused'
          : 'ApplyFailed';
    const extra = outcome.inventory
      ? { inventory: outcome.inventory, ...(outcome.counts ? { counts: outcome.counts } : {}) }
      : {};
    await event(deps, sync, { type: 'Warning', reason, message: outcome.message });
    await deploymentStatus(deps, report, 'failure', outcome.message);
    await patchStatus(
      deps,
      sync,
      finalStatus({
        sync,
        phase: 'Failed',
        reason,
        message: outcome.message,
        revision: spec.revision,
        now: deps.now(),
        error: outcome.message,
        extra,
      }),
    );
    return { result: 'failed', phase: 'Failed', message: outcome.message };
  }
  await event(deps, sync, {
    type: 'Normal',
    reason: 'Applied',
    message: `applied ${short(spec.revision)}: ${describeCounts(outcome.counts)}${outcome.notes.length ? `; ${outcome.notes.join('; ')}` : ''}`,
  });

  // Waves are waited for as they are applied (deployRevision); the rest here.
  const health =
    outcome.health ??
    (await waitForHealth({
      client: deps.client,
      objects: outcome.objects,
      targetName: spec.target,
      timeoutMs: outcome.target.healthTimeoutSeconds * 1000,
      pollMs: deps.healthPollMs,
    }));
  const applied = {
    appliedRevision: spec.revision,
    lastAppliedAt: time(deps.now()),
    counts: outcome.counts,
    inventory: outcome.inventory,
    branch: outcome.target.branch,
    repository,
  };
  if (health.healthy) {
    const seconds = Math.round((Date.now() - started) / 100) / 10;
    const message = `${short(spec.revision)} healthy in ${seconds}s: ${describeCounts(outcome.counts)}`;
    await event(deps, sync, { type: 'Normal', reason: 'Healthy', message });
    await deploymentStatus(deps, report, 'success', message);
    await patchStatus(
      deps,
      sync,
      finalStatus({
        sync,
        phase: 'Healthy',
        reason: 'Healthy',
        message,
        revision: spec.revision,
        now: deps.now(),
        error: null,
        extra: { ...applied, lastHealthyRevision: spec.revision, heldRevision: null },
      }),
    );
    return { result: 'healthy', phase: 'Healthy', message };
  }
  await event(deps, sync, {
    type: 'Warning',
    reason: 'HealthFailed',
    message: `${short(spec.revision)}: ${health.message}`,
  });
  const lastHealthy = status.lastHealthyRevision;
  if (outcome.target.autoRollback && lastHealthy && lastHealthy !== spec.revision) {
    return rollBack(deps, report, {
      failed: spec.revision,
      healthMessage: health.message,
      lastHealthy,
      target: outcome.target,
      inventory: outcome.inventory,
    });
  }
  const message = `${short(spec.revision)} applied but not healthy: ${health.message}`;
  await deploymentStatus(deps, report, 'failure', message);
  await patchStatus(
    deps,
    sync,
    finalStatus({
      sync,
      phase: 'Degraded',
      reason: 'HealthFailed',
      message,
      revision: spec.revision,
      now: deps.now(),
      error: message,
      extra: applied,
    }),
  );
  return { result: 'degraded', phase: 'Degraded', message };
}

/** Resync: correct drift from Git at the applied revision (unless the target turns self-heal off). */
async function selfHeal(deps: AgentDeps, sync: SyncObject): Promise<ReconcileOutcome> {
  const status = sync.status ?? {};
  const revision = status.appliedRevision;
  if (!revision) return { result: 'unchanged', message: 'nothing applied yet' };
  const repository = status.repository ?? sync.spec.repository;
  const render = deps.cache.get(repository, revision, sync.spec.target);
  if (render && !render.target.selfHeal) return { result: 'unchanged', message: 'self-heal is off' };
  const outcome = await deployAndMeasure(deps, { sync, repository, revision, allowMassPrune: false });
  if (!outcome.ok) {
    if (outcome.target && !outcome.target.selfHeal)
      return { result: 'unchanged', message: 'self-heal is off' };
    await event(deps, sync, { type: 'Warning', reason: 'SelfHealFailed', message: outcome.message });
    await patchStatus(deps, sync, {
      lastError: truncateError(`self-heal of ${short(revision)}: ${outcome.message}`),
    });
    return { result: 'failed', message: outcome.message };
  }
  if (!outcome.target.selfHeal) return { result: 'unchanged', message: 'self-heal is off' };
  const drift = outcome.counts.applied + outcome.counts.pruned;
  if (drift === 0) return { result: 'unchanged', message: `in sync with ${short(revision)}` };
  const message = `corrected drift from ${short(revision)}: ${describeCounts(outcome.counts)}`;
  await event(deps, sync, { type: 'Normal', reason: 'DriftCorrected', message });
  await patchStatus(deps, sync, {
    counts: outcome.counts,
    inventory: outcome.inventory,
    lastAppliedAt: time(deps.now()),
    history: appendHistory(status.history, {
      revision,
      phase: status.phase ?? 'Healthy',
      time: time(deps.now()),
      reason: 'DriftCorrected',
    }),
  });
  return { result: 'healthy', phase: status.phase ?? 'Healthy', message };
}

/**
 * Reconciles one Sync. A new generation (a signal) is a deploy request; otherwise a resync corrects
 * drift at the applied revision (a held revision is never re-applied: the applied one is the
 * rolled-back-to revision). Retryable infrastructure errors are thrown for the caller to retry.
 */
export async function reconcileSync(
  deps: AgentDeps,
  sync: SyncObject,
  trigger: ReconcileTrigger,
): Promise<ReconcileOutcome> {
  if (sync.spec.suspend) return { result: 'unchanged', message: 'suspended' };
  const isNew = sync.status?.observedGeneration !== sync.metadata.generation;
  const outcome = isNew
    ? await reconcileRequest(deps, sync)
    : trigger === 'event'
      ? undefined
      : await selfHeal(deps, sync);
  if (!outcome) return { result: 'unchanged', message: 'up to date' };
  deps.metrics.recordSync(sync.spec.target, outcome.result, deps.now());
  return outcome;
}
