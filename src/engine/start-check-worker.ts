import { type ResourceLimits, Worker } from 'node:worker_threads';

/**
 * A worker's heap cap: V8 collects a worker's garbage before its heap grows past this, which is what
 * keeps peak RSS down (on the main thread V8 let a 10,000-resource target's heap grow to ~140 MiB for
 * ~70 MiB live). A target whose live set does not fit runs out of memory in its worker and is checked
 * again on the main thread, uncapped (checkTargets). A plain target is checked file by file, so its
 * documents die young: a 16 MiB young generation lets most die there (8 MiB cost ~10 % more CPU at
 * 50,000 resources, docs/benchmarks.md).
 */
export const CHECK_WORKER_LIMITS: ResourceLimits = {
  maxOldGenerationSizeMb: 96,
  maxYoungGenerationSizeMb: 16,
};

/**
 * The heap cap of the one worker that checks paths given on the command line as one set (`ferry
 * validate DIR`, checkPathsIn): the same old generation, a 32 MiB young one. The whole set's cross-
 * resource state lives in that one heap beside the documents read file by file, and with 16 MiB V8
 * scavenged and promoted more than it had to: 50,000 resources 8.16 → 7.02 CPU-s (5 alternated runs,
 * lower in each), and with 33,000 findings peak RSS 209 → 193 MiB. For targets, several to a worker,
 * the same change moved nothing beyond the spread and cost 10–20 MiB (docs/benchmarks.md).
 */
export const ONE_SET_WORKER_LIMITS: ResourceLimits = { ...CHECK_WORKER_LIMITS, maxYoungGenerationSizeMb: 32 };

/**
 * Starts one check worker (`check-target-worker`), from the built CLI or from the sources. The build
 * (scripts/build-cli.mjs) makes the worker an entry of its own, `dist/cli/check-worker.mjs`, beside
 * `ferry.mjs`, while this module lands in `dist/cli/chunks/`. From the sources (tsx, FERRY_FROM_SOURCE=1)
 * a worker does not inherit the loader that `bin/ferry.js` registered, so it registers tsx first.
 */
export function startCheckWorker(limits: ResourceLimits = CHECK_WORKER_LIMITS): Worker {
  const here = import.meta.url;
  if (!here.endsWith('.ts')) {
    const inChunks = new URL('.', here).pathname.endsWith('/chunks/');
    const entry = new URL(inChunks ? '../check-worker.mjs' : './check-worker.mjs', here);
    return new Worker(entry, { resourceLimits: limits });
  }
  const tsx = import.meta.resolve('tsx/esm/api');
  const worker = new URL('./check-target-worker.ts', here).href;
  // An eval'd worker is a CommonJS script: no top-level await, so a promise chain.
  const code = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(worker)}); })`;
  return new Worker(code, { eval: true, resourceLimits: limits });
}
