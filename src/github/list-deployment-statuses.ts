import type { FlowContext } from './flow-context.ts';

export interface DeploymentStatusInfo {
  id: number;
  state: string;
  description: string;
  createdAt: string;
  url?: string;
}

/** A deployment's statuses, newest first (sorted by id: GitHub's order is not documented). */
export async function listDeploymentStatuses(
  flow: FlowContext,
  deploymentId: number,
): Promise<DeploymentStatusInfo[]> {
  const { data } = await flow.octokit.rest.repos.listDeploymentStatuses({
    ...flow.repo,
    deployment_id: deploymentId,
    per_page: 100,
  });
  return data
    .map((s) => {
      const url = s.log_url || s.environment_url || s.target_url || undefined;
      return {
        id: s.id,
        state: s.state,
        description: s.description ?? '',
        createdAt: s.created_at,
        ...(url ? { url } : {}),
      };
    })
    .sort((a, b) => b.id - a.id);
}
