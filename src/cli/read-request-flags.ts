import { requireOption } from './parse-args.ts';
import { getRepositoryFromRemote } from './repository-from-remote.ts';
import { UsageError } from './usage-error.ts';

/**
 * The two flags every request to an agent carries (`ferry sync`, `ferry preview`), checked the same
 * way: `--revision`, a full commit SHA in either case, lower-cased (`purpose` says what it is for in
 * the missing-flag message), and the repository from `--repo`, else GITHUB_REPOSITORY, else the
 * checkout's GitHub `origin`.
 */
export function readRequestFlags(opts: {
  flags: { revision?: string; repo?: string };
  env: NodeJS.ProcessEnv;
  root: string;
  purpose: string;
}): { revision: string; repository: string } {
  const given = requireOption('revision', opts.flags.revision, opts.purpose);
  if (!/^[0-9a-f]{40}$/i.test(given)) {
    throw new UsageError(
      given.length === 40
        ? `option '--revision' must be a commit SHA, 40 hexadecimal digits (0-9, a-f) (got '${given}')`
        : `option '--revision' must be a full 40-character commit SHA (got '${given}')`,
    );
  }
  // Git and GitHub take a SHA in either case (git rev-parse, commit URLs); the Sync and Preview CRDs
  // and the agent compare the lower-case form git prints.
  const revision = given.toLowerCase();
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
