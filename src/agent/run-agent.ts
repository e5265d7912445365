import { targetWithDefaults } from '../config/default-config.ts';
import { isNotFound, KubeApiError } from '../signal/kube-object-client.ts';
import { PREVIEW_API_VERSION, PREVIEW_KIND } from '../signal/preview-object.ts';
import {
  FIELD_MANAGER,
  isSyncObject,
  SYNC_API_VERSION,
  SYNC_KIND,
  type SyncObject,
} from '../signal/sync-object.ts';
import { upsertSync } from '../signal/upsert-sync.ts';
import { admitSync } from './admit-sync.ts';
import type { AgentDeps } from './agent-deps.ts';
import { GitHubRequestError } from './agent-github.ts';
import { decidePoll } from './decide-poll.ts';
import { formatError } from './logger.ts';
import { sleep } from './map-limit.ts';
import { PreviewQueue } from './preview-queue.ts';
import { isExpiredPreview, isNewPreviewSpec, isPreviewObject, needsPreviewRun } from './preview-status.ts';
import { type ReconcileOutcome, type ReconcileTrigger, reconcileSync } from './reconcile-sync.ts';
import { RenderCache } from './render-revision.ts';
import { failPreview, type PreviewRunState, runLivePreview } from './run-live-preview.ts';
import { loadTargetState } from './target-state.ts';
import { watchObjects } from './watch-objects.ts';

export interface AgentLoopOptions {
  deps: AgentDeps;
  /** Self-heal interval (default 5 min; 0 turns it off). */
  resyncMs: number;
  /** Branch-head poll interval, the fallback for a missed signal (default 1 min; 0 turns it off). */
  pollMs: number;
  /** First retry delay after a failed reconcile; doubles up to `maxRetryMs`. */
  retryMs?: number;
  maxRetryMs?: number;
  /** Interval between collections of old Previews (default 10 min). */
  previewGcMs?: number;
}

export interface RunningAgent {
  /** Resolves once the Syncs were listed and the watch started. */
  ready: Promise<void>;
  /** Resolves when no reconcile is running or queued. */
  idle(): Promise<void>;
  /** Resolves once the Previews were listed and their watch started (never without the Preview CRD). */
  previewsReady: Promise<void>;
  /** Resolves when no preview is running or queued. */
  previewsIdle(): Promise<void>;
  /** Deletes the Previews finished more than 24 h ago now (also on an interval). */
  collectPreviews(): Promise<unknown>;
  /** Enqueue a resync of every Sync now. */
  resyncNow(): void;
  /** Poll branch heads now. */
  pollNow(): Promise<void>;
  /** False when the loop cannot reach the API server. */
  healthy(): boolean;
  stop(): Promise<void>;
}

function syncRef(deps: AgentDeps, name: string) {
  return { apiVersion: SYNC_API_VERSION, kind: SYNC_KIND, namespace: deps.namespace, name };
}

async function getSync(deps: AgentDeps, name: string): Promise<SyncObject | undefined> {
  const object = await deps.client.get(syncRef(deps, name));
  return isSyncObject(object) ? object : undefined;
}

/** Serialises reconciles per Sync, coalesces triggers, and retries failures with backoff. */
class SyncQueue {
  private readonly running = new Map<string, Promise<void>>();
  private readonly pending = new Map<string, ReconcileTrigger>();
  private readonly failures = new Map<string, number>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private stopped = false;

  constructor(
    private readonly work: (name: string, trigger: ReconcileTrigger) => Promise<void>,
    private readonly retryMs: number,
    private readonly maxRetryMs: number,
    private readonly onError: (name: string, err: unknown, delayMs: number) => void,
  ) {}

  enqueue(name: string, trigger: ReconcileTrigger): void {
    if (this.stopped) return;
    if (this.running.has(name)) {
      // A resync subsumes an event; keep the stronger trigger.
      if (this.pending.get(name) !== 'resync') this.pending.set(name, trigger);
      return;
    }
    const run = this.work(name, trigger)
      .then(() => {
        this.failures.delete(name);
      })
      .catch((err: unknown) => {
        const attempt = (this.failures.get(name) ?? 0) + 1;
        this.failures.set(name, attempt);
        const delay = Math.min(this.retryMs * 2 ** (attempt - 1), this.maxRetryMs);
        this.onError(name, err, delay);
        const timer = setTimeout(() => {
          this.timers.delete(timer);
          this.enqueue(name, trigger);
        }, delay);
        this.timers.add(timer);
      })
      .finally(() => {
        this.running.delete(name);
        const next = this.pending.get(name);
        this.pending.delete(name);
        if (next) this.enqueue(name, next);
      });
    this.running.set(name, run);
  }

  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running.values()]);
  }

  get retrying(): number {
    return this.timers.size;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    this.pending.clear();
    await Promise.allSettled([...this.running.values()]);
  }
}

