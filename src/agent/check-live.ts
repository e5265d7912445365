import type { GpuDemand, LiveCheck, LiveResult } from '../live/live-result.ts';
import { type LiveCheckOutcome, makeLiveResult } from '../live/make-live-result.ts';
import type { Resource } from '../types.ts';
import type { AgentDeps } from './agent-deps.ts';
import { beforeDeadline, TIMED_OUT } from './before-deadline.ts';
import { checkCapacity } from './check-capacity.ts';
import { checkDrift } from './check-drift.ts';
import { dryRunObjects } from './dry-run-objects.ts';
import { formatError } from './logger.ts';
import { formatBlockingFindings, type RenderCache, renderRevision } from './render-revision.ts';
import { applySetIdFor, loadTargetState } from './target-state.ts';

/** The three checks (helpers of their own files); tests swap one to stand for a slow cluster. */
export interface LiveChecks {
  dryRunObjects: typeof dryRunObjects;
  checkDrift: typeof checkDrift;
  checkCapacity: typeof checkCapacity;
}

const LIVE_CHECKS_USED: LiveChecks = { dryRunObjects, checkDrift, checkCapacity };

export interface LiveRequest {
  target: string;
  repository: string;
  revision: string;
  pull?: number;
}

const skippedAll = (note: string): Record<LiveCheck, LiveCheckOutcome> => ({
  'dry-run': { state: 'skipped', note, findings: [] },
  drift: { state: 'skipped', note, findings: [] },
  capacity: { state: 'skipped', note, findings: [] },
});

/**
 * The cluster's answer for a PR head, within one deadline: the head rendered as a deploy would render
 * it (renderRevision: same fetch, tree check, sandbox and limits), the target's applied revision for
 * drift and the capacity baseline, then server-side dry-run, drift and GPU capacity in parallel. A
 * check the deadline cuts short is `timed-out`, one that throws `failed`; nothing here writes to the
 * cluster (the checks send only dry-run applies and reads).
 */
export async function checkLive(
  deps: AgentDeps & { previewCache: RenderCache; liveChecks?: LiveChecks },
  opts: { request: LiveRequest; timeoutMs: number; signal?: AbortSignal },
): Promise<LiveResult> {
  const { request } = opts;
  const started = Date.now();
  const deadline = AbortSignal.any([
    AbortSignal.timeout(opts.timeoutMs),
    ...(opts.signal ? [opts.signal] : []),
  ]);
  const seconds = opts.timeoutMs / 1000;
  const finish = (parts: {
    checks: Record<LiveCheck, LiveCheckOutcome>;
    objects?: number;
    gpu?: readonly GpuDemand[];
    resources?: readonly Resource[];
    appliedRevision?: string;
    error?: string;
  }) =>
    makeLiveResult({
      request,
      checkedAt: deps.now(),
      durationMs: Date.now() - started,
      objects: parts.objects ?? 0,
      checks: parts.checks,
      gpu: parts.gpu ?? [],
      resources: parts.resources ?? [],
      ...(parts.appliedRevision ? { appliedRevision: parts.appliedRevision } : {}),
      ...(parts.error !== undefined ? { error: parts.error } : {}),
    });

  // Previews keep their own render cache: PR heads must not push the deployed revisions out of it.
  const head = await beforeDeadline(
    renderRevision(
      { ...deps, cache: deps.previewCache },
      { repository: request.repository, revision: request.revision, targetName: request.target },
    ),
    deadline,
  );
  if (head === TIMED_OUT) {
    const error = `rendering the head took longer than the ${seconds} s deadline (FERRY_PREVIEW_TIMEOUT)`;
    return finish({ checks: skippedAll('not reached: the deadline passed while rendering'), error });
  }
  if (!head.ok) return finish({ checks: skippedAll('the head was not rendered'), error: head.message });
  const { rendered } = head;
  if (rendered.failed) {
    return finish({
      checks: skippedAll('the head does not render'),
      resources: rendered.resources,
      error: formatBlockingFindings(rendered.findings),
    });
  }

  const { state } = await loadTargetState(deps.client, { target: request.target, namespace: deps.namespace });
  const appliedRevision = state.appliedRevision;
  let applied: Resource[] | undefined;
  let appliedNote: string | undefined = appliedRevision ? undefined : 'nothing applied to this target yet';
  if (appliedRevision) {
    const base = await beforeDeadline(
      renderRevision(deps, {
        repository: state.repository ?? request.repository,
        revision: appliedRevision,
        targetName: request.target,
      }),
      deadline,
    ).catch((err: unknown) => ({ ok: false as const, message: formatError(err) }));
    if (base === TIMED_OUT) appliedNote = 'the deadline passed while rendering the applied revision';
    else if (!base.ok) appliedNote = `the applied revision cannot be rendered: ${base.message}`;
    else if (base.rendered.failed) appliedNote = 'the applied revision does not render';
    else applied = base.rendered.resources;
  }

  const timedOut: LiveCheckOutcome = {
    state: 'timed-out',
    note: `the ${seconds} s deadline (FERRY_PREVIEW_TIMEOUT) passed first`,
    findings: [],
  };
  const run = async <T extends { state: LiveCheckOutcome['state'] }>(
    work: () => Promise<T>,
  ): Promise<T | LiveCheckOutcome> => {
    try {
      const out = await beforeDeadline(work(), deadline);
      return out === TIMED_OUT ? timedOut : out;
    } catch (err) {
      return { state: 'failed', note: formatError(err), findings: [] };
    }
  };
  const concurrency = deps.applyConcurrency;
  const checks = deps.liveChecks ?? LIVE_CHECKS_USED;
  const heads = rendered.resources;
  const [dryRun, drift, capacity] = await Promise.all([
    run(() =>
      checks.dryRunObjects({
        client: deps.client,
        resources: heads,
        concurrency,
        signal: deadline,
        // Labels, ApplySet membership and revision annotation exactly as the merge would send them.
        target: {
          name: request.target,
          applySetId: applySetIdFor(request.target, deps.namespace),
          revision: request.revision,
          ...(rendered.target.namespace ? { namespace: rendered.target.namespace } : {}),
        },
      }),
    ),
    applied
      ? run(() =>
          checks.checkDrift({
            client: deps.client,
            applied: applied ?? [],
            head: heads,
            branch: rendered.target.branch,
            concurrency,
            signal: deadline,
          }),
        )
      : Promise.resolve<LiveCheckOutcome>({ state: 'skipped', note: appliedNote ?? '', findings: [] }),
    run(() =>
      checks.checkCapacity({ client: deps.client, base: applied ?? [], head: heads, signal: deadline }),
    ),
  ]);
  return finish({
    checks: { 'dry-run': dryRun, drift, capacity },
    objects: 'checked' in dryRun ? dryRun.checked : 0,
    gpu: 'demands' in capacity ? capacity.demands : [],
    resources: [...heads, ...(applied ?? [])],
    ...(appliedRevision ? { appliedRevision } : {}),
  });
}
