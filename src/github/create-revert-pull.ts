import type { FlowContext } from './flow-context.ts';

const REVERT_MUTATION = `mutation ($input: RevertPullRequestInput!) {
  revertPullRequest(input: $input) {
    revertPullRequest { number url }
  }
}`;

interface RevertResponse {
  revertPullRequest: { revertPullRequest: { number: number; url: string } | null } | null;
}

/**
 * Opens GitHub's own revert of a merged pull request (GraphQL `revertPullRequest`, which needs
 * contents: write), so Git converges on what the cluster runs after a rollback.
 */
export async function createRevertPull(
  flow: FlowContext,
  opts: { pullNodeId: string; title: string; body: string },
): Promise<{ number: number; url: string }> {
  const data = await flow.octokit.graphql<RevertResponse>(REVERT_MUTATION, {
    input: { pullRequestId: opts.pullNodeId, title: opts.title, body: opts.body, draft: false },
  });
  const pr = data.revertPullRequest?.revertPullRequest;
  if (!pr) throw new Error(`revertPullRequest for ${opts.pullNodeId} returned no pull request`);
  return pr;
}