export function isRetryable(err: unknown): boolean {
  if (err instanceof KubeApiError || err instanceof GitHubRequestError) return err.retryable;
  return true;
}

/**
 * Polls each Sync's branch head and signals a newer head through the same path as any signal. Only the
 * target's own trusted Sync is polled, on the branch its last apply took from the default branch's
 * config, and never towards a held revision.
 */
export async function pollHeads(deps: AgentDeps, names: Iterable<string>): Promise<void> {
  for (const name of names) {
    const sync = await getSync(deps, name);
    if (!sync || sync.spec.suspend || !admitSync(sync, deps.trust).ok) continue;
    const status = sync.status ?? {};
    try {
      const { state } = await loadTargetState(deps.client, {
        target: sync.spec.target,
        namespace: deps.namespace,
        sync,
      });
      const branch = state.branch;
      if (!branch) continue;
      const repository = state.repository ?? sync.spec.repository;
      const head = await deps.github.getBranchHead({ repository, branch });
      const decision = await decidePoll({
        head,
        desired: sync.spec.revision,
        rollback: sync.spec.rollback === true,
        lastPolledHead: status.lastPolledHead,
        held: state.heldRevision,
        order: (base) => deps.github.compare({ repository, base, head }),
      });
      if (decision.signal) {
        deps.log.info('branch head is ahead of the Sync: signalling it', { sync: name, head });
        await upsertSync(
          deps.client,
          {
            target: targetWithDefaults({ name: sync.spec.target, path: sync.spec.path ?? '', branch }),
            repository,
            revision: head,
            reason: `branch head poll: ${branch} is at ${head.slice(0, 7)} and no signal arrived`,
            requestedAt: deps.now().toISOString(),
          },
          { namespace: deps.namespace },
        );
      }
      if (decision.record) {
        await deps.client.mergePatch(
          syncRef(deps, name),
          { status: { lastPolledHead: head } },
          { subresource: 'status', fieldManager: FIELD_MANAGER },
        );
      }
    } catch (err) {
      deps.log.warn('branch head poll failed', { sync: name, error: formatError(err) });
    }
  }
}

/** Finished Previews are deleted this long after they finished. */
export const PREVIEW_MAX_AGE_MS = 24 * 3_600_000;

/** Deletes the Previews answered more than `maxAgeMs` ago (their result is on the PR's check run). */
export async function collectPreviews(deps: AgentDeps, maxAgeMs = PREVIEW_MAX_AGE_MS): Promise<number> {
  const { items } = await deps.client.list({
    apiVersion: PREVIEW_API_VERSION,
    kind: PREVIEW_KIND,
    namespace: deps.namespace,
  });
  let deleted = 0;
  for (const item of items) {
    if (!isPreviewObject(item) || !isExpiredPreview(item, { now: deps.now(), maxAgeMs })) continue;
    if (await deps.client.delete(previewRef(deps, item.metadata.name))) deleted++;
  }
  return deleted;
}

function previewRef(deps: AgentDeps, name: string) {
  return { apiVersion: PREVIEW_API_VERSION, kind: PREVIEW_KIND, namespace: deps.namespace, name };
}

/** Watches Previews and runs them on their own queue, one at a time, apart from the Syncs. */
function startPreviews(opts: AgentLoopOptions) {
  const { deps } = opts;
  const state: PreviewRunState = { previewCache: new RenderCache(), started: new Map(), warned: new Set() };
  const queue: PreviewQueue = new PreviewQueue(
    async (name, signal) => {
      const preview = await deps.client.get(previewRef(deps, name));
      if (!isPreviewObject(preview)) return {};
      queue.started(name, preview.metadata.generation ?? 0);
      try {
        const outcome = await runLivePreview(deps, preview, { state, signal });
        if (outcome.result !== 'unchanged')
          deps.log.info('live preview', { preview: name, result: outcome.result, message: outcome.message });
        return outcome.result === 'rate-limited' ? { retryAfterMs: outcome.retryAfterMs } : {};
      } catch (err) {
        await failPreview(deps, preview, err).catch((e: unknown) =>
          deps.log.warn('could not record the failed preview', { preview: name, error: formatError(e) }),
        );
        throw err;
      }
    },
    (name, err) => deps.log.warn('live preview failed', { preview: name, error: formatError(err) }),
  );
  const watched = watchObjects({
    client: deps.client,
    apiVersion: PREVIEW_API_VERSION,
    kind: PREVIEW_KIND,
    namespace: deps.namespace,
    log: deps.log,
    retryMs: opts.retryMs ?? 1000,
    // Without the Preview CRD (an older install) live previews are simply off: look again now and then.
    backoffMs: (err) => (isNotFound(err) || /not found|no resource/i.test(formatError(err)) ? 60_000 : 5000),
    onChange: (name, trigger, object) => {
      if (!isPreviewObject(object)) return;
      // A watch event acts on a new spec only (the agent's own status writes are events too); a
      // (re)list also picks up what an agent left unfinished.
      if (trigger === 'event' ? !isNewPreviewSpec(object) : !needsPreviewRun(object)) return;
      queue.enqueue(name, object.metadata.generation ?? 0);
    },
  });
  const collect = () =>
    collectPreviews(deps).catch((err: unknown) =>
      deps.log.warn('could not collect old Previews', { error: formatError(err) }),
    );
  const gcTimer = setInterval(collect, opts.previewGcMs ?? 10 * 60_000);
  return {
    ready: watched.ready,
    idle: () => queue.idle(),
    collect,
    async stop() {
      clearInterval(gcTimer);
      await watched.stop();
      await queue.stop();
    },
  };
}

