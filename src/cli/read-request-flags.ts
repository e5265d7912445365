import { resolveGitRevision } from '../source/resolve-git-revision.ts';
import { requireOption } from './parse-args.ts';
import { getRepositoryFromRemote } from './repository-from-remote.ts';
import { UsageError } from './usage-error.ts';

/**
 * The two flags every request to an agent carries (`ferry sync`, `ferry preview`), checked the same
 * way: `--revision`, a full commit SHA in either case, lower-cased (`purpose` says what it is for in
 * the missing-flag message), and the repository from `--repo`, else GITHUB_REPOSITORY, else the
 * checkout's GitHub `origin`.
 */
export async function readRequestFlags(opts: {
  flags: { revision?: string; repo?: string };
  env: NodeJS.ProcessEnv;
  root: string;
  purpose: string;
}): Promise<{ revision: string; repository: string }> {
  const given = requireOption('revision', opts.flags.revision, opts.purpose);
  if (!/^[0-9a-f]{40}$/i.test(given)) {
    throw new UsageError(
      given.length === 40
        ? `option '--revision' must be a commit SHA, 40 hexadecimal digits (0-9, a-f) (got '${given}')`
        : `option '--revision' must be a full 40-character commit SHA (got '${given}'${await refHint(given, opts.root)})`,
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

/**
 * What a branch, tag or short SHA names in the checkout at `root`, as a hint: `; in <root> it names
 * <sha>…`. Not taken as the revision: a local ref can be behind its remote or never pushed, and the
 * agent deploys exactly the commit it is given, so the user chooses the SHA. Empty when git does not
 * know it (or `root` is no checkout).
 */
async function refHint(given: string, root: string): Promise<string> {
  if (given === '') return '';
  try {
    const sha = await resolveGitRevision(root, given);
    return `; in ${root} it names ${sha}: pass that once it is pushed`;
  } catch (err) {
    // Not a git checkout, no git, or a name git does not know: nothing to add.
    void err;
    return '';
  }
}
