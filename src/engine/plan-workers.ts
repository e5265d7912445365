/** Below this much manifest input a worker's start-up (its own module load and JIT warm-up) costs more than it saves. */
export const WORKER_MIN_INPUT_BYTES = 8 * 1024 * 1024;

/** More workers than this only add memory: each holds a whole target's resources. */
export const MAX_WORKERS = 4;

export type WorkerPlan = { workers: number } | { problem: string };

/**
 * How many worker threads `ferry validate` checks targets in (0: all on the main thread, as before).
 *
 * `FERRY_WORKERS=1` turns workers off; `FERRY_WORKERS=N` asks for N (never more than there are targets).
 * Unset: none for small inputs (below WORKER_MIN_INPUT_BYTES), else one per core but one, at least one
 * and at most MAX_WORKERS. One core is left to the main thread and the kubectl and helm children a render
 * spawns; on two cores that is one worker, whose capped heap keeps peak memory low. A lone large target
 * (or the paths of `ferry validate PATH…`, counted as one) gets its worker for that heap alone: at
 * 50,000 resources ~155 MiB against ~225 MiB on the main thread, for ~25 % more CPU.
 */
export function planWorkers(opts: {
  /** FERRY_WORKERS as set, or undefined. */
  requested: string | undefined;
  cores: number;
  targets: number;
  /** Bytes of the targets' inputs, counted up to WORKER_MIN_INPUT_BYTES (only read when needed). */
  inputBytes: () => number;
}): WorkerPlan {
  const requested = opts.requested?.trim();
  if (requested !== undefined && requested !== '') {
    if (!/^[1-9][0-9]*$/.test(requested)) {
      return {
        problem: `FERRY_WORKERS must be a whole number ≥ 1 (1 turns worker threads off), got '${requested}'`,
      };
    }
    const n = Number(requested);
    return { workers: n === 1 ? 0 : Math.min(n, opts.targets) };
  }
  if (opts.targets < 1 || opts.inputBytes() < WORKER_MIN_INPUT_BYTES) return { workers: 0 };
  return { workers: Math.min(Math.max(opts.cores - 1, 1), MAX_WORKERS, opts.targets) };
}
