import type { FlowContext } from './flow-context.ts';
import { isInHistoryOf } from './is-in-history-of.ts';
import { listDeploymentStatuses } from './list-deployment-statuses.ts';
import { type FerryDeployment, listFerryDeployments } from './list-ferry-deployments.ts';

/**
 * The deployment to roll `environment` back to: the newest Ferry deployment of another commit,
 * created before `before` (the merge's own deployment), that succeeded at some point (GitHub may
 * since have marked it inactive), and whose commit the merge descends from. Searches the newest 100
 * deployments of the environment.
 *
 * A Deployment record is not proof that Ferry made it: anyone who can write to the repository (a
 * workflow's token too) can create one carrying `payload.ferry` and a success status, naming any
 * commit, an unreviewed branch's among them. Rolling back to that would deploy what no pull request
 * merged. So a candidate counts only when its commit is in the merge's history: it was on the tracked
 * branch. (A branch force-pushed since leaves its old commits out; the reply then says nothing was found.)
 */
export async function findRollbackDeployment(
  flow: FlowContext,
  opts: { environment: string; merge: string; before: string },
): Promise<FerryDeployment | undefined> {
  const candidates = (await listFerryDeployments(flow, { environment: opts.environment })).filter(
    (d) => d.sha !== opts.merge && Date.parse(d.createdAt) < Date.parse(opts.before),
  );
  for (const candidate of candidates) {
    const statuses = await listDeploymentStatuses(flow, candidate.id);
    if (!statuses.some((s) => s.state === 'success')) continue;
    if (await isInHistoryOf(flow, candidate.sha, opts.merge)) return candidate;
    flow.log.warn(
      { deployment: candidate.id, sha: candidate.sha, merge: opts.merge },
      'a successful deployment of a commit outside the merge history: not a rollback target',
    );
  }
  return undefined;
}
