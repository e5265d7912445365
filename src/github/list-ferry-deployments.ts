import { type FerryDeploymentPayload, parseDeploymentPayload } from './deployment-payload.ts';
import type { FlowContext } from './flow-context.ts';

export interface FerryDeployment {
  id: number;
  sha: string;
  environment: string;
  createdAt: string;
  payload: FerryDeploymentPayload;
}

/**
 * Deployments Ferry created (they carry `payload.ferry`), newest first as GitHub lists them. One
 * page of 100: enough for the deployments of one commit, and the look-back a rollback searches.
 */
export async function listFerryDeployments(
  flow: FlowContext,
  filter: { sha?: string; environment?: string },
): Promise<FerryDeployment[]> {
  const { data } = await flow.octokit.rest.repos.listDeployments({ ...flow.repo, ...filter, per_page: 100 });
  const out: FerryDeployment[] = [];
  for (const d of data) {
    const payload = parseDeploymentPayload(d.payload);
    if (payload)
      out.push({ id: d.id, sha: d.sha, environment: d.environment, createdAt: d.created_at, payload });
  }
  return out;
}
