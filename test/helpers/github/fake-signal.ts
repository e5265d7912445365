import type { Signal, SignalResult, SyncRequest } from '../../../src/signal/signal.ts';

/** Records sync requests; like the real Sync object, asking for the same revision twice changes nothing. */
export class FakeSignal implements Signal {
  readonly requests: SyncRequest[] = [];
  readonly #requested = new Map<string, string>();
  failWith: Error | undefined;

  async sendSync(request: SyncRequest): Promise<SignalResult> {
    this.requests.push(request);
    if (this.failWith) throw this.failWith;
    const sync = `ferry-${request.target.name}`;
    const changed = this.#requested.get(sync) !== request.revision;
    this.#requested.set(sync, request.revision);
    return { sync, changed };
  }
}
