import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { isMissing, locateInRepo } from './repo-path.ts';

/**
 * A template file named by a tool's output (helm's `# Source:` lines), read only when it is what it
 * claims: a repo-relative path with no `..`, inside the chart's directory, that resolves (symlinks
 * followed) to a regular file inside the repository, no larger than `maxBytes`. Anything else is
 * undefined, never an error: the output is untrusted (a template can print `# Source:
 * c/../../../../dev/zero`), so a path from it must not make Ferry read a device, a directory, a FIFO
 * or a file outside the render root, outside the binaries' time limit.
 */
export async function readTemplateFile(opts: {
  root: string;
  chartDir: string;
  file: string;
  maxBytes: number;
}): Promise<string | undefined> {
  const { root, chartDir, file } = opts;
  const segments = file.split('/');
  if (file.startsWith('/') || file.includes('\\') || file.includes('\0')) return undefined;
  if (segments.some((s) => s === '' || s === '.' || s === '..')) return undefined;
  if (chartDir !== '.' && !file.startsWith(`${chartDir}/`)) return undefined;
  const located = await locateInRepo(root, root, join(root, file));
  if (!located.ok || located.isDirectory) return undefined;
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    // O_NONBLOCK: opening a FIFO never waits for a writer; O_NOFOLLOW: the path proved above is the one opened.
    handle = await open(located.real, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (err) {
    if (isMissing(err) || (err as NodeJS.ErrnoException).code === 'ELOOP') return undefined;
    throw err;
  }
  try {
    const stats = await handle.stat();
    if (!stats.isFile() || stats.size > opts.maxBytes) return undefined;
    return await handle.readFile('utf8');
  } finally {
    await handle.close();
  }
}
