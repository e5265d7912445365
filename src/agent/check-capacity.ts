import { findGpuGrowth } from '../live/find-gpu-growth.ts';
import type { GpuDemand, LiveCheckState, LiveFinding } from '../live/live-result.ts';
import { planGpuCapacity } from '../live/plan-gpu-capacity.ts';
import { KubeApiError } from '../signal/kube-object-client.ts';
import type { KubeObject, Resource } from '../types.ts';
import { beforeDeadline, TIMED_OUT } from './before-deadline.ts';
import type { ClusterClient } from './cluster-client.ts';

/** The RBAC the pre-flight needs, for the note when the cluster refuses it (infra/agent/rbac.yaml). */
const CAPACITY_RBAC =
  'give the agent get/list on nodes and list on pods cluster-wide (ClusterRole ferry-agent-capacity in infra/agent/rbac.yaml)';

/**
 * The GPU capacity pre-flight of a live preview: when some workload's accelerator demand grows from
 * `base` (the applied revision) to `head` (the PR head), lists the nodes and the pods that still hold
 * devices (all namespaces; the API server filters out Succeeded and Failed pods) and weighs the
 * demand against them (`planGpuCapacity`). Lists nothing when no demand grows. `signal` ends the wait.
 */
export async function checkCapacity(opts: {
  client: ClusterClient;
  base: readonly Resource[];
  head: readonly Resource[];
  signal?: AbortSignal;
}): Promise<{ demands: GpuDemand[]; findings: LiveFinding[]; state: LiveCheckState; note?: string }> {
  const none = { demands: [], findings: [] };
  if (findGpuGrowth(opts).length === 0) {
    return { ...none, state: 'skipped', note: 'no workload needs more GPUs or other accelerators' };
  }
  if (opts.signal?.aborted)
    return { ...none, state: 'timed-out', note: 'the deadline passed before nodes were listed' };
  let nodes: KubeObject[];
  let pods: KubeObject[];
  try {
    const listed = await beforeDeadline(
      Promise.all([
        opts.client.list({ apiVersion: 'v1', kind: 'Node' }).then((l) => l.items),
        opts.client
          .list({
            apiVersion: 'v1',
            kind: 'Pod',
            fieldSelector: 'status.phase!=Succeeded,status.phase!=Failed',
          })
          .then((l) => l.items),
      ]),
      opts.signal,
    );
    if (listed === TIMED_OUT) {
      return { ...none, state: 'timed-out', note: 'the deadline passed while listing nodes and pods' };
    }
    [nodes, pods] = listed;
  } catch (err) {
    if (err instanceof KubeApiError && err.code === 403) {
      return {
        ...none,
        state: 'failed',
        note: `the cluster refused to list nodes or pods: ${CAPACITY_RBAC}`,
      };
    }
    const message = err instanceof Error ? err.message : String(err);
    return { ...none, state: 'failed', note: `listing nodes and pods failed: ${message.split('\n')[0]}` };
  }
  return { ...planGpuCapacity({ base: opts.base, head: opts.head, nodes, pods }), state: 'done' };
}
