import type {
  PreviewRequest,
  PreviewSignalResult,
  Signal,
  SignalResult,
  SyncRequest,
} from '../../../src/signal/signal.ts';

/**
 * Records sync and preview requests; like the real Sync and Preview objects, asking for the same
 * revision twice changes nothing.
 */
export class FakeSignal implements Signal {
  readonly requests: SyncRequest[] = [];
  readonly previewRequests: PreviewRequest[] = [];
  readonly #requested = new Map<string, string>();
  failWith: Error | undefined;
  previewFailWith: Error | undefined;

  async sendSync(request: SyncRequest): Promise<SignalResult> {
    this.requests.push(request);
    if (this.failWith) throw this.failWith;
    const sync = `ferry-${request.target.name}`;
    const changed = this.#requested.get(sync) !== request.revision;
    this.#requested.set(sync, request.revision);
    return { sync, changed };
  }

  async requestPreview(request: PreviewRequest): Promise<PreviewSignalResult> {
    this.previewRequests.push(request);
    if (this.previewFailWith) throw this.previewFailWith;
    const preview =
      request.pull === undefined
        ? `${request.target.name}-rev-${request.revision.slice(0, 12)}`
        : `${request.target.name}-pr-${request.pull}`;
    const changed = this.#requested.get(`preview/${preview}`) !== request.revision;
    this.#requested.set(`preview/${preview}`, request.revision);
    return { preview, changed };
  }
}
