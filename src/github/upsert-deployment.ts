import type { FerryDeploymentPayload } from './deployment-payload.ts';
import type { FlowContext } from './flow-context.ts';
import { type FerryDeployment, listFerryDeployments } from './list-ferry-deployments.ts';
import { clampDescription } from './set-deployment-status.ts';

/**
 * Finds Ferry's deployment of `sha` to `environment` matching `isSame`, or creates it. A
 * redelivered push finds the deployment the first delivery made instead of deploying twice.
 */
export async function upsertDeployment(
  flow: FlowContext,
  opts: {
    sha: string;
    environment: string;
    payload: FerryDeploymentPayload;
    description: string;
    isSame: (existing: FerryDeployment) => boolean;
  },
): Promise<{ deployment: FerryDeployment; created: boolean }> {
  const existing = (await listFerryDeployments(flow, { sha: opts.sha, environment: opts.environment })).find(
    opts.isSame,
  );
  if (existing) return { deployment: existing, created: false };
  const { data, status } = await flow.octokit.rest.repos.createDeployment({
    ...flow.repo,
    ref: opts.sha,
    environment: opts.environment,
    description: clampDescription(opts.description),
    payload: { ferry: opts.payload } as unknown as Record<string, never>,
    // The SHA is what merged; never let GitHub merge the default branch into it.
    auto_merge: false,
    // Deploying follows the merge itself, not the commit's status checks.
    required_contexts: [],
    production_environment: /^prod(uction)?$/i.test(opts.environment),
  });
  // 202 means GitHub merged something first: cannot happen with auto_merge false.
  if (status !== 201 || !('id' in data)) {
    throw new Error(`deployment of ${opts.sha} to ${opts.environment}: GitHub answered ${status}`);
  }
  return {
    deployment: {
      id: data.id,
      sha: data.sha,
      environment: data.environment,
      createdAt: data.created_at,
      payload: opts.payload,
    },
    created: true,
  };
}
