import type { Worker } from 'node:worker_threads';
import type { Finding, Severity, Target } from '../types.ts';
import type { CheckPathsOptions } from './check-paths.ts';
import type { CheckedFindings } from './check-target-findings.ts';
import {
  type CheckRequest,
  type CheckWorkerReply,
  readFindings,
  type SerializedFindings,
} from './check-worker-reply.ts';
import { ONE_SET_WORKER_LIMITS, startCheckWorker } from './start-check-worker.ts';

export interface TargetFindings {
  target: string;
  findings: Finding[];
  checked: number;
  failed: boolean;
}

/** A worker thread died (not a finding, not the repository's problem): the CLI reports it as Ferry's bug. */
export class CheckWorkerError extends Error {
  override name = 'CheckWorkerError';
}

/**
 * `checkTargetFindings` for several targets of one repository, in order. With `workers` ≥ 1 the targets
 * are checked in that many worker threads at once: each worker renders, parses and validates whole
 * targets (a plain one file by file), so every rule (duplicate-resource, selector-match, CRDs in the
 * set, Secret redaction) still sees its target's whole set, and only findings cross back. The result is the same, in the same order, as
 * checking the targets one after another on this thread (`workers: 0`).
 *
 * A worker that runs out of its capped heap (CHECK_WORKER_LIMITS) is replaced and its target checked
 * here instead; any other death of a worker rejects with a CheckWorkerError naming the target.
 */
export async function checkTargets(opts: {
  root: string;
  targets: readonly Target[];
  kubernetesVersion: string;
  ruleConfig?: Record<string, Severity | 'off'>;
  workers: number;
  /** Tests start workers that crash; the default starts check-target-worker. */
  startWorker?: () => Worker;
}): Promise<TargetFindings[]> {
  const requests: CheckRequest[] = opts.targets.map((target) => ({
    target: {
      root: opts.root,
      target,
      kubernetesVersion: opts.kubernetesVersion,
      ...(opts.ruleConfig ? { ruleConfig: opts.ruleConfig } : {}),
    },
  }));
  const checked = await runChecks({ requests, workers: opts.workers, startWorker: opts.startWorker });
  return checked.map((result, i) => ({
    target: opts.targets[i]?.name ?? '',
    findings: result.findings,
    checked: result.checked,
    failed: result.failed,
  }));
}

/**
 * `checkPaths` in a worker thread when `workers` ≥ 1, else on this thread; the same result either way.
 * One worker brings no parallelism, but its capped heap keeps a large tree's peak memory down (planWorkers
 * decides by the input's size; ONE_SET_WORKER_LIMITS).
 */
export async function checkPathsIn(
  opts: CheckPathsOptions & { workers: number; startWorker?: () => Worker },
): Promise<CheckedFindings> {
  const { workers, startWorker: given, ...paths } = opts;
  const startWorker = given ?? (() => startCheckWorker(ONE_SET_WORKER_LIMITS));
  const [checked] = await runChecks({ requests: [{ paths }], workers, startWorker });
  return checked as CheckedFindings;
}

/** What a request is about, in an error message. */
function subjectOf(request: CheckRequest): string {
  return 'target' in request ? `target '${request.target.target.name}'` : 'the paths given';
}

/** Checks each request, in `workers` worker threads at once (0: on this thread); results in order. */
async function runChecks(opts: {
  requests: CheckRequest[];
  workers: number;
  startWorker: (() => Worker) | undefined;
}): Promise<CheckedFindings[]> {
  if (opts.workers < 1 || opts.requests.length === 0) {
    const out: CheckedFindings[] = [];
    for (const request of opts.requests) out.push(await checkHere(request));
    return out;
  }
  return checkInWorkers({
    requests: opts.requests,
    size: Math.min(opts.workers, opts.requests.length),
    startWorker: opts.startWorker ?? startCheckWorker,
  });
}

async function checkHere(request: CheckRequest): Promise<CheckedFindings> {
  // Loaded on first use: with workers the main thread never loads the renderers, parsers and schemas.
  if ('paths' in request) {
    const { checkPaths } = await import('./check-paths.ts');
    return checkPaths(request.paths);
  }
  const { checkTargetFindings } = await import('./check-target-findings.ts');
  return checkTargetFindings(request.target);
}

async function checkInWorkers(opts: {
  requests: CheckRequest[];
  size: number;
  startWorker: () => Worker;
}): Promise<CheckedFindings[]> {
  // A worker's findings stay serialised until every worker has stopped (SerializedFindings).
  const results: (CheckedFindings | SerializedFindings)[] = [];
  const started: Worker[] = [];
  const exited = new WeakSet<Worker>();
  let stopped = false;
  const start = (): Worker => {
    // After a failure no lane starts another worker (one left running would keep the process alive).
    if (stopped) throw new CheckWorkerError('validation stopped');
    const worker = opts.startWorker();
    started.push(worker);
    // Deaths while a target is being checked are askWorker's; this only marks a worker as gone (an
    // 'error' event with no listener would otherwise throw on this thread).
    worker.on('error', () => exited.add(worker));
    worker.on('exit', () => exited.add(worker));
    return worker;
  };
  let next = 0;
  // One lane per worker: take the next target, check it, repeat until none is left.
  const lane = async (): Promise<void> => {
    let worker: Worker | undefined;
    for (let id = next++; id < opts.requests.length && !stopped; id = next++) {
      const request = opts.requests[id] as CheckRequest;
      worker ??= start();
      if (exited.has(worker)) {
        throw new CheckWorkerError(`validation worker stopped before checking ${subjectOf(request)}`);
      }
      const outcome = await askWorker(worker, id, request);
      if (outcome === 'out-of-memory') {
        // Its live set does not fit the cap: this thread checks it (uncapped); the next target gets a
        // fresh worker.
        worker = undefined;
        results[id] = await checkHere(request);
      } else {
        results[id] = outcome;
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: opts.size }, lane));
  } finally {
    stopped = true;
    await Promise.all(started.map((w) => w.terminate()));
  }
  return results.map((r) =>
    'serialized' in r ? { findings: readFindings(r), checked: r.checked, failed: r.failed } : r,
  );
}

/** Sends one target to a worker and waits for its answer, its death or its exit, whichever comes first. */
function askWorker(
  worker: Worker,
  id: number,
  request: CheckRequest,
): Promise<SerializedFindings | 'out-of-memory'> {
  const subject = subjectOf(request);
  return new Promise((resolve, reject) => {
    const onMessage = (reply: CheckWorkerReply): void => {
      if (reply.id !== id) return;
      cleanup();
      if (reply.error) reject(reviveError(reply.error));
      else resolve({ serialized: reply.findings, checked: reply.checked, failed: reply.failed });
    };
    const onError = (err: Error & { code?: string }): void => {
      cleanup();
      if (err.code === 'ERR_WORKER_OUT_OF_MEMORY') resolve('out-of-memory');
      else
        reject(
          new CheckWorkerError(`validation worker crashed checking ${subject}: ${err.message}`, {
            cause: err,
          }),
        );
    };
    const onExit = (code: number): void => {
      cleanup();
      reject(new CheckWorkerError(`validation worker exited (code ${code}) checking ${subject}`));
    };
    const cleanup = (): void => {
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
    };
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
    worker.postMessage({ id, request });
  });
}

/** An error a worker threw, with its class name kept so the CLI's edge words it the same (BinaryNotFoundError…). */
function reviveError(error: { name: string; message: string; stack?: string }): Error {
  const revived = new Error(error.message);
  revived.name = error.name;
  if (error.stack) revived.stack = error.stack;
  return revived;
}
