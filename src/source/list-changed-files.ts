import { resolveGitRevision } from './resolve-git-revision.ts';
import { runGit } from './run-git.ts';
import { GitCommandError } from './source-errors.ts';

export interface ListChangedFilesOptions {
  repoDir: string;
  base: string;
  head: string;
}

/**
 * Files a pull request from `base` to `head` changes, like GitHub's "Files changed": the diff from
 * their merge base to `head` (`git diff base...head`). A rename counts as both paths, since either
 * can be a target's input. Repo-relative POSIX paths, sorted.
 */
export async function listChangedFiles(opts: ListChangedFilesOptions): Promise<string[]> {
  const base = await resolveGitRevision(opts.repoDir, opts.base);
  const head = await resolveGitRevision(opts.repoDir, opts.head);
  const args = [
    'diff',
    '--name-only',
    '--no-renames',
    '--no-ext-diff',
    '--no-textconv',
    '-z',
    `${base}...${head}`,
  ];
  const result = await runGit(opts.repoDir, args);
  // git runs with LC_ALL=C (gitEnv), so its words are these.
  if (result.code !== 0 && /no merge base/.test(result.stderr)) {
    throw new GitCommandError(args, result.stderr, {
      message:
        `${opts.base} and ${opts.head} share no history (no merge base): a diff shows what the head changed ` +
        'since it left the base, as a pull request does; compare the head with a revision it descends from',
    });
  }
  if (result.code !== 0) throw new GitCommandError(args, result.stderr);
  const files = result.stdout.split('\0').filter((f) => f !== '');
  return [...new Set(files)].sort();
}
