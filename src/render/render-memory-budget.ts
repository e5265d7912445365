import { MIB } from '../manifest/format-bytes.ts';

/**
 * Ferry's own growth while a render runs, kept out of the budget: the output it holds as it arrives (a
 * target's maxRenderMiB, 32 by default). It parses the output after the child has ended and freed its memory.
 */
const RESERVE_BYTES = 32 * MIB;
/**
 * The least a render is given (alone in a container with less room), and the least FERRY_RENDER_MEMORY_MB
 * takes: helm is ~47 MiB resident as it starts (its 60 MB binary's pages count), and neither helm nor
 * kubectl starts under less than ~64 MiB of RLIMIT_DATA ("out of memory allocating heap arena map"),
 * so less would stop every render, not just a large one.
 */
export const MIN_RENDER_BYTES = 64 * MIB;
/** Past this a container "limit" means none: cgroup v1 says so with a number near 2^64. */
const NO_LIMIT_BYTES = 2 ** 60;

/** One render's share of the budget: the cap it runs under, and `release` when it has ended. */
export interface RenderMemorySlot {
  /** The render's memory cap: the one asked for, or less where the container has less room (then a cap on its resident memory). */
  cap: number;
  /** Set when the container cut the cap: its memory limit, for the message that says what to raise. */
  containerBytes?: number;
  release(): void;
}

/**
 * The memory kubectl and helm children may hold at once in this process's container. Each render is
 * capped (FERRY_RENDER_MEMORY_MB, 1024 MiB by default), but the caps were not measured against the container: the
 * agent's is 256 MiB, and a 5,000-object chart takes helm ~150 MiB beside the agent's own ~125 MiB, so
 * the kernel's OOM killer, not the cap, ended the render (or the agent) with no word of why. Here a
 * render waits until the container has room for its cap beside Ferry (its resident memory, a reserve
 * for the output it receives, and the caps of the renders already running); one alone in a container
 * with less room than its cap runs under what there is, and its failure names the container's limit.
 * Without a known limit (a laptop, CI, cgroup v1 "no limit") every render runs at once under its cap.
 */
export class RenderMemoryBudget {
  private inFlight = 0;
  private running = 0;
  private readonly waiters: (() => void)[] = [];

  constructor(
    private readonly facts: {
      /** The container's memory limit in bytes (process.constrainedMemory); 0 or undefined: none known. */
      constrained: () => number | undefined;
      /** This process's resident memory in bytes (process.memoryUsage.rss). */
      rss: () => number;
    },
  ) {}

  /** Waits for room for one render capped at `cap` bytes. */
  async acquire(cap: number): Promise<RenderMemorySlot> {
    const limit = this.facts.constrained();
    if (!limit || limit >= NO_LIMIT_BYTES) return { cap, release: () => {} };
    for (;;) {
      const free = limit - this.facts.rss() - RESERVE_BYTES - this.inFlight;
      if (free >= cap) return this.grant(cap);
      if (this.running === 0) {
        // Whole MiB, as the messages and GOMEMLIMIT say it.
        const room = Math.floor(free / MIB) * MIB;
        return { ...this.grant(Math.max(room, MIN_RENDER_BYTES)), containerBytes: limit };
      }
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  private grant(bytes: number): RenderMemorySlot {
    this.inFlight += bytes;
    this.running++;
    let released = false;
    return {
      cap: bytes,
      release: () => {
        if (released) return;
        released = true;
        this.inFlight -= bytes;
        this.running--;
        // Each waiter looks again, in the order they came; those that still do not fit wait again.
        for (const wake of this.waiters.splice(0)) wake();
      },
    };
  }
}

/** The process's one budget: every render of the CLI, the Lambda worker and the agent draws on it. */
export const renderMemoryBudget = new RenderMemoryBudget({
  constrained: () => process.constrainedMemory?.(),
  rss: () => process.memoryUsage.rss(),
});
