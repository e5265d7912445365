import type { FlowContext } from './flow-context.ts';
import { isInHistoryOf } from './is-in-history-of.ts';
import { type FerryDeployment, listFerryDeployments } from './list-ferry-deployments.ts';

/**
 * The environment's newest Ferry deployment of a merge, when its commit descends from `sha`: a newer
 * merge was deployed already, so signalling `sha` now (an old push redelivered from GitHub's
 * "Recent Deliveries", redriven from the dead-letter queue, or a signed delivery replayed) would ask
 * to go backwards. Rollbacks are not merges and are passed over. The newer commit must be on `branch`
 * too: a Deployment record carrying Ferry's payload can be made by anyone who can write to the
 * repository, and one naming a commit pushed on top of the merge to another branch would otherwise
 * hold every later deploy of the merge back.
 */
export async function findSupersedingDeployment(
  flow: FlowContext,
  opts: { environment: string; sha: string; branch: string },
): Promise<FerryDeployment | undefined> {
  // The newest merge of another commit: the push's own Deployment (just made, or made by an earlier
  // delivery) says nothing about what came after it.
  const newest = (await listFerryDeployments(flow, { environment: opts.environment })).find(
    (d) => d.payload.rollback === undefined && d.sha !== opts.sha,
  );
  if (!newest) return undefined;
  // The newer deployment's commit holds `sha` (and more: the two differ), and the branch holds it.
  if (!(await isInHistoryOf(flow, opts.sha, newest.sha))) return undefined;
  if (await isInHistoryOf(flow, newest.sha, opts.branch)) return newest;
  flow.log.warn(
    { deployment: newest.id, sha: newest.sha, branch: opts.branch },
    'a newer deployment of a commit not on the branch: it does not hold this deploy back',
  );
  return undefined;
}
