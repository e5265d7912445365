/**
 * One Preview, start to finish (issue 13): admit it (admitPreview, on facts from GitHub and the
 * repository's default branch), check the head against the cluster within the deadline (checkLive),
 * then report: the completed check run `ferry/live: TARGET` on the PR head and the Preview's status.
 * A preview never writes to the cluster except its own status and Events.
 */
import type { LiveResult } from '../live/live-result.ts';
import { fitLiveResult, renderLiveCheckRun } from '../report/render-live-check-run.ts';
import { FIELD_MANAGER } from '../signal/sync-object.ts';
import {
  admitPreview,
  admitPreviewRequest,
  type PreviewDecision,
  type PreviewFacts,
} from './admit-preview.ts';
import type { AgentDeps } from './agent-deps.ts';
import { GitHubRequestError } from './agent-github.ts';
import { checkLive } from './check-live.ts';
import { DEFAULT_PREVIEW_SETTINGS } from './load-agent-env.ts';
import { loadTrackedTarget } from './load-tracked-target.ts';
import { formatError } from './logger.ts';
import { isPreviewObject, needsPreviewRun, type PreviewObject, truncateMessage } from './preview-status.ts';
import { recordEvent, type SyncEvent } from './record-event.ts';
import type { RenderCache } from './render-revision.ts';
import { setLiveCheckRun } from './set-live-check-run.ts';

/** What the preview runner keeps between Previews (the leader's memory; lost on failover, harmlessly). */
export interface PreviewRunState {
  previewCache: RenderCache;
  /** Start times of previews per repository (lower-cased), for FERRY_PREVIEW_RATE. */
  started: Map<string, Date[]>;
  /** Warnings already recorded once (the check-run credentials problem). */
  warned: Set<string>;
}

export type PreviewOutcome =
  | { result: 'done' | 'failed' | 'refused' | 'unchanged' | 'superseded'; message: string }
  | { result: 'rate-limited'; message: string; retryAfterMs: number };

export const CHECK_RUN_FORBIDDEN =
  "the agent's GitHub credentials cannot create check runs: give it the App's credentials (docs/agent.md)";
/** A Preview's status keeps the result small (etcd objects stay well under 1.5 MiB). */
const STATUS_RESULT_BUDGET = 400_000;

const time = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

function refOf(deps: AgentDeps, preview: PreviewObject) {
  return {
    apiVersion: preview.apiVersion,
    kind: preview.kind,
    namespace: preview.metadata.namespace ?? deps.namespace,
    name: preview.metadata.name,
  };
}

async function patchStatus(deps: AgentDeps, preview: PreviewObject, status: Record<string, unknown>) {
  await deps.client.mergePatch(
    refOf(deps, preview),
    { status },
    { subresource: 'status', fieldManager: FIELD_MANAGER },
  );
}

async function event(deps: AgentDeps, preview: PreviewObject, e: SyncEvent): Promise<void> {
  deps.log[e.type === 'Warning' ? 'warn' : 'info'](e.message, {
    preview: preview.metadata.name,
    reason: e.reason,
  });
  await recordEvent({ client: deps.client, object: preview, event: e, now: deps.now(), log: deps.log });
}

/** The facts admitPreview needs from GitHub: the default-branch target, the PR, or the commit. */
async function gatherFacts(
  deps: AgentDeps,
  preview: PreviewObject,
  state: PreviewRunState,
): Promise<PreviewFacts> {
  const { repository, target, pull, revision } = preview.spec;
  const settings = deps.preview ?? DEFAULT_PREVIEW_SETTINGS;
  const tracked = await loadTrackedTarget(deps.github, { repository, target });
  const facts: PreviewFacts = {
    preview,
    trust: deps.trust,
    tracked,
    rate: { started: state.started.get(repository.toLowerCase()) ?? [], perMinute: settings.ratePerMinute },
    now: deps.now(),
  };
  if (!tracked.ok) return facts;
  if (pull !== undefined) {
    facts.pull = (await deps.github.getPull({ repository, number: pull })) ?? 'missing';
  } else {
    facts.revisionExists =
      (await deps.github.compare({ repository, base: revision, head: revision })) !== 'missing';
  }
  return facts;
}

async function refuse(
  deps: AgentDeps,
  preview: PreviewObject,
  decision: Exclude<PreviewDecision, { run: true }>,
): Promise<PreviewOutcome> {
  await event(deps, preview, {
    type: decision.eventType,
    reason: decision.reason,
    message: decision.message,
  });
  await patchStatus(deps, preview, {
    observedGeneration: preview.metadata.generation ?? 0,
    phase: decision.phase,
    revision: preview.spec.revision,
    message: truncateMessage(decision.message),
    conclusion: null,
    result: null,
    checkRunUrl: null,
    finishedAt: time(deps.now()),
  });
  return decision.phase === 'RateLimited'
    ? { result: 'rate-limited', message: decision.message, retryAfterMs: decision.retryAfterMs ?? 60_000 }
    : { result: 'refused', message: decision.message };
}

