import { randomUUID } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeHeapSnapshot } from 'node:v8';

/**
 * Whether the heap holds `marker` (after a collection): for tests that a text is not kept alive. The
 * marker is held as bytes, never as a string, so the test's own memory does not hold it.
 */
export function heapHolds(marker: Buffer): boolean {
  const file = join(tmpdir(), `ferry-heap-${process.pid}-${randomUUID()}.heapsnapshot`);
  writeHeapSnapshot(file); // collects garbage first
  try {
    return readFileSync(file).includes(marker);
  } finally {
    rmSync(file, { force: true });
  }
}

/** A marker unique to one test, as bytes. */
export const newMarker = (): Buffer => Buffer.from(`ferry-marker-${randomUUID()}`);
