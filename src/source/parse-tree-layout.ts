import { type GitTreeListing, isSafePath } from './restore-from-git-tree.ts';
import type { TreeLayout } from './source-tree.ts';

/**
 * The submodules and links of a commit read through GitHub's tarball, as openGitRevision knows them
 * from git: the archive leaves a submodule as an empty folder (the tree holds only its commit id, a
 * gitlink: type `commit`, mode 160000), so the tree listing says which folders are submodules. A link
 * (mode 120000) holds its target in its blob; the archive's own link entry carries the same target,
 * which spares a blobs API call per link. A link the archive left out (`export-ignore`) has no target
 * here and is left out: nothing was written at its path either.
 */
export function parseTreeLayout(opts: {
  listing: GitTreeListing;
  archiveLinks: readonly { path: string; target: string }[];
}): TreeLayout {
  const archived = new Map(opts.archiveLinks.map((l) => [l.path, l.target]));
  const submodules: string[] = [];
  const links: { path: string; target: string }[] = [];
  for (const entry of opts.listing.entries) {
    if (!entry.path || !isSafePath(entry.path)) continue;
    if (entry.type === 'commit' || entry.mode === '160000') submodules.push(entry.path);
    else if (entry.mode === '120000') {
      const target = archived.get(entry.path);
      if (target !== undefined) links.push({ path: entry.path, target });
    }
  }
  return { submodules, links };
}
