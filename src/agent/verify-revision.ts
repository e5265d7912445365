import type { AgentGitHub } from './agent-github.ts';

export type Verdict =
  | { ok: true; note?: string }
  | { ok: false; reason: 'Unmerged' | 'Older' | 'NotFound'; message: string };

const short = (sha: string) => sha.slice(0, 7);

/**
 * The two rules that hold whoever patched the Sync: the revision is reachable from the target's branch
 * (never deploy an unmerged commit), and it is not older than what runs unless the request is a rollback.
 */
export async function verifyRevision(opts: {
  github: AgentGitHub;
  repository: string;
  branch: string;
  revision: string;
  appliedRevision: string | undefined;
  rollback: boolean;
}): Promise<Verdict> {
  const { github, repository, branch, revision } = opts;
  // compare/{branch}...{sha}: `behind` or `identical` means the SHA is an ancestor of the branch head.
  const reach = await github.compare({ repository, base: branch, head: revision });
  if (reach === 'missing') {
    return {
      ok: false,
      reason: 'NotFound',
      message: `commit ${short(revision)} does not exist in ${repository}`,
    };
  }
  if (reach === 'ahead' || reach === 'diverged') {
    return {
      ok: false,
      reason: 'Unmerged',
      message: `commit ${short(revision)} is not on branch ${branch} of ${repository} (${reach}): refusing to deploy an unmerged commit`,
    };
  }
  if (!opts.appliedRevision || opts.appliedRevision === revision) return { ok: true };
  const order = await github.compare({ repository, base: opts.appliedRevision, head: revision });
  if (order === 'behind' && !opts.rollback) {
    return {
      ok: false,
      reason: 'Older',
      message: `commit ${short(revision)} is older than the applied ${short(opts.appliedRevision)}: only an explicit rollback may go back`,
    };
  }
  if (order === 'diverged' || order === 'missing') {
    // The applied commit left the branch (a force-push): the new one is on it, so it may go ahead.
    return {
      ok: true,
      note: `applied ${short(opts.appliedRevision)} is no longer an ancestor of ${short(revision)} (${order})`,
    };
  }
  return { ok: true };
}
