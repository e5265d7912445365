import { runGit } from './run-git.ts';

/** The working tree's HEAD commit and its files with uncommitted changes, as `git status` lists them. */
export interface UncommittedFiles {
  /** HEAD's full SHA; undefined before the first commit. */
  head: string | undefined;
  /** Staged, unstaged and untracked files (ignored ones left out), repo-relative, in git's order. */
  files: string[];
}

/**
 * What `git status` says of the working tree of `repoDir`, in one git process: `--porcelain=v2
 * --branch` gives HEAD's commit with the changes, so the caller can tell whether a revision it read is
 * the one checked out. `--no-optional-locks`: status would otherwise refresh the index, taking its
 * lock, which a git command the user runs at the same time would trip on. Undefined when git cannot
 * say (a bare repository, git failing): what this is for is a note, never worth failing over.
 */
export async function listUncommittedFiles(repoDir: string): Promise<UncommittedFiles | undefined> {
  const args = ['--no-optional-locks', 'status', '--porcelain=v2', '--branch', '-z', '--untracked-files=all'];
  // A git that cannot even start is no reason to fail the diff either.
  const result = await runGit(repoDir, args).catch(() => undefined);
  if (result?.code !== 0) return undefined;
  let head: string | undefined;
  const files: string[] = [];
  const fields = result.stdout.split('\0');
  for (let i = 0; i < fields.length; i++) {
    const field = fields[i] as string;
    const oid = /^# branch\.oid ([0-9a-f]+)$/.exec(field);
    if (oid) head = oid[1];
    // `1 <xy> <sub> <mH> <mI> <mW> <hH> <hI> <path>` (changed), `2 … <path>` then its original path
    // as a field of its own (renamed), `u …` (unmerged), `? <path>` (untracked).
    else if (/^[12u] /.test(field)) {
      const parts = field.split(' ');
      files.push(parts.slice(field.startsWith('1') ? 8 : field.startsWith('2') ? 9 : 10).join(' '));
      if (field.startsWith('2')) i++;
    } else if (field.startsWith('? ')) files.push(field.slice(2));
  }
  return { head, files };
}
