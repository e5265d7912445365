import { posix } from 'node:path';

/** A symbolic link of a tree: its repo-relative path and the target it was committed with. */
export interface TreeLink {
  path: string;
  target: string;
}

/** A file to write at `to` with the content of the tree's file `from` (both repo-relative). */
export interface LinkCopy {
  from: string;
  to: string;
}

/** Links followed through other links at most; past it (a cycle) the link is skipped. */
const MAX_HOPS = 8;

/**
 * What a tree without links must hold so that it reads as the repository's checkout does: each link
 * that stays inside the repository becomes copies of what it points to (a file, or every file below a
 * folder), as Argo CD's and Flux's checkouts follow such links (kueue's `examples` is a link to
 * `site/static/examples`). Links that are absolute, leave the repository, dangle or loop are `skipped`:
 * nothing is written for them, as before. Pure: the caller reads the targets and writes the copies,
 * within its caps. Files below a linked folder that are links themselves are not copied again.
 */
export function planLinkCopies(
  links: readonly TreeLink[],
  files: readonly string[],
): { copies: LinkCopy[]; skipped: number } {
  const targets = new Map(links.map((l) => [l.path, l.target]));
  const fileSet = new Set(files);
  const sorted = [...files].sort();
  const copies: LinkCopy[] = [];
  let skipped = 0;
  for (const link of links) {
    const real = resolveInTree(link.path, targets, 0);
    // A link to the root or to a folder holding it is a loop to a checkout's walker: skipped.
    if (real === undefined || real === '' || link.path.startsWith(`${real}/`)) {
      skipped++;
      continue;
    }
    if (fileSet.has(real)) {
      copies.push({ from: real, to: link.path });
      continue;
    }
    const prefix = `${real}/`;
    const below = filesBelow(sorted, prefix);
    if (below.length === 0) {
      skipped++;
      continue;
    }
    for (const file of below) copies.push({ from: file, to: `${link.path}/${file.slice(prefix.length)}` });
  }
  return { copies, skipped };
}

/**
 * `path` with every link among its leading segments replaced by its target: the path it names with no
 * link in it (`''` for the root), or undefined when a link is absolute, leaves the root or loops.
 */
function resolveInTree(path: string, targets: ReadonlyMap<string, string>, hops: number): string | undefined {
  const parts = path.split('/');
  for (let i = 0; i < parts.length; i++) {
    const at = parts.slice(0, i + 1).join('/');
    const target = targets.get(at);
    if (target === undefined) continue;
    if (hops >= MAX_HOPS || target === '' || target.startsWith('/') || target.includes('\\'))
      return undefined;
    const joined = posix.normalize(posix.join(posix.dirname(at), target, ...parts.slice(i + 1)));
    if (joined === '..' || joined.startsWith('../') || joined.startsWith('/')) return undefined;
    return resolveInTree(joined === '.' ? '' : joined.replace(/\/$/, ''), targets, hops + 1);
  }
  return path;
}

/** The files of `sorted` that start with `prefix`. */
function filesBelow(sorted: readonly string[], prefix: string): string[] {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((sorted[mid] as string) < prefix) lo = mid + 1;
    else hi = mid;
  }
  const out: string[] = [];
  for (let i = lo; i < sorted.length && (sorted[i] as string).startsWith(prefix); i++)
    out.push(sorted[i] as string);
  return out;
}

/**
 * The first link among the leading segments of `path` (the path itself included) and the path it
 * names with no link in it (`''` for the root), or undefined when none of them is a link or the link
 * cannot be followed inside the tree (planLinkCopies skips such a link, so nothing is there).
 */
export function findLinkAlong(
  path: string,
  links: readonly TreeLink[],
): { link: string; real: string } | undefined {
  const targets = new Map(links.map((l) => [l.path, l.target]));
  const parts = path.split('/');
  for (let i = 1; i <= parts.length; i++) {
    const link = parts.slice(0, i).join('/');
    if (!targets.has(link)) continue;
    const real = resolveInTree(path, targets, 0);
    return real === undefined ? undefined : { link, real: real === '' ? '.' : real };
  }
  return undefined;
}
