import { describe, expect, it } from 'vitest';
import { PreviewQueue } from '../../src/agent/preview-queue.ts';

/** A work function whose runs the test finishes by hand. */
function controlledWork() {
  const runs: { name: string; signal: AbortSignal; finish: (r?: { retryAfterMs?: number }) => void }[] = [];
  const work = (name: string, signal: AbortSignal) =>
    new Promise<{ retryAfterMs?: number }>((resolve) => {
      runs.push({ name, signal, finish: (r = {}) => resolve(r) });
    });
  return { runs, work };
}

const tick = () => new Promise((r) => setTimeout(r, 0));

describe('PreviewQueue', () => {
  it('runs one preview at a time, in the order they came', async () => {
    const { runs, work } = controlledWork();
    const queue = new PreviewQueue(work, () => undefined);
    queue.enqueue('prod-pr-1', 1);
    queue.enqueue('prod-pr-2', 1);
    await tick();
    expect(runs.map((r) => r.name)).toEqual(['prod-pr-1']);
    runs[0]?.finish();
    await tick();
    expect(runs.map((r) => r.name)).toEqual(['prod-pr-1', 'prod-pr-2']);
    runs[1]?.finish();
    await queue.idle();
  });

  it('aborts the running preview when a newer generation of it arrives, and runs the newer one next', async () => {
    const { runs, work } = controlledWork();
    const queue = new PreviewQueue(work, () => undefined);
    queue.enqueue('prod-pr-1', 1);
    await tick();
    queue.started('prod-pr-1', 1);
    queue.enqueue('prod-pr-1', 1); // its own status write: not newer
    expect(runs[0]?.signal.aborted).toBe(false);
    queue.enqueue('prod-pr-1', 2); // a new push
    expect(runs[0]?.signal.aborted).toBe(true);
    runs[0]?.finish();
    await tick();
    expect(runs).toHaveLength(2);
    expect(runs[1]?.signal.aborted).toBe(false);
    runs[1]?.finish();
    await queue.idle();
  });

  it('comes back to a rate-limited preview after its wait', async () => {
    const { runs, work } = controlledWork();
    const queue = new PreviewQueue(work, () => undefined);
    queue.enqueue('prod-pr-1', 1);
    await tick();
    runs[0]?.finish({ retryAfterMs: 20 });
    await new Promise((r) => setTimeout(r, 60));
    expect(runs.map((r) => r.name)).toEqual(['prod-pr-1', 'prod-pr-1']);
    runs[1]?.finish();
    await queue.stop();
  });
});
