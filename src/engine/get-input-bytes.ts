import { lstatSync, readdirSync, type Stats, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { isMissing } from '../render/repo-path.ts';

/**
 * Bytes of the files under the targets' directories (or of a file itself), counted until `cap` is reached (so a large
 * repository costs a few directory reads, not a full walk). Hidden entries and node_modules are skipped,
 * links are not followed, and a missing directory counts 0: this only sizes the work, the render
 * reports what is wrong.
 */
export function getInputBytes(opts: { root: string; paths: readonly string[]; cap: number }): number {
  let total = 0;
  const seen = new Set<string>();
  const walk = (dir: string): void => {
    if (total >= opts.cap || seen.has(dir)) return;
    seen.add(dir);
    let entries: import('node:fs').Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      // Missing or unreadable: the render says so.
      return;
    }
    for (const entry of entries) {
      if (total >= opts.cap) return;
      if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile()) total += sizeOf(path);
    }
  };
  for (const path of opts.paths) {
    const abs = resolve(opts.root, path);
    // A file named on the command line (`ferry validate big.yaml`) counts as itself.
    const info = statOrUndefined(abs);
    if (info?.isFile()) total += info.size;
    else walk(abs);
  }
  return total;
}

/** A file's bytes; 0 when it cannot be read by that name (one not UTF-8: the render refuses it). */
function sizeOf(path: string): number {
  try {
    return lstatSync(path).size;
  } catch (err) {
    if (isMissing(err)) return 0;
    throw err;
  }
}

function statOrUndefined(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}
