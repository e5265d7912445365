import type { DeploymentNote } from '../report/report.ts';
import type { FlowContext } from './flow-context.ts';
import { formatDeploymentNote } from './format-deployment-note.ts';
import { type DeploymentStatusInfo, listDeploymentStatuses } from './list-deployment-statuses.ts';
import { type FerryDeployment, listFerryDeployments } from './list-ferry-deployments.ts';

/**
 * The deployment section of a merged PR's comment, read back from GitHub (the only state store):
 * each target's deployment of the merge commit and its latest status. `fresh` is what the
 * triggering event already says (GitHub's lists can lag the event by a moment); a rollback
 * deployment in `fresh` stands in for the target it rolled back.
 */
export async function listDeploymentNotes(
  flow: FlowContext,
  opts: { merge: string; fresh?: { deployment: FerryDeployment; status: DeploymentStatusInfo } },
): Promise<DeploymentNote[]> {
  const deployments = (await listFerryDeployments(flow, { sha: opts.merge })).filter(
    (d) => d.payload.merge === opts.merge && d.payload.rollback === undefined,
  );
  const byTarget = new Map<
    string,
    { deployment: FerryDeployment; status: DeploymentStatusInfo | undefined }
  >();
  // Oldest first, so a target deployed twice for the same merge keeps its newest deployment.
  for (const deployment of [...deployments].reverse()) {
    const fresh = opts.fresh?.deployment.id === deployment.id ? opts.fresh.status : undefined;
    const latest = (await listDeploymentStatuses(flow, deployment.id))[0];
    const status = fresh && (!latest || fresh.id >= latest.id) ? fresh : latest;
    byTarget.set(deployment.payload.target, { deployment, status });
  }
  if (opts.fresh?.deployment.payload.rollback) {
    byTarget.set(opts.fresh.deployment.payload.target, opts.fresh);
  }
  return [...byTarget.values()]
    .map(({ deployment, status }) => formatDeploymentNote(deployment, status))
    .sort((a, b) => a.target.localeCompare(b.target));
}
