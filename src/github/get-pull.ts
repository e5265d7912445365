import type { FlowContext } from './flow-context.ts';

/** The fields of a pull request the flows use, from a webhook payload or `GET /pulls/{n}`. */
export interface PullInfo {
  number: number;
  nodeId: string;
  title: string;
  state: string;
  draft: boolean;
  headSha: string;
  baseSha: string;
  /** The branch the PR merges into. */
  baseRef: string;
  merged: boolean;
  mergeCommitSha: string | null;
  /** True when the head lives in another repository (a fork). */
  fromFork: boolean;
}

interface PullLike {
  number: number;
  node_id: string;
  title: string;
  state: string;
  draft?: boolean | undefined;
  merged?: boolean | null | undefined;
  merged_at: string | null;
  merge_commit_sha: string | null;
  head: { sha: string; repo: { full_name: string } | null };
  base: { sha: string; ref: string; repo: { full_name: string } };
}

export function pullInfoOf(pr: PullLike): PullInfo {
  return {
    number: pr.number,
    nodeId: pr.node_id,
    title: pr.title,
    state: pr.state,
    draft: pr.draft === true,
    headSha: pr.head.sha,
    baseSha: pr.base.sha,
    baseRef: pr.base.ref,
    merged: pr.merged === true || pr.merged_at !== null,
    mergeCommitSha: pr.merge_commit_sha,
    fromFork: pr.head.repo?.full_name !== pr.base.repo.full_name,
  };
}

export async function getPull(flow: FlowContext, number: number): Promise<PullInfo> {
  const { data } = await flow.octokit.rest.pulls.get({ ...flow.repo, pull_number: number });
  return pullInfoOf(data);
}
