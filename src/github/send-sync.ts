import type { Target } from '../types.ts';
import { describeError } from './describe-error.ts';
import type { FlowContext } from './flow-context.ts';

export interface SyncOutcome {
  /** The Deployment status that records the outcome. */
  state: 'queued' | 'inactive' | 'error';
  description: string;
  /** The Signal's failure, when it threw. */
  error?: unknown;
}

/**
 * Asks a target's agent to sync a revision through the `Signal` seam, and says what happened in
 * words fit for a Deployment status. A target without a cluster is previewed only.
 */
export async function sendSync(
  flow: FlowContext,
  opts: { target: Target; revision: string; deploymentId: number; reason: string; rollback?: boolean },
): Promise<SyncOutcome> {
  const { target } = opts;
  if (!target.cluster) {
    return {
      state: 'inactive',
      description: `no cluster configured for target ${target.name}; preview only`,
    };
  }
  const signal = flow.deps.signalFor(target);
  if (!signal) {
    return {
      state: 'error',
      description: `no Signal available for the ${target.cluster.provider} cluster of target ${target.name}; not deployed`,
    };
  }
  try {
    const result = await signal.sendSync({
      target,
      repository: flow.repository,
      revision: opts.revision,
      reason: opts.reason,
      ...(opts.rollback ? { rollback: true } : {}),
      deploymentId: opts.deploymentId,
      requestedAt: flow.deps.now().toISOString(),
    });
    return {
      state: 'queued',
      description: result.changed
        ? `sync of ${opts.revision.slice(0, 7)} requested (Sync ${result.sync})`
        : `sync of ${opts.revision.slice(0, 7)} already requested (Sync ${result.sync})`,
    };
  } catch (err) {
    flow.log.error({ err, target: target.name, revision: opts.revision }, 'sync signal failed');
    return { state: 'error', description: `sync signal failed: ${describeError(err)}`, error: err };
  }
}
