import type { FlowContext } from './flow-context.ts';

/**
 * The pull request whose merge produced `sha`, if any: GitHub lists the PRs associated with a
 * commit; the one merged as exactly this commit wins, else any merged one containing it.
 */
export async function findMergedPull(flow: FlowContext, sha: string): Promise<number | undefined> {
  const { data } = await flow.octokit.rest.repos.listPullRequestsAssociatedWithCommit({
    ...flow.repo,
    commit_sha: sha,
    per_page: 100,
  });
  const merged = data.filter((pr) => pr.merged_at !== null);
  return (merged.find((pr) => pr.merge_commit_sha === sha) ?? merged[0])?.number;
}
