import { restoreFromGitTree } from './restore-from-git-tree.ts';
import { runGit, runGitBytes } from './run-git.ts';
import { GitCommandError } from './source-errors.ts';
import type { ExtractedTree } from './source-tree.ts';

/**
 * Puts back what `git archive` changed: it honours the revision's `.gitattributes`, so a file marked
 * `export-ignore` is missing and one marked `export-subst` is rewritten, and a change could hide
 * behind an attribute (head edits a Deployment and ignores its file: the preview says "removed").
 * The revision's real tree (`git ls-tree`) goes through the same comparison as a GitHub tree listing
 * (restoreFromGitTree), with blobs from `git cat-file` and no cap on how many: they are local reads.
 * Returns the repo-relative paths restored.
 */
export async function restoreRealTree(opts: {
  repoDir: string;
  sha: string;
  tree: ExtractedTree;
  maxBytes: number;
}): Promise<string[]> {
  const listed = await runGit(opts.repoDir, ['ls-tree', '-r', '-z', '-l', '--full-tree', opts.sha]);
  if (listed.code !== 0) throw new GitCommandError(['ls-tree', opts.sha], listed.stderr);
  const entries = [];
  for (const entry of listed.stdout.split('\0')) {
    // `<mode> <type> <sha> <size>\t<path>`
    const m = /^(\d+) (\w+) ([0-9a-f]+) +(\d+|-)\t(.+)$/s.exec(entry);
    if (!m) continue;
    const [, mode, type, sha, size, path] = m as unknown as [string, string, string, string, string, string];
    entries.push({ mode, type, sha, path, size: size === '-' ? 0 : Number(size) });
  }
  return restoreFromGitTree({
    tree: opts.tree,
    listing: { entries, truncated: false },
    getBlob: (blob) => catBlob(opts.repoDir, blob),
    maxBytes: opts.maxBytes,
    maxRestored: Number.POSITIVE_INFINITY,
  });
}

async function catBlob(repoDir: string, blob: string): Promise<Buffer> {
  const args = ['cat-file', 'blob', blob];
  const result = await runGitBytes(repoDir, args);
  if (result.code !== 0) throw new GitCommandError(args, result.stderr);
  return result.stdout;
}
