import { mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * `mkdir -p` for a folder a user names (FERRY_RENDER_CACHE_DIR, XDG_CACHE_HOME), made one level at a
 * time. Node's own `{ recursive: true }` never returns for a path under /proc or /sys (the kernel says
 * ENOENT for a folder it will not make there, and Node makes the parent, which exists, and tries
 * again, for ever): `ferry diff` hung with FERRY_RENDER_CACHE_DIR=/proc/x. Here that is an ENOENT
 * error like any folder that cannot be made. Folders it makes get `mode`.
 */
export function makeDirectories(dir: string, mode: number): void {
  try {
    mkdirSync(dir, { mode });
    return;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST' && statSync(dir).isDirectory()) return;
    if (code !== 'ENOENT' || dirname(dir) === dir) throw err;
  }
  makeDirectories(dirname(dir), mode);
  try {
    // Its parent is there now: ENOENT again means this folder cannot be made (/proc, /sys).
    mkdirSync(dir, { mode });
  } catch (err) {
    // Made meanwhile by another process.
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || !statSync(dir).isDirectory()) throw err;
  }
}
