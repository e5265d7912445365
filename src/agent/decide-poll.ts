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
  /** The target's held (rolled-back) revision: the poll never signals it or anything not newer. */
  held?: string | undefined;
  /** compare(base...head), asked only when needed. */
  order: (base: string) => Promise<CompareStatus>;
}): Promise<PollDecision> | PollDecision {
  if (opts.head === opts.lastPolledHead) return { signal: false, record: false };
  if (opts.head === opts.desired || opts.head === opts.held) return { signal: false, record: true };
  if (opts.lastPolledHead === undefined && opts.rollback) return { signal: false, record: true };
  const { held } = opts;
  const newer = opts.order(opts.desired).then((order) => order === 'ahead');
  if (!held) return newer.then((signal) => ({ signal, record: true }));
  return newer.then(async (ahead) => ({
    signal: ahead && (await opts.order(held)) === 'ahead',
    record: true,
  }));
}