/** Posts the check run; a 403 (a plain token: only Apps may) is reported once and noted in the status. */
async function report(
  deps: AgentDeps,
  preview: PreviewObject,
  opts: { result: LiveResult; state: PreviewRunState },
): Promise<{ url?: string; problem?: string }> {
  const { spec } = preview;
  if (spec.pull === undefined) return {}; // `ferry preview` without a PR reads the status.
  try {
    const run = await setLiveCheckRun(deps.github, {
      repository: spec.repository,
      target: spec.target,
      headSha: spec.revision,
      output: renderLiveCheckRun(opts.result),
      now: deps.now,
    });
    return run.url ? { url: run.url } : {};
  } catch (err) {
    if (err instanceof GitHubRequestError && err.status === 403) {
      if (!opts.state.warned.has('check-run-forbidden')) {
        opts.state.warned.add('check-run-forbidden');
        await event(deps, preview, {
          type: 'Warning',
          reason: 'CheckRunForbidden',
          message: CHECK_RUN_FORBIDDEN,
        });
      }
      return { problem: CHECK_RUN_FORBIDDEN };
    }
    deps.log.warn('could not post the live check run', {
      preview: preview.metadata.name,
      error: formatError(err),
    });
    return { problem: `the check run could not be posted: ${formatError(err)}` };
  }
}

/** Whether the Preview asks for something newer than `preview` did (a newer push superseded it). */
async function isSuperseded(deps: AgentDeps, preview: PreviewObject): Promise<boolean> {
  const now = await deps.client.get(refOf(deps, preview));
  if (!isPreviewObject(now)) return true;
  return (now.metadata.generation ?? 0) !== (preview.metadata.generation ?? 0);
}

/**
 * Runs one Preview if it asks for something not yet answered. `signal` aborts it when a newer request
 * for the same Preview arrives: the superseded run writes nothing more.
 */
export async function runLivePreview(
  deps: AgentDeps,
  preview: PreviewObject,
  opts: { state: PreviewRunState; signal?: AbortSignal },
): Promise<PreviewOutcome> {
  if (!needsPreviewRun(preview)) return { result: 'unchanged', message: 'already answered' };
  const generation = preview.metadata.generation ?? 0;
  const request = admitPreviewRequest(preview, deps.trust);
  if (!request.run) return refuse(deps, preview, request);
  await patchStatus(deps, preview, {
    observedGeneration: generation,
    phase: 'Pending',
    revision: preview.spec.revision,
    message: 'checking the request against GitHub and the default branch',
    conclusion: null,
    result: null,
    checkRunUrl: null,
    startedAt: null,
    finishedAt: null,
  });
  const decision = admitPreview(await gatherFacts(deps, preview, opts.state));
  if (!decision.run) return refuse(deps, preview, decision);

  const key = preview.spec.repository.toLowerCase();
  const startedAt = deps.now();
  opts.state.started.set(key, [...(opts.state.started.get(key) ?? []), startedAt].slice(-100));
  await patchStatus(deps, preview, {
    phase: 'Running',
    startedAt: time(startedAt),
    message: 'checking against the cluster',
  });
  const settings = deps.preview ?? DEFAULT_PREVIEW_SETTINGS;
  const { target, repository, revision, pull } = preview.spec;
  const result = await checkLive(
    { ...deps, previewCache: opts.state.previewCache },
    {
      request: { target, repository, revision, ...(pull !== undefined ? { pull } : {}) },
      timeoutMs: settings.timeoutMs,
      ...(opts.signal ? { signal: opts.signal } : {}),
    },
  );
  if (opts.signal?.aborted || (await isSuperseded(deps, preview)))
    return { result: 'superseded', message: 'a newer request for this Preview arrived' };

  const posted = await report(deps, preview, { result, state: opts.state });
  const output = renderLiveCheckRun(result);
  const failed = result.error !== undefined;
  const message = [failed ? `not checked: ${result.error}` : output.title, posted.problem]
    .filter(Boolean)
    .join('; ');
  await patchStatus(deps, preview, {
    phase: failed ? 'Failed' : 'Done',
    conclusion: output.conclusion,
    message: truncateMessage(message),
    finishedAt: time(deps.now()),
    checkRunUrl: posted.url ?? null,
    result: fitLiveResult(result, STATUS_RESULT_BUDGET),
  });
  await event(deps, preview, {
    type: failed ? 'Warning' : 'Normal',
    reason: failed ? 'PreviewFailed' : 'PreviewDone',
    message,
  });
  return { result: failed ? 'failed' : 'done', message };
}

/** A preview that broke on the way (GitHub or the API server failing): Failed, with one line why. */
export async function failPreview(deps: AgentDeps, preview: PreviewObject, err: unknown): Promise<void> {
  const message = `the live preview could not run: ${formatError(err)}`;
  await event(deps, preview, { type: 'Warning', reason: 'PreviewFailed', message });
  await patchStatus(deps, preview, {
    observedGeneration: preview.metadata.generation ?? 0,
    phase: 'Failed',
    message: truncateMessage(message),
    finishedAt: time(deps.now()),
  });
}
