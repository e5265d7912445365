import { readlink, realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Finding } from '../types.ts';
import { readFolderEntries } from './read-folder-entries.ts';
import { renderFinding } from './render-finding.ts';
import { isInside, isMissing, toRepoPath } from './repo-path.ts';

/** Never looked into: git's own data, and installed packages (links there are the package manager's). */
const SKIPPED_DIRS = new Set(['.git', 'node_modules']);

/**
 * Every symlink under `absDir` (followed into linked directories that stay inside the repository)
 * whose target is outside the repository root: kustomize and helm follow links,
 * and a link to /proc/self/environ or ~/.aws would render the runner's secrets into a PR comment.
 * Links are reported with what they say (`readlink`), never the runner's resolved paths. A folder or
 * link whose name is not UTF-8 cannot be looked into, so it is reported too (readFolderEntries).
 */
export async function listEscapingLinks(opts: { root: string; absDir: string }): Promise<Finding[]> {
  const findings: Finding[] = [];
  const seen = new Set<string>();
  const walk = async (dir: string): Promise<void> => {
    const real = await realpath(dir);
    if (seen.has(real)) return;
    seen.add(real);
    const { entries, misnamed } = await readFolderEntries({
      dir,
      folder: toRepoPath(opts.root, dir),
      // A folder is looked into and a link followed.
      matters: (entry) => entry.isDirectory() || entry.isSymbolicLink(),
    });
    findings.push(...misnamed);
    for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const { name } = entry;
      const path = join(dir, name);
      if (entry.isDirectory()) {
        if (!SKIPPED_DIRS.has(name)) await walk(path);
        continue;
      }
      if (!entry.isSymbolicLink()) continue;
      const target = await resolveLink(path);
      // A dangling link reads as nothing at all: harmless, and left for the renderer to report if used.
      if (target === undefined) continue;
      if (!isInside(opts.root, target)) {
        const said = await readlink(path);
        findings.push(
          renderFinding(
            toRepoPath(opts.root, path),
            `symlink to ${JSON.stringify(said)} leads outside the repository; refusing to render`,
          ),
        );
      } else if ((await stat(target)).isDirectory() && !SKIPPED_DIRS.has(name)) {
        await walk(path);
      }
    }
  };
  await walk(opts.absDir);
  return findings;
}

async function resolveLink(path: string): Promise<string | undefined> {
  try {
    return await realpath(path);
  } catch (err) {
    // Dangling or looping (ELOOP): nothing can be read through it.
    if (isMissing(err) || (err as NodeJS.ErrnoException).code === 'ELOOP') return undefined;
    throw err;
  }
}
