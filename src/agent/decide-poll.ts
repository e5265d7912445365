import type { CompareStatus } from './agent-github.ts';

export interface PollDecision {
  /** Signal the head (a merge whose signal never arrived). */
  signal: boolean;
  /** Remember this head so the next poll acts only on a newer one. */
  record: boolean;
}

/**
 * The branch-head fallback for a missed signal. Pure. It never undoes an explicit rollback it finds on
 * start-up, acts only on a head it has not seen, and only when that head is newer than the desired revision.
 */
export function decidePoll(opts: {
  head: string;
  desired: string;
  rollback: boolean;
  lastPolledHead: string | undefined;
  /** compare(desired...head), asked only when needed. */
  order: () => Promise<CompareStatus>;
}): Promise<PollDecision> | PollDecision {
  if (opts.head === opts.lastPolledHead) return { signal: false, record: false };
  if (opts.head === opts.desired) return { signal: false, record: true };
  if (opts.lastPolledHead === undefined && opts.rollback) return { signal: false, record: true };
  return opts.order().then((order) => ({ signal: order === 'ahead', record: true }));
}