/** The long-running agent: list + watch Syncs, reconcile on change, resync and poll on intervals; Previews apart. */
export function startAgent(opts: AgentLoopOptions): RunningAgent {
  const { deps } = opts;

  const queue = new SyncQueue(
    async (name, trigger) => {
      const sync = await getSync(deps, name);
      if (!sync) return;
      const outcome: ReconcileOutcome = await reconcileSync(deps, sync, trigger);
      if (outcome.result !== 'unchanged')
        deps.log.info('reconciled', { sync: name, result: outcome.result, message: outcome.message });
    },
    opts.retryMs ?? 1000,
    opts.maxRetryMs ?? 5 * 60_000,
    (name, err, delayMs) => {
      deps.metrics.recordSync(name, 'error', deps.now());
      deps.log[isRetryable(err) ? 'warn' : 'error']('reconcile failed; retrying', {
        sync: name,
        error: formatError(err),
        retryInMs: delayMs,
      });
    },
  );

  const syncs = watchObjects({
    client: deps.client,
    apiVersion: SYNC_API_VERSION,
    kind: SYNC_KIND,
    namespace: deps.namespace,
    log: deps.log,
    retryMs: opts.retryMs ?? 1000,
    onChange: (name, trigger) => queue.enqueue(name, trigger),
  });
  const previews = startPreviews(opts);
  const known = syncs.known;
  let stopped = false;

  const resyncTimer =
    opts.resyncMs > 0
      ? setInterval(() => {
          for (const name of known) queue.enqueue(name, 'resync');
        }, opts.resyncMs)
      : undefined;
  const pollNow = () => pollHeads(deps, [...known]);
  const pollTimer =
    opts.pollMs > 0
      ? setInterval(() => {
          pollNow().catch((err: unknown) => deps.log.warn('poll failed', { error: formatError(err) }));
        }, opts.pollMs)
      : undefined;

  return {
    ready: syncs.ready,
    previewsReady: previews.ready,
    idle: () => queue.idle(),
    previewsIdle: () => previews.idle(),
    collectPreviews: () => previews.collect(),
    resyncNow: () => {
      for (const name of known) queue.enqueue(name, 'resync');
    },
    pollNow,
    healthy: () => !stopped && (syncs.watching() || Date.now() - syncs.lastContact() < 5 * 60_000),
    async stop() {
      stopped = true;
      if (resyncTimer) clearInterval(resyncTimer);
      if (pollTimer) clearInterval(pollTimer);
      await Promise.all([syncs.stop(), previews.stop()]);
      await queue.stop();
    },
  };
}

/** `ferry agent --once`: reconcile every Sync once (retrying infrastructure errors a few times) and return. */
export async function runOnce(
  deps: AgentDeps,
  opts: { attempts?: number; retryMs?: number } = {},
): Promise<Map<string, ReconcileOutcome>> {
  const outcomes = new Map<string, ReconcileOutcome>();
  const { items } = await deps.client.list({
    apiVersion: SYNC_API_VERSION,
    kind: SYNC_KIND,
    namespace: deps.namespace,
  });
  for (const item of items) {
    const name = (item.metadata as { name?: string } | undefined)?.name;
    if (!name) continue;
    const attempts = opts.attempts ?? 3;
    for (let attempt = 1; ; attempt++) {
      try {
        const sync = await getSync(deps, name);
        if (sync) outcomes.set(name, await reconcileSync(deps, sync, 'once'));
        break;
      } catch (err) {
        if (attempt >= attempts || !isRetryable(err)) {
          outcomes.set(name, { result: 'error', message: formatError(err) });
          deps.metrics.recordSync(name, 'error', deps.now());
          break;
        }
        deps.log.warn('reconcile failed; retrying', { sync: name, error: formatError(err), attempt });
        await sleep((opts.retryMs ?? 1000) * attempt);
      }
    }
  }
  return outcomes;
}
