import { describeClusterError } from '../signal/describe-cluster-error.ts';
import type { ClusterClient } from './cluster-client.ts';
import type { Logger } from './logger.ts';
import { formatError } from './logger.ts';

/** Why a name is handed on: the first list (`resync`), a later relist or a watch event (`event`). */
export type WatchTrigger = 'resync' | 'event';

export interface WatchedObjects {
  /** Resolves once the objects were listed and the watch started. */
  ready: Promise<void>;
  /** Names currently in the namespace. */
  known: ReadonlySet<string>;
  /** True while a watch stream is open. */
  watching(): boolean;
  /** When the API server last answered (ms since the epoch). */
  lastContact(): number;
  stop(): Promise<void>;
}

/** The longest pause between retries of a watch that keeps failing. */
export const MAX_WATCH_BACKOFF_MS = 60_000;

/**
 * List + watch one kind in a namespace, resuming from the last resourceVersion, relisting after a
 * 410 Gone or three failed watches. Every listed or changed object's name goes to `onChange` (with the
 * object as the watch saw it); the Syncs and the Previews loops share it.
 *
 * A watch that keeps failing (its CRD not installed yet, a broken API server) is retried for as long
 * as the loop runs, the pause doubling up to `maxBackoffMs`: its problem is logged once, in the words
 * the CLI uses (describeClusterError), again only when it changes, and the recovery once.
 */
export function watchObjects(opts: {
  client: ClusterClient;
  apiVersion: string;
  kind: string;
  namespace: string;
  log: Logger;
  retryMs: number;
  onChange: (name: string, trigger: WatchTrigger, object: Record<string, unknown>) => void;
  /** First delay before retrying after a failure (default: retryMs, at most 5 s); it doubles while failures last. */
  backoffMs?: (err: unknown) => number;
  /** The longest delay between retries (default MAX_WATCH_BACKOFF_MS). */
  maxBackoffMs?: number;
}): WatchedObjects {
  const known = new Set<string>();
  let stopped = false;
  let watching = false;
  let lastContact = Date.now();
  let stopWatch: (() => void) | undefined;
  let resourceVersion: string | undefined;
  const stopping = new AbortController();
  /**
   * A pause that `stop()` cuts short. Its abort listener goes when the pause ends: a watch that fails
   * again and again (a missing CRD, a broken server) pauses once a retry, and the listeners left on the
   * one signal grew past Node's warning (MaxListenersExceededWarning) and were never freed.
   */
  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        stopping.signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      stopping.signal.addEventListener('abort', done, { once: true });
    });
  const plural = `${opts.kind}s`;
  const failing = trackFailures({ ...opts, plural });

  const relist = async (trigger: WatchTrigger) => {
    const { items, resourceVersion: rv } = await opts.client.list({
      apiVersion: opts.apiVersion,
      kind: opts.kind,
      namespace: opts.namespace,
    });
    resourceVersion = rv;
    known.clear();
    for (const item of items) {
      const name = (item.metadata as { name?: string } | undefined)?.name;
      if (!name) continue;
      known.add(name);
      opts.onChange(name, trigger, item);
    }
  };

  const watchOnce = () =>
    new Promise<void>((resolve, reject) => {
      opts.client
        .watch({
          apiVersion: opts.apiVersion,
          kind: opts.kind,
          namespace: opts.namespace,
          ...(resourceVersion ? { resourceVersion } : {}),
          onEvent: (type, object) => {
            lastContact = Date.now();
            const meta = (object.metadata ?? {}) as { name?: string; resourceVersion?: string };
            if (type === 'ERROR') {
              // 410 Gone: our resourceVersion is too old; list again.
              if ((object as { code?: number }).code === 410) resourceVersion = undefined;
              return;
            }
            if (meta.resourceVersion) resourceVersion = meta.resourceVersion;
            if (type === 'BOOKMARK' || !meta.name) return;
            if (type === 'DELETED') known.delete(meta.name);
            else {
              known.add(meta.name);
              opts.onChange(meta.name, 'event', object);
            }
          },
          onDone: (err) => {
            watching = false;
            if (err && !stopped) reject(err);
            else resolve();
          },
        })
        .then((handle) => {
          watching = true;
          stopWatch = () => handle.stop();
          failing.recovered();
        }, reject);
    });

  let markReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => {
    markReady = resolve;
  });

  const loop = (async () => {
    let first = true;
    let watchFailures = 0;
    while (!stopped) {
      try {
        if (!resourceVersion) {
          await relist(first ? 'resync' : 'event');
          first = false;
          lastContact = Date.now();
        }
        const watched = watchOnce();
        markReady();
        await watched;
        watchFailures = 0;
      } catch (err) {
        if (stopped) break;
        // A 410 answered as an HTTP status (older servers) also means: list again.
        if ((err as { statusCode?: number }).statusCode === 410 || ++watchFailures >= 3) {
          resourceVersion = undefined;
          watchFailures = 0;
        }
        await pause(failing.failed(err));
      }
    }
  })();

  return {
    ready,
    known,
    watching: () => watching,
    lastContact: () => lastContact,
    async stop() {
      stopped = true;
      stopping.abort();
      stopWatch?.();
      await loop;
    },
  };
}

/**
 * The failures of one watch in a row: each gives the pause before the next try (doubling from the
 * first, up to the cap) and is logged as a warning when its problem is new, at debug level otherwise;
 * `recovered()` logs the end of a run of failures and starts the next run from the first delay.
 */
function trackFailures(opts: {
  plural: string;
  log: Logger;
  retryMs: number;
  backoffMs?: (err: unknown) => number;
  maxBackoffMs?: number;
}) {
  let failures = 0;
  let problem: string | undefined;
  return {
    failed(err: unknown): number {
      failures++;
      const first = opts.backoffMs?.(err) ?? Math.min(opts.retryMs, 5000);
      const cap = Math.max(first, opts.maxBackoffMs ?? MAX_WATCH_BACKOFF_MS);
      const delayMs = Math.min(first * 2 ** Math.min(failures - 1, 30), cap);
      const error = formatError(err);
      const described = describeClusterError(err) ?? error;
      const fields = { error, retryInMs: delayMs, failures };
      if (described === problem)
        opts.log.debug(`watch of ${opts.plural} still failing: ${described}`, fields);
      else opts.log.warn(`watch of ${opts.plural} failed: ${described}; retrying with backoff`, fields);
      problem = described;
      return delayMs;
    },
    recovered(): void {
      if (failures === 0) return;
      opts.log.info(`watch of ${opts.plural} resumed`, { failures });
      failures = 0;
      problem = undefined;
    },
  };
}
