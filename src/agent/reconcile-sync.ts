import { KubeApiError } from '../signal/kube-object-client.ts';
import { FIELD_MANAGER, type SyncObject, type SyncPhase, type SyncStatus } from '../signal/sync-object.ts';
import type { Target } from '../types.ts';
import { admitSync } from './admit-sync.ts';
import type { AgentDeps } from './agent-deps.ts';
import type { DeploymentState } from './agent-github.ts';
import { decideHold } from './decide-hold.ts';
import { type DeployOutcome, deployRevision } from './deploy-revision.ts';
import { loadTrackedTarget } from './load-tracked-target.ts';
import { formatError } from './logger.ts';
import type { SyncResult } from './metrics.ts';
import { recordEvent, type SyncEvent } from './record-event.ts';
import { appendHistory, conditionsFor, truncateError } from './sync-status.ts';
import {
  applySetIdFor,
  isSameKinds,
  type KindRef,
  loadTargetState,
  saveTargetState,
  type TargetState,
} from './target-state.ts';
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
  await recordEvent({ client: deps.client, object: sync, event: e, now: deps.now(), log: deps.log });
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

/** Saves the target's state (the ApplySet parent) and mirrors it in the Sync status for `kubectl get syncs`. */
function saveState(deps: AgentDeps, target: string, state: TargetState): Promise<void> {
  return saveTargetState(deps.client, { target, namespace: deps.namespace, state });
}

/** The status fields that mirror the target's state (null clears; the inventory no longer lives here). */
function mirrorOf(state: TargetState): Record<string, unknown> {
  return {
    appliedRevision: state.appliedRevision ?? null,
    lastHealthyRevision: state.lastHealthyRevision ?? null,
    heldRevision: state.heldRevision ?? null,
    repository: state.repository ?? null,
    branch: state.branch ?? null,
    inventory: null,
  };
}

/** The API server refused a request of the agent's own (not an object of the target): what to fix. */
function describeAgentRefusal(err: KubeApiError): string {
  if (err.code === 403)
    return `the API server refused the agent: ${err.message} (grant the ferry-agent service account that right: infra/agent/rbac-apply.yaml for the target's namespaces and kinds; the next resync retries it)`;
  return `the API server refused the agent's request: ${err.message} (the next resync retries it)`;
}

async function deployAndMeasure(
  deps: AgentDeps,
  opts: {
    sync: SyncObject;
    repository: string;
    revision: string;
    allowMassPrune: boolean;
    pruneContainers?: boolean;
    state: TargetState;
  },
): Promise<DeployOutcome> {
  const started = Date.now();
  const target = opts.sync.spec.target;
  let outcome: DeployOutcome;
  try {
    outcome = await deployRevision(deps, {
      sync: opts.sync,
      repository: opts.repository,
      revision: opts.revision,
      appliedRevision: opts.state.appliedRevision,
      allowMassPrune: opts.allowMassPrune,
      ...(opts.pruneContainers !== undefined ? { pruneContainers: opts.pruneContainers } : {}),
      kinds: opts.state.kinds,
      applySetId: applySetIdFor(target, deps.namespace),
      recordKinds: (kinds: KindRef[]) => saveState(deps, target, { ...opts.state, kinds }),
    });
  } catch (err) {
    // A refusal of the agent's own reads and writes (a list its RBAC lacks) is the same on every
    // retry: the Sync says it, and the resync retries the request once someone fixes it, instead of
    // the reconcile being retried for ever while the Sync says Applying.
    if (!(err instanceof KubeApiError) || err.retryable) throw err;
    outcome = { ok: false, stage: 'apply', message: describeAgentRefusal(err) };
  }
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
    /** The state after the failed revision was applied (its kinds included, so its additions are pruned). */
    state: TargetState;
  },
): Promise<ReconcileOutcome> {
  const { sync } = report;
  // Prune against what the failed revision applied, so its additions go too (a full revert).
  const back = await deployAndMeasure(deps, {
    sync,
    repository: report.repository,
    revision: opts.lastHealthy,
    allowMassPrune: true,
    // A full revert, but a Namespace or CRD the failed revision declared may have been there before
    // it (adopted, with other people's objects in it): those still need the request's own opt-in.
    pruneContainers: report.sync.spec.allowMassPrune === true,
    state: opts.state,
  });
  if (!back.ok) {
    const failedState: TargetState = { ...opts.state, kinds: back.kinds ?? opts.state.kinds };
    await saveState(deps, sync.spec.target, failedState);
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
        extra: mirrorOf(failedState),
      }),
    );
    return { result: 'degraded', phase: 'Degraded', message };
  }
  const backState: TargetState = {
    ...opts.state,
    appliedRevision: opts.lastHealthy,
    heldRevision: opts.failed,
    kinds: back.kinds,
  };
  await saveState(deps, sync.spec.target, backState);
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
        ...mirrorOf(backState),
        lastAppliedAt: time(deps.now()),
        counts: back.counts,
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

