/**
 * Live drift for a preview (issue 13): each object of the target's applied revision, read live and
 * compared with what that revision says (src/live/find-drift.ts), so a reviewer sees where the cluster
 * is not what the branch says before merging over it. Reads only.
 */
import { findDrift, listScaledTargets } from '../live/find-drift.ts';
import type { LiveCheckState, LiveFinding } from '../live/live-result.ts';
import { resourceKey } from '../manifest/resource-id.ts';
import { KubeApiError } from '../signal/kube-object-client.ts';
import type { Resource } from '../types.ts';
import type { ClusterClient } from './cluster-client.ts';
import { mapLimit } from './map-limit.ts';

export async function checkDrift(opts: {
  client: ClusterClient;
  /** The resources of the target's applied revision (what the cluster should hold). */
  applied: readonly Resource[];
  /** The PR head's resources: file and line of each finding. */
  head: readonly Resource[];
  concurrency: number;
  signal?: AbortSignal;
  /** Names what Git says in messages (`main says 2`); default `Git`. */
  branch?: string;
}): Promise<{ findings: LiveFinding[]; state: LiveCheckState; note?: string }> {
  const heads = new Map(opts.head.map((r) => [resourceKey(r.id), r]));
  const scaled = listScaledTargets(opts.applied);
  const found: (LiveFinding | undefined)[] = new Array(opts.applied.length);
  let checked = 0;
  let stopped = false;
  let failure: string | undefined;
  const indexed = opts.applied.map((r, i) => ({ r, i }));
  await mapLimit(indexed, opts.concurrency, async ({ r, i }) => {
    if (opts.signal?.aborted || failure) {
      stopped ||= opts.signal?.aborted === true;
      return;
    }
    try {
      const live = await opts.client.get({
        apiVersion: r.object.apiVersion,
        kind: r.object.kind,
        ...(r.id.namespace ? { namespace: r.id.namespace } : {}),
        name: r.id.name,
      });
      const head = heads.get(resourceKey(r.id));
      found[i] = findDrift({
        applied: r,
        live,
        ...(head ? { head } : {}),
        ...(opts.branch ? { branch: opts.branch } : {}),
        scaled,
      });
      checked++;
    } catch (err) {
      if (!(err instanceof KubeApiError)) throw err;
      failure ??= `the API server did not answer for ${r.id.kind} ${r.id.name} (${err.code === 0 ? err.reason : `HTTP ${err.code}`})`;
    }
  });
  const findings = found.filter((f): f is LiveFinding => f !== undefined);
  if (failure)
    return {
      findings,
      state: 'failed',
      note: `${failure}: ${checked} of ${opts.applied.length} objects compared`,
    };
  if (stopped) {
    return {
      findings,
      state: 'timed-out',
      note: `stopped at the deadline: ${checked} of ${opts.applied.length} objects compared`,
    };
  }
  return { findings, state: 'done' };
}
