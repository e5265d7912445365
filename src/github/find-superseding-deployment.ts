import type { FlowContext } from './flow-context.ts';
import { isCompareTooLarge } from './list-compare-files.ts';
import { type FerryDeployment, listFerryDeployments } from './list-ferry-deployments.ts';

/**
 * The environment's newest Ferry deployment of a merge, when its commit descends from `sha`: a newer
 * merge was deployed already, so signalling `sha` now (an old push redelivered from GitHub's
 * "Recent Deliveries", redriven from the dead-letter queue, or a signed delivery replayed) would ask
 * to go backwards. Rollbacks are not merges and are passed over.
 */
export async function findSupersedingDeployment(
  flow: FlowContext,
  opts: { environment: string; sha: string },
): Promise<FerryDeployment | undefined> {
  // The newest merge of another commit: the push's own Deployment (just made, or made by an earlier
  // delivery) says nothing about what came after it.
  const newest = (await listFerryDeployments(flow, { environment: opts.environment })).find(
    (d) => d.payload.rollback === undefined && d.sha !== opts.sha,
  );
  if (!newest) return undefined;
  try {
    const { data } = await flow.octokit.rest.repos.compareCommitsWithBasehead({
      ...flow.repo,
      basehead: `${opts.sha}...${newest.sha}`,
      per_page: 1,
    });
    // `ahead`: the newer deployment's commit holds `sha` and more.
    return data.status === 'ahead' ? newest : undefined;
  } catch (err) {
    // A commit GitHub no longer has (a branch force-pushed and collected) descends from nothing; a
    // comparison GitHub cannot compute says nothing either way: the agent still refuses going back.
    if ((err as { status?: unknown }).status === 404 || isCompareTooLarge(err)) return undefined;
    throw err;
  }
}