/** The checks before anything is applied: trust, the target's state, the hold, the branch and order. */
async function admitRequest(
  deps: AgentDeps,
  sync: SyncObject,
): Promise<
  { refused: ReconcileOutcome } | { report: Report; state: TargetState; branch: string; lift: boolean }
> {
  const { spec } = sync;
  const admission = admitSync(sync, deps.trust);
  if (!admission.ok) {
    // No GitHub call for a Sync the agent does not trust: its repository may not be one we serve.
    const report: Report = { sync, repository: spec.repository, deploymentId: undefined };
    return { refused: await refuse(deps, report, admission.reason, admission.message) };
  }
  const { state } = await loadTargetState(deps.client, {
    target: spec.target,
    namespace: deps.namespace,
    sync,
  });
  const repository = state.repository ?? spec.repository;
  const report: Report = { sync, repository, deploymentId: spec.deploymentId };
  if (spec.repository.toLowerCase() !== repository.toLowerCase()) {
    return {
      refused: await refuse(
        deps,
        report,
        'RepositoryChanged',
        `the Sync asks for ${spec.repository} but this target deploys ${repository}; delete the target's state (ConfigMap ferry-target-${spec.target}) to re-point it`,
      ),
    };
  }
  const tracked = await loadTrackedTarget(deps.github, { repository, target: spec.target });
  if (!tracked.ok) return { refused: await refuse(deps, report, 'NotConfigured', tracked.message) };
  const branch = tracked.target.branch;
  const held = state.heldRevision;
  const hold = decideHold({
    revision: spec.revision,
    held,
    rollback: spec.rollback === true,
    releaseHold: spec.releaseHold === true,
    order:
      held && held !== spec.revision && spec.releaseHold !== true
        ? await deps.github.compare({ repository, base: held, head: spec.revision })
        : undefined,
  });
  if (hold.refuse) return { refused: await refuse(deps, report, 'Held', hold.message, 'Held') };
  const verdict = await verifyRevision({
    github: deps.github,
    repository,
    branch,
    revision: spec.revision,
    appliedRevision: state.appliedRevision,
    rollback: spec.rollback === true,
  });
  if (!verdict.ok) return { refused: await refuse(deps, report, verdict.reason, verdict.message) };
  return { report, state: { ...state, repository, branch }, branch, lift: hold.lift };
}

/**
 * The hold after an applied request. Pure. An explicit rollback holds the revision it rolled back from
 * (or keeps the hold it found); a request that passed the hold because it is newer, or released it, ends it.
 */
export function holdAfter(opts: {
  state: TargetState;
  revision: string;
  rollback: boolean;
  lift: boolean;
}): string | undefined {
  const { state } = opts;
  if (opts.rollback) {
    if (state.heldRevision && !opts.lift) return state.heldRevision;
    return state.appliedRevision && state.appliedRevision !== opts.revision
      ? state.appliedRevision
      : undefined;
  }
  return opts.lift ? undefined : state.heldRevision;
}

