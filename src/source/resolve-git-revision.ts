import { runGit } from './run-git.ts';
import { GitCommandError, RevisionNotFoundError } from './source-errors.ts';

/** A branch, tag, short SHA or expression (`HEAD~1`) → the full SHA of the commit it names. */
export async function resolveGitRevision(repoDir: string, ref: string): Promise<string> {
  // --end-of-options: a ref such as `--output=x` from a comment or a CLI argument stays a ref.
  const args = ['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`];
  const result = await runGit(repoDir, args);
  const sha = result.stdout.trim();
  if (result.code === 0 && /^[0-9a-f]{40}([0-9a-f]{24})?$/.test(sha)) return sha;
  // --quiet silences "unknown revision"; anything git still says is about the repository itself.
  if (result.stderr.trim() !== '') throw new GitCommandError(args, result.stderr);
  throw new RevisionNotFoundError(repoDir, ref);
}
