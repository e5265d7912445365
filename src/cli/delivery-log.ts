/**
 * The delivery ids `ferry serve` has taken on recently, so a delivery that arrives twice is
 * handled once (GitHub may deliver an event more than once, and a redelivery from the App's
 * "Recent Deliveries" page carries the same `X-GitHub-Delivery`). Bounded both ways: ids are
 * forgotten after `ttlMs`, and beyond `maxIds` the oldest go first, so a flood of signed
 * deliveries costs at most `maxIds` short strings.
 *
 * The Lambda path needs none of this: SQS FIFO drops a repeated deduplication id (the delivery id)
 * within five minutes, and every flow is idempotent beyond that.
 */
export interface DeliveryLog {
  /** Records `id`; false when it is already recorded (a duplicate). */
  claim(id: string): boolean;
  /** Forgets `id`, so a later redelivery is handled (after a failed attempt). */
  release(id: string): void;
  readonly size: number;
}

export const DELIVERY_LOG_TTL_MS = 60 * 60 * 1000;
export const DELIVERY_LOG_MAX_IDS = 10_000;

export function createDeliveryLog(
  options: { ttlMs?: number; maxIds?: number; now?: () => number } = {},
): DeliveryLog {
  const ttlMs = options.ttlMs ?? DELIVERY_LOG_TTL_MS;
  const maxIds = options.maxIds ?? DELIVERY_LOG_MAX_IDS;
  const now = options.now ?? Date.now;
  // Insertion order is claim order: the oldest entries are first.
  const claimed = new Map<string, number>();

  const expire = (at: number) => {
    for (const [id, claimedAt] of claimed) {
      if (at - claimedAt < ttlMs && claimed.size <= maxIds) break;
      claimed.delete(id);
    }
  };

  return {
    claim(id) {
      const at = now();
      expire(at);
      if (claimed.has(id)) return false;
      claimed.set(id, at);
      expire(at);
      return true;
    },
    release(id) {
      claimed.delete(id);
    },
    get size() {
      return claimed.size;
    },
  };
}