/**
 * A new revision was requested: verify, apply, prune, wait for health, report everywhere. A `retry` of a
 * request whose apply failed (each resync) stays quiet on GitHub until it gets past the apply: no new
 * Deployment, no `in_progress` and no repeated `failure` every few minutes.
 */
async function reconcileRequest(deps: AgentDeps, sync: SyncObject, retry = false): Promise<ReconcileOutcome> {
  const { spec } = sync;
  const status = sync.status ?? {};
  const admitted = await admitRequest(deps, sync);
  if ('refused' in admitted) return admitted.refused;
  const { report, state, branch } = admitted;
  const { repository } = report;

  const ensureDeployment = async () => {
    if (report.deploymentId !== undefined) return;
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
  };
  if (!retry) {
    await ensureDeployment();
    await deploymentStatus(deps, report, 'in_progress', `applying ${short(spec.revision)}`);
  }
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
    state,
  });
  if (!outcome.ok) {
    const reason =
      outcome.stage === 'render'
        ? 'RenderFailed'
        : outcome.stage === 'prune-refused'
          ? 'PruneRefused'
          : 'ApplyFailed';
    if (outcome.kinds) await saveState(deps, spec.target, { ...state, kinds: outcome.kinds });
    await event(deps, sync, { type: 'Warning', reason, message: outcome.message });
    if (!retry) await deploymentStatus(deps, report, 'failure', outcome.message);
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
        extra: outcome.counts ? { counts: outcome.counts } : {},
      }),
    );
    return { result: 'failed', phase: 'Failed', message: outcome.message };
  }
  if (retry) await ensureDeployment();
  await event(deps, sync, {
    type: 'Normal',
    reason: 'Applied',
    message: `applied ${short(spec.revision)}: ${describeCounts(outcome.counts)}${outcome.notes.length ? `; ${outcome.notes.join('; ')}` : ''}`,
  });

  const heldRevision = holdAfter({
    state,
    revision: spec.revision,
    rollback: spec.rollback === true,
    lift: admitted.lift,
  });
  const appliedState: TargetState = {
    ...state,
    appliedRevision: spec.revision,
    kinds: outcome.kinds,
    ...(heldRevision ? { heldRevision } : { heldRevision: undefined }),
  };
  await saveState(deps, spec.target, appliedState);
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
  const applied = { lastAppliedAt: time(deps.now()), counts: outcome.counts };
  const holding = heldRevision ? `; holding ${short(heldRevision)} (rolled back)` : '';
  if (health.healthy) {
    const seconds = Math.round((Date.now() - started) / 100) / 10;
    const message = `${short(spec.revision)} healthy in ${seconds}s: ${describeCounts(outcome.counts)}${holding}`;
    const healthyState: TargetState = { ...appliedState, lastHealthyRevision: spec.revision };
    await saveState(deps, spec.target, healthyState);
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
        extra: { ...applied, ...mirrorOf(healthyState) },
      }),
    );
    return { result: 'healthy', phase: 'Healthy', message };
  }
  await event(deps, sync, {
    type: 'Warning',
    reason: 'HealthFailed',
    message: `${short(spec.revision)}: ${health.message}`,
  });
  const lastHealthy = state.lastHealthyRevision;
  if (outcome.target.autoRollback && lastHealthy && lastHealthy !== spec.revision) {
    return rollBack(deps, report, {
      failed: spec.revision,
      healthMessage: health.message,
      lastHealthy,
      target: outcome.target,
      state: appliedState,
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
      extra: { ...applied, ...mirrorOf(appliedState) },
    }),
  );
  return { result: 'degraded', phase: 'Degraded', message };
}

