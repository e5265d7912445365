import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { closestMatch } from '../manifest/closest-match.ts';
import { normalizeRepoPath } from './repo-path.ts';

/**
 * The existing repo-relative path closest to `path`, one segment at a time, for a "did you mean" hint on
 * a path that does not exist: a segment that is missing is replaced by the entry of its folder that
 * matches it once trimmed and case-folded (`"staging "`, `Overlays`: Linux, where the App and the agent
 * render, is case-sensitive even where the author's Mac is not), else by its closestMatch (a typo).
 * Undefined when some segment has nothing close, or when `path` exists as it is.
 */
export async function closestRepoPath(root: string, path: string): Promise<string | undefined> {
  const segments = normalizeRepoPath(path).split('/');
  const found: string[] = [];
  let changed = false;
  for (const segment of segments) {
    // A folder that cannot be listed (a segment is a file, or unreadable) has nothing to offer.
    const entries = await readdir(join(root, ...found)).catch(() => undefined);
    if (entries === undefined) return undefined;
    if (segment === '..' || entries.includes(segment)) {
      found.push(segment);
      continue;
    }
    const folded = segment.trim().toLowerCase();
    const near = entries.find((entry) => entry.toLowerCase() === folded) ?? closestMatch(segment, entries);
    if (near === undefined) return undefined;
    found.push(near);
    changed = true;
  }
  return changed ? found.join('/') : undefined;
}
