import { type FerryDeploymentPayload, parseDeploymentPayload } from './deployment-payload.ts';
import type { FlowContext } from './flow-context.ts';

export interface FerryDeployment {
  id: number;
  sha: string;
  environment: string;
  createdAt: string;
  payload: FerryDeploymentPayload;
  /** The App whose installation created it (`performed_via_github_app`); undefined for a person or a token. */
  appId?: number;
}

/**
 * Deployments that carry Ferry's `payload.ferry`, newest first as GitHub lists them. One page of 100:
 * enough for the deployments of one commit, and the look-back a rollback searches. The payload is no
 * proof that Ferry made one (anyone who can write to the repository can): what a caller takes from
 * it on trust, it checks (`appId`, or the commit's place in the branch's history).
 */
export async function listFerryDeployments(
  flow: FlowContext,
  filter: { sha?: string; environment?: string },
): Promise<FerryDeployment[]> {
  const { data } = await flow.octokit.rest.repos.listDeployments({ ...flow.repo, ...filter, per_page: 100 });
  const out: FerryDeployment[] = [];
  for (const d of data) {
    const payload = parseDeploymentPayload(d.payload);
    if (!payload) continue;
    const appId = d.performed_via_github_app?.id;
    out.push({
      id: d.id,
      sha: d.sha,
      environment: d.environment,
      createdAt: d.created_at,
      payload,
      ...(appId === undefined ? {} : { appId }),
    });
  }
  return out;
}