/** Resync: correct drift from Git at the applied revision (unless the target turns self-heal off). */
async function selfHeal(deps: AgentDeps, sync: SyncObject): Promise<ReconcileOutcome> {
  // Only the target's own, trusted Sync drives it; another is refused on its first request.
  if (!admitSync(sync, deps.trust).ok) return { result: 'unchanged', message: 'not acted on' };
  const status = sync.status ?? {};
  const { state, migrated } = await loadTargetState(deps.client, {
    target: sync.spec.target,
    namespace: deps.namespace,
    sync,
  });
  const revision = state.appliedRevision;
  if (!revision) return { result: 'unchanged', message: 'nothing applied yet' };
  if (migrated) await saveState(deps, sync.spec.target, state);
  const repository = state.repository ?? sync.spec.repository;
  const render = deps.cache.get(repository, revision, sync.spec.target);
  if (render && !render.target.selfHeal) return { result: 'unchanged', message: 'self-heal is off' };
  const outcome = await deployAndMeasure(deps, { sync, repository, revision, allowMassPrune: false, state });
  if (!outcome.ok) {
    if (outcome.target && !outcome.target.selfHeal)
      return { result: 'unchanged', message: 'self-heal is off' };
    if (outcome.kinds) await saveState(deps, sync.spec.target, { ...state, kinds: outcome.kinds });
    await event(deps, sync, { type: 'Warning', reason: 'SelfHealFailed', message: outcome.message });
    await patchStatus(deps, sync, {
      lastError: truncateError(`self-heal of ${short(revision)}: ${outcome.message}`),
    });
    return { result: 'failed', message: outcome.message };
  }
  if (!outcome.target.selfHeal) return { result: 'unchanged', message: 'self-heal is off' };
  const healed: TargetState = { ...state, kinds: outcome.kinds };
  if (!isSameKinds(healed.kinds, state.kinds) || migrated) await saveState(deps, sync.spec.target, healed);
  const drift = outcome.counts.applied + outcome.counts.pruned;
  if (drift === 0) {
    if (migrated || status.inventory) await patchStatus(deps, sync, mirrorOf(healed));
    return { result: 'unchanged', message: `in sync with ${short(revision)}` };
  }
  const message = `corrected drift from ${short(revision)}: ${describeCounts(outcome.counts)}`;
  await event(deps, sync, { type: 'Normal', reason: 'DriftCorrected', message });
  await patchStatus(deps, sync, {
    ...mirrorOf(healed),
    counts: outcome.counts,
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
 * Whether the Sync's request stopped at the apply (the cluster refused an object: an admission webhook,
 * a quota, a missing namespace, an immutable field). Pure. Its other objects may already be applied, so
 * a resync retries the request (as Flux retries a failed apply) instead of self-healing back to the
 * previous revision, which would undo them and drop the request.
 */
export function isFailedApplyOf(sync: SyncObject): boolean {
  const last = sync.status?.history?.at(-1);
  return (
    sync.status?.phase === 'Failed' && last?.reason === 'ApplyFailed' && last.revision === sync.spec.revision
  );
}

/**
 * Reconciles one Sync. A new generation (a signal) is a deploy request, and a resync retries a request
 * whose apply failed (isFailedApplyOf); otherwise a resync corrects drift at the applied revision (a
 * held revision is never re-applied: the applied one is the rolled-back-to revision). Retryable
 * infrastructure errors are thrown for the caller to retry.
 */
export async function reconcileSync(
  deps: AgentDeps,
  sync: SyncObject,
  trigger: ReconcileTrigger,
): Promise<ReconcileOutcome> {
  if (sync.spec.suspend) return { result: 'unchanged', message: 'suspended' };
  const isNew = sync.status?.observedGeneration !== sync.metadata.generation;
  const retry = !isNew && trigger !== 'event' && isFailedApplyOf(sync);
  const outcome =
    isNew || retry
      ? await reconcileRequest(deps, sync, retry)
      : trigger === 'event'
        ? undefined
        : await selfHeal(deps, sync);
  if (!outcome) return { result: 'unchanged', message: 'up to date' };
  deps.metrics.recordSync(sync.spec.target, outcome.result, deps.now());
  return outcome;
}
