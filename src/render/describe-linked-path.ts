import { lstat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Finding, Target } from '../types.ts';
import { detectRenderer } from './detect-renderer.ts';
import { locateInRepo, normalizeRepoPath, toRepoPath } from './repo-path.ts';

/** A symbolic link along a target's path and the folder the path names with no link in it. */
export interface LinkedPath {
  /** The link: the path itself or a folder above it (repo-relative). */
  link: string;
  /** What the whole path names once every link is followed (repo-relative, '.' for the root). */
  real: string;
}

/**
 * An error when a target's path is, or runs through, a symbolic link and names a kustomization. In a
 * checkout `kubectl kustomize` resolves the kustomization's relative entries (`../../base`) from its
 * real folder, so `ferry validate` and `ferry render` passed; but ferry diff, the GitHub App and the
 * agent read revisions without links (a folder link is written as copies of its files at the link's
 * place: planLinkCopies), where the same entries resolve from the link's place and lead outside the
 * repository or to another folder. Plain folders and charts read the same either way (a chart's values
 * files are repo-relative), so only a kustomization is refused. `links` finds the link along a path
 * when the tree was written without links (findLinkAlong over TreeLayout.links); without it the links
 * are read from the disk.
 */
export async function describeLinkedPath(opts: {
  root: string;
  target: Target;
  links?: (path: string) => LinkedPath | undefined;
}): Promise<Finding | undefined> {
  const { root, target } = opts;
  const path = normalizeRepoPath(target.path);
  if (path === '.') return undefined;
  const linked = opts.links ? opts.links(path) : await findLinkOnDisk(root, path);
  if (!linked) return undefined;
  const isKustomization = await detectRenderer(join(root, linked.real)).then(
    (kind) => kind === 'kustomize',
    // Not a folder, or unreadable: the render says what is wrong.
    () => false,
  );
  if (!isKustomization) return undefined;
  const where =
    linked.link === path
      ? `its path ${path} is a symbolic link to ${linked.real}`
      : `its path ${path} runs through the symbolic link ${linked.link}, and names ${linked.real}`;
  return {
    rule: 'render',
    severity: 'error',
    file: target.declared?.file ?? '.github/ferry.yml',
    line: target.declared?.line ?? 1,
    message: `target '${target.name}': ${where}, a kustomization; ferry diff, the GitHub App and the agent read a revision without links (the folder as a copy at ${path}), where its relative entries such as ../base resolve from the link's place, not from the real folder as kubectl kustomize does in a checkout; point path at the real folder (path: ${linked.real})`,
  };
}

/** The first symbolic link among the leading folders of `path` (itself included), read from the disk. */
async function findLinkOnDisk(root: string, path: string): Promise<LinkedPath | undefined> {
  const parts = path.split('/');
  for (let i = 1; i <= parts.length; i++) {
    const link = parts.slice(0, i).join('/');
    const stats = await lstat(join(root, link)).catch(() => undefined);
    if (!stats) return undefined;
    if (!stats.isSymbolicLink()) continue;
    const located = await locateInRepo(root, root, path);
    // Dangling or leading outside: the render says so.
    return located.ok ? { link, real: toRepoPath(root, located.real) } : undefined;
  }
  return undefined;
}
