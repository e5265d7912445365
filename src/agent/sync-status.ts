import type { SyncCondition, SyncHistoryEntry, SyncPhase, SyncStatus } from '../signal/sync-object.ts';

/** The Sync CRD keeps the last 10 outcomes. */
export const MAX_HISTORY = 10;
/** Status messages are bounded (the CRD caps lastError at 4096). */
const MAX_ERROR = 4000;

export function appendHistory(
  history: readonly SyncHistoryEntry[] | undefined,
  entry: SyncHistoryEntry,
): SyncHistoryEntry[] {
  return [...(history ?? []), entry].slice(-MAX_HISTORY);
}

/** Sets a condition, keeping lastTransitionTime when the status did not change. Pure. */
export function setCondition(
  conditions: readonly SyncCondition[] | undefined,
  next: SyncCondition,
): SyncCondition[] {
  const list = [...(conditions ?? [])];
  const i = list.findIndex((c) => c.type === next.type);
  const previous = i >= 0 ? list[i] : undefined;
  const merged = {
    ...next,
    lastTransitionTime:
      previous?.status === next.status
        ? (previous.lastTransitionTime ?? next.lastTransitionTime)
        : next.lastTransitionTime,
  };
  if (i >= 0) list[i] = merged;
  else list.push(merged);
  return list;
}

export function truncateError(message: string): string {
  return message.length <= MAX_ERROR ? message : `${message.slice(0, MAX_ERROR - 1)}…`;
}

/** Ready and Healthy conditions for a phase. */
export function conditionsFor(opts: {
  status: SyncStatus;
  phase: SyncPhase;
  reason: string;
  message: string;
  time: string;
  generation: number;
}): SyncCondition[] {
  // Ready: the desired revision runs and is healthy. A rollback or a hold means it does not.
  const ready = opts.phase === 'Healthy';
  let conditions = setCondition(opts.status.conditions, {
    type: 'Ready',
    status: opts.phase === 'Applying' ? 'Unknown' : ready ? 'True' : 'False',
    reason: opts.reason,
    message: opts.message,
    lastTransitionTime: opts.time,
    observedGeneration: opts.generation,
  });
  if (opts.phase === 'Healthy' || opts.phase === 'Degraded' || opts.phase === 'RolledBack') {
    conditions = setCondition(conditions, {
      type: 'Healthy',
      status: opts.phase === 'Degraded' ? 'False' : 'True',
      reason: opts.phase,
      message: opts.message,
      lastTransitionTime: opts.time,
      observedGeneration: opts.generation,
    });
  }
  return conditions;
}
