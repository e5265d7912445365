import { describe, expect, test } from 'vitest';
import { createDeliveryLog } from '../../src/cli/delivery-log.ts';

describe('createDeliveryLog', () => {
  test('claims an id once; a released id can be claimed again', () => {
    const log = createDeliveryLog();
    expect(log.claim('a')).toBe(true);
    expect(log.claim('a')).toBe(false);
    log.release('a');
    expect(log.claim('a')).toBe(true);
  });

  test('forgets ids after the time to live', () => {
    let now = 0;
    const log = createDeliveryLog({ ttlMs: 1000, now: () => now });
    log.claim('a');
    now = 999;
    expect(log.claim('a')).toBe(false);
    now = 1000;
    expect(log.claim('a')).toBe(true);
  });

  test('keeps at most maxIds, dropping the oldest, however many signed deliveries arrive', () => {
    const log = createDeliveryLog({ maxIds: 3, now: () => 0 });
    for (const id of ['a', 'b', 'c', 'd', 'e']) expect(log.claim(id)).toBe(true);
    expect(log.size).toBe(3);
    expect(log.claim('e')).toBe(false);
    expect(log.claim('c')).toBe(false);
    // 'a' was dropped to make room: claimable again.
    expect(log.claim('a')).toBe(true);
    expect(log.size).toBe(3);
  });
});
