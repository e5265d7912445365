import type { FlowContext } from './flow-context.ts';

export type DeploymentState =
  | 'error'
  | 'failure'
  | 'inactive'
  | 'in_progress'
  | 'queued'
  | 'pending'
  | 'success';

/** GitHub truncates (older versions reject) status descriptions over 140 characters. */
const MAX_DESCRIPTION = 140;

export function clampDescription(text: string): string {
  return text.length <= MAX_DESCRIPTION ? text : `${text.slice(0, MAX_DESCRIPTION - 1)}…`;
}

export async function setDeploymentStatus(
  flow: FlowContext,
  opts: { deploymentId: number; state: DeploymentState; description: string },
): Promise<void> {
  await flow.octokit.rest.repos.createDeploymentStatus({
    ...flow.repo,
    deployment_id: opts.deploymentId,
    state: opts.state,
    description: clampDescription(opts.description),
  });
}
