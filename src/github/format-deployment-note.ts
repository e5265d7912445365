import type { DeploymentNote } from '../report/report.ts';
import type { DeploymentStatusInfo } from './list-deployment-statuses.ts';
import type { FerryDeployment } from './list-ferry-deployments.ts';

const TERMINAL = new Set(['success', 'failure', 'error']);

/**
 * One line of the PR comment's deployment section, from a Deployment and its latest status. A
 * queued deployment reads as deploying (Ferry queues it when it signals the agent), a rollback
 * deployment that succeeded reads `rolled_back`; time is measured from the Deployment's creation to
 * a terminal status.
 */
export function formatDeploymentNote(
  deployment: FerryDeployment,
  status: DeploymentStatusInfo | undefined,
): DeploymentNote {
  const github = status?.state ?? 'queued';
  const isRollback = deployment.payload.rollback !== undefined;
  const state: DeploymentNote['state'] =
    github === 'queued' || github === 'pending'
      ? // Ferry sets `queued` once the agent has been signalled: for the PR, the deploy is under way.
        'in_progress'
      : github === 'success' && isRollback
        ? 'rolled_back'
        : (github as DeploymentNote['state']);
  const note: DeploymentNote = {
    target: deployment.payload.target,
    environment: deployment.environment,
    state,
    sha: deployment.sha,
  };
  if (status?.url) note.url = status.url;
  if (status?.description) note.description = status.description;
  if (status && TERMINAL.has(github)) {
    const seconds = (Date.parse(status.createdAt) - Date.parse(deployment.createdAt)) / 1000;
    if (Number.isFinite(seconds) && seconds >= 0) note.durationSeconds = Math.round(seconds);
  }
  return note;
}
