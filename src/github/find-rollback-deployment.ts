import type { FlowContext } from './flow-context.ts';
import { listDeploymentStatuses } from './list-deployment-statuses.ts';
import { type FerryDeployment, listFerryDeployments } from './list-ferry-deployments.ts';

/**
 * The deployment to roll `environment` back to: the newest Ferry deployment of another commit,
 * created before `before` (the merge's own deployment), that succeeded at some point (GitHub may
 * since have marked it inactive). Searches the newest 100 deployments of the environment.
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
    if (statuses.some((s) => s.state === 'success')) return candidate;
  }
  return undefined;
}
