import { describe, expect, it } from 'vitest';
import { MIN_RENDER_BYTES, RenderMemoryBudget } from '../../src/render/render-memory-budget.ts';

const MiB = 1024 * 1024;
const CAP = 512 * MiB;

function budget(constrained: number | undefined, rss = 100 * MiB) {
  return new RenderMemoryBudget({ constrained: () => constrained, rss: () => rss });
}

/** Whether a promise has settled after the pending callbacks ran. */
async function settled(p: Promise<unknown>): Promise<boolean> {
  let done = false;
  void p.then(() => {
    done = true;
  });
  await new Promise((resolve) => setImmediate(resolve));
  return done;
}

describe('renderMemoryBudget', () => {
  it('gives every render its whole cap at once where no container limit is known', async () => {
    // process.constrainedMemory: undefined (no cgroup), 0, or cgroup v1's "no limit".
    for (const limit of [undefined, 0, 2 ** 64]) {
      const b = budget(limit);
      const slots = await Promise.all([b.acquire(CAP), b.acquire(CAP), b.acquire(CAP)]);
      expect(slots.map((s) => [s.cap, s.containerBytes])).toEqual([
        [CAP, undefined],
        [CAP, undefined],
        [CAP, undefined],
      ]);
    }
  });

  it("caps a render alone in a small container at the room beside Ferry, and names the container's limit", async () => {
    // The agent's container: 256 MiB, the agent at 100 MiB, 32 MiB kept for the output it receives.
    const slot = await budget(256 * MiB).acquire(CAP);
    expect(slot).toMatchObject({ cap: 124 * MiB, containerBytes: 256 * MiB });
    // Rounded down to whole MiB; never under the smallest cap there is.
    expect((await budget(256 * MiB, 100 * MiB + 12_345).acquire(CAP)).cap).toBe(123 * MiB);
    expect((await budget(128 * MiB).acquire(CAP)).cap).toBe(MIN_RENDER_BYTES);
    expect(MIN_RENDER_BYTES).toBe(64 * MiB);
    // Room enough: the cap asked for, and nothing to say about the container.
    const roomy = await budget(2048 * MiB).acquire(CAP);
    expect([roomy.cap, roomy.containerBytes]).toEqual([CAP, undefined]);
  });

  it('makes a render wait while the ones running leave no room for its cap, then runs it', async () => {
    // 1.25 GiB: room for two renders at 512 MiB beside Ferry (100 MiB and 32 kept), not three.
    const b = budget(1280 * MiB);
    const first = await b.acquire(CAP);
    const second = await b.acquire(CAP);
    const third = b.acquire(CAP);
    expect(await settled(third)).toBe(false);
    first.release();
    expect(await settled(third)).toBe(true);
    const ran = await third;
    expect([ran.cap, ran.containerBytes]).toEqual([CAP, undefined]);
    // A second release of the same slot frees nothing more.
    first.release();
    const fourth = b.acquire(CAP);
    expect(await settled(fourth)).toBe(false);
    second.release();
    expect(await settled(fourth)).toBe(true);
  });

  it('runs renders one at a time in a container with room for less than one cap', async () => {
    const b = budget(256 * MiB);
    const first = await b.acquire(CAP);
    const second = b.acquire(CAP);
    expect(await settled(second)).toBe(false);
    first.release();
    expect(await second).toMatchObject({ cap: 124 * MiB, containerBytes: 256 * MiB });
  });
});
