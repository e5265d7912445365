import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { describeCliError } from '../../src/cli/describe-cli-error.ts';
import { loadConfig } from '../../src/config/load-config.ts';
import { CheckWorkerError, checkPathsIn, checkTargets } from '../../src/engine/check-targets.ts';

const ROOT = join(import.meta.dirname, '..', 'fixtures', 'engine', 'workers');

async function fixture(): Promise<Parameters<typeof checkTargets>[0]> {
  const { config } = await loadConfig(ROOT);
  return { root: ROOT, targets: config.targets, kubernetesVersion: config.kubernetesVersion, workers: 0 };
}

/** A worker that dies as soon as it starts, the way a bug in a worker would. */
function dyingWorker(code: string): () => Worker {
  return () => new Worker(code, { eval: true });
}

describe('checkTargets', () => {
  it('checks every target in order on this thread with no workers', async () => {
    const results = await checkTargets(await fixture());
    expect(results.map((r) => r.target)).toEqual(['api', 'train', 'broken']);
    expect(results.map((r) => r.failed)).toEqual([false, false, true]);
    expect(results[0]?.findings.map((f) => f.rule)).toContain('duplicate-resource');
  });

  it('rejects with one line naming the target when a worker exits, instead of waiting forever', async () => {
    const err = await checkTargets({
      ...(await fixture()),
      workers: 2,
      startWorker: dyingWorker('process.exit(3)'),
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CheckWorkerError);
    expect((err as Error).message).toMatch(
      /^validation worker exited \(code 3\) checking target '(api|train)'$/,
    );
    // At the CLI's edge it is Ferry's own bug: one line, said as an internal error.
    expect(describeCliError(err, 'validate')).toEqual({ message: (err as Error).message, internal: true });
  });

  it('rejects with the thrown message when a worker crashes', async () => {
    const err = await checkTargets({
      ...(await fixture()),
      workers: 1,
      startWorker: dyingWorker('throw new Error("boom")'),
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CheckWorkerError);
    expect((err as Error).message).toBe("validation worker crashed checking target 'api': boom");
  });

  it('checks a target on this thread when its worker runs out of its capped heap', async () => {
    const expected = await checkTargets(await fixture());
    const greedy = (): Worker =>
      new Worker('const kept = []; for (;;) kept.push(new Array(100000).fill(kept.length));', {
        eval: true,
        resourceLimits: { maxOldGenerationSizeMb: 8, maxYoungGenerationSizeMb: 2 },
      });
    const results = await checkTargets({ ...(await fixture()), workers: 2, startWorker: greedy });
    expect(results).toEqual(expected);
  });

  it("keeps the class name of an error a worker answers with, so the CLI words it as the user's problem", async () => {
    // Answers as check-target-worker does when checkTarget throws (kubectl missing).
    const answering = dyingWorker(
      `const { parentPort } = require('node:worker_threads');
       parentPort.on('message', (m) => parentPort.postMessage({ id: m.id, error: { name: 'BinaryNotFoundError', message: 'kubectl not found: not on PATH' } }));`,
    );
    const err = await checkTargets({ ...(await fixture()), workers: 2, startWorker: answering }).catch(
      (e: unknown) => e,
    );
    expect((err as Error).name).toBe('BinaryNotFoundError');
    expect(describeCliError(err, 'validate')).toEqual({
      message: 'kubectl not found: not on PATH',
      internal: false,
    });
  });

  it('answers from real workers exactly what this thread finds (findings moved serialised, read after the workers stop)', async () => {
    const here = await checkTargets(await fixture());
    expect(await checkTargets({ ...(await fixture()), workers: 2 })).toStrictEqual(here);
    const paths = { root: ROOT, paths: ['apps/api', 'apps/train'], kubernetesVersion: '1.34' };
    const pathsHere = await checkPathsIn({ ...paths, workers: 0 });
    expect(pathsHere.findings.length).toBeGreaterThan(0);
    expect(await checkPathsIn({ ...paths, workers: 1 })).toStrictEqual(pathsHere);
  });

  it('checks the paths of ferry validate PATH… in a worker, on this thread after it runs out of heap, and names them when it dies', async () => {
    const paths = { root: ROOT, paths: ['apps/api', 'apps/train'], kubernetesVersion: '1.34' };
    const here = await checkPathsIn({ ...paths, workers: 0 });
    expect(here.checked).toBeGreaterThan(0);
    expect(here.findings.map((f) => f.rule)).toContain('duplicate-resource');
    const greedy = (): Worker =>
      new Worker('const kept = []; for (;;) kept.push(new Array(100000).fill(kept.length));', {
        eval: true,
        resourceLimits: { maxOldGenerationSizeMb: 8, maxYoungGenerationSizeMb: 2 },
      });
    expect(await checkPathsIn({ ...paths, workers: 1, startWorker: greedy })).toEqual(here);
    const err = await checkPathsIn({
      ...paths,
      workers: 1,
      startWorker: dyingWorker('process.exit(3)'),
    }).catch((e: unknown) => e);
    expect((err as Error).message).toBe('validation worker exited (code 3) checking the paths given');
  });
});
