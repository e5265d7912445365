import { createHash } from 'node:crypto';
import { lstatSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { HiddenByAttributesError, SourceTooLargeError, TreeListingTruncatedError } from './source-errors.ts';
import type { ExtractedTree } from './source-tree.ts';

/** One entry of GitHub's `GET /repos/{owner}/{repo}/git/trees/{sha}?recursive=1` answer. */
export interface GitTreeEntry {
  path?: string;
  mode?: string;
  type?: string;
  sha?: string;
  size?: number;
}

/** A commit's whole tree as the Git trees API lists it. */
export interface GitTreeListing {
  entries: readonly GitTreeEntry[];
  /** GitHub cuts a recursive listing at 100,000 entries or 7 MB and says so. */
  truncated: boolean;
}

/**
 * Blobs restored from the API per revision at most: each one is a request. A repository that hides
 * more than this from its archive (`docs/ export-ignore`…) gets an error finding instead of a flood
 * of calls, and a fork cannot spend the installation's rate limit this way.
 */
export const MAX_RESTORED_BLOBS = 20;

/**
 * Puts back what GitHub's tarball changed: the archive honours the revision's `.gitattributes`, so a
 * file marked `export-ignore` is missing and one marked `export-subst` is rewritten, and a change
 * could hide behind an attribute (head edits a Deployment and ignores its file: the preview says
 * "removed", the agent deploys the old one). Every regular file of the commit's real tree whose
 * extracted bytes are missing or differ from its blob is written from the blobs API; past
 * `maxRestored` files the revision is refused with `HiddenByAttributesError`, naming the first.
 * Returns the repo-relative paths restored. The CLI needs none of this: it reads the blobs themselves
 * (openGitRevision).
 */
export async function restoreFromGitTree(opts: {
  tree: ExtractedTree;
  listing: GitTreeListing;
  getBlob: (sha: string) => Promise<Buffer>;
  maxBytes: number;
  maxRestored?: number;
}): Promise<string[]> {
  const { tree, listing } = opts;
  if (listing.truncated) throw new TreeListingTruncatedError(tree.revision);
  const maxRestored = opts.maxRestored ?? MAX_RESTORED_BLOBS;
  const hidden: { path: string; sha: string; size: number }[] = [];
  for (const entry of listing.entries) {
    // Regular files only: links and submodules are never extracted.
    if (entry.type !== 'blob' || (entry.mode !== '100644' && entry.mode !== '100755')) continue;
    if (!entry.path || !entry.sha || !isSafePath(entry.path)) continue;
    const abs = join(tree.root, entry.path);
    if (blobIdOf(abs, entry.sha.length === 64 ? 'sha256' : 'sha1') === entry.sha) continue;
    hidden.push({ path: entry.path, sha: entry.sha, size: entry.size ?? 0 });
  }
  const first = hidden[0];
  if (first && hidden.length > maxRestored) {
    throw new HiddenByAttributesError(tree.revision, first.path, hidden.length);
  }
  let bytes = tree.stats.bytes;
  for (const file of hidden) {
    bytes += file.size;
    if (bytes > opts.maxBytes)
      throw new SourceTooLargeError(tree.revision, { kind: 'bytes', max: opts.maxBytes });
    const abs = join(tree.root, file.path);
    await mkdir(dirname(abs), { recursive: true });
    await writeFile(abs, await opts.getBlob(file.sha));
  }
  return hidden.map((f) => f.path);
}

/** Git never stores `..`, `.` or absolute paths; refuse them anyway rather than write outside the root. */
export function isSafePath(path: string): boolean {
  return !path.startsWith('/') && path.split('/').every((s) => s !== '' && s !== '.' && s !== '..');
}

/**
 * git's object id of a file's bytes, or undefined when it is not a regular file of the tree. Read
 * synchronously: every file of the revision is hashed, and a small file's read through the thread pool
 * costs several times its synchronous read.
 */
function blobIdOf(abs: string, algorithm: 'sha1' | 'sha256'): string | undefined {
  const stats = lstatSync(abs, { throwIfNoEntry: false });
  if (!stats?.isFile()) return undefined;
  const content = readFileSync(abs);
  return createHash(algorithm).update(`blob ${content.length}\0`).update(content).digest('hex');
}
