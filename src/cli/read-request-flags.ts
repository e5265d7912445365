import { requireOption } from './parse-args.ts';
import { getRepositoryFromRemote } from './repository-from-remote.ts';
import { UsageError } from './usage-error.ts';

/**
 * The two flags every request to an agent carries (`ferry sync`, `ferry preview`), checked the same
 * way: `--revision`, a full commit SHA (`purpose` says what it is for in the missing-flag message),
 * and the repository from `--repo`, else GITHUB_REPOSITORY, else the checkout's GitHub `origin`.
 */
export function readRequestFlags(opts: {
  flags: { revision?: string; repo?: string };
  env: NodeJS.ProcessEnv;
  root: string;
  purpose: string;
}): { revision: string; repository: string } {
  const revision = requireOption('revision', opts.flags.revision, opts.purpose);
  if (!/^[0-9a-f]{40}$/.test(revision)) {
    throw new UsageError(`option '--revision' must be a full 40-character commit SHA (got '${revision}')`);
  }
  const repository =
    opts.flags.repo ?? (opts.env.GITHUB_REPOSITORY || undefined) ?? getRepositoryFromRemote(opts.root);
  if (!repository) {
    throw new UsageError(
      `missing --repo (owner/repo): ${opts.root} has no GitHub 'origin' remote and GITHUB_REPOSITORY is not set`,
    );
  }
  if (!/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(repository)) {
    throw new UsageError(`option '--repo' must be owner/repo (got '${repository}')`);
  }
  return { revision, repository };
}
