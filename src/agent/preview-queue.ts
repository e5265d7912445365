/**
 * Previews run one at a time, on their own queue (never the Syncs'), so a preview can neither block
 * nor delay a deploy. A newer request for the Preview that is running (a higher generation: a new
 * push) aborts it; the newer one runs next. A rate-limited one comes back after its wait.
 */
export class PreviewQueue {
  private readonly order: string[] = [];
  private running:
    | { name: string; generation: number; controller: AbortController; done: Promise<void> }
    | undefined;
  private readonly timers = new Set<NodeJS.Timeout>();
  private stopped = false;
  private drained: Promise<void> = Promise.resolve();

  constructor(
    private readonly work: (name: string, signal: AbortSignal) => Promise<{ retryAfterMs?: number }>,
    private readonly onError: (name: string, err: unknown) => void,
  ) {}

  /** Queues `name`; `generation` is the spec generation the trigger saw (aborts an older running one). */
  enqueue(name: string, generation?: number): void {
    if (this.stopped) return;
    if (this.running?.name === name && generation !== undefined && generation > this.running.generation)
      this.running.controller.abort();
    if (!this.order.includes(name)) this.order.push(name);
    this.pump();
  }

  private pump(): void {
    if (this.running || this.stopped) return;
    const name = this.order.shift();
    if (name === undefined) return;
    const controller = new AbortController();
    const entry = { name, generation: Number.POSITIVE_INFINITY, controller, done: Promise.resolve() };
    entry.done = this.work(name, controller.signal)
      .then(({ retryAfterMs }) => {
        if (retryAfterMs === undefined || this.stopped) return;
        const timer = setTimeout(() => {
          this.timers.delete(timer);
          this.enqueue(name);
        }, retryAfterMs);
        this.timers.add(timer);
      })
      .catch((err: unknown) => this.onError(name, err))
      .finally(() => {
        this.running = undefined;
        this.pump();
      });
    this.running = entry;
    this.drained = entry.done;
  }

  /** Records the generation the running work read, so only a newer one aborts it. */
  started(name: string, generation: number): void {
    if (this.running?.name === name) this.running.generation = generation;
  }

  async idle(): Promise<void> {
    while (this.running) await this.drained;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    this.order.length = 0;
    this.running?.controller.abort();
    await this.idle();
  }
}
