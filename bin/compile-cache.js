// Node's compile cache for the CLI's modules (Node 22.1 and later; Node 20 has none), so a command
// does not compile the same bundle from its source every time. bin/ferry.js calls it before it loads
// the CLI; its own module so that a test can check the folder it picks.
import { mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

/**
 * Where the cache lives: beside the render cache, in a folder only this user can write
 * (`$XDG_CACHE_HOME/ferry/compile`, else `~/.cache/ferry/compile`). Compiled code read from a folder
 * another user can write would be their code; a shared temp folder (Node's default) is not used.
 *
 * @param {NodeJS.ProcessEnv} env
 * @param {() => string} home
 * @returns {string}
 */
export function compileCacheDir(env, home = homedir) {
  return join(env.XDG_CACHE_HOME || join(home(), '.cache'), 'ferry', 'compile');
}

/**
 * The cache folder, made if need be, readable and writable by this user only; undefined when it cannot
 * be made (a read-only home, no home at all).
 *
 * @param {NodeJS.ProcessEnv} env
 * @param {() => string} home
 * @returns {string | undefined}
 */
export function makeCompileCacheDir(env, home = homedir) {
  try {
    // os.homedir() throws where the user has no home (some containers).
    const dir = compileCacheDir(env, home);
    // Its last three levels made one at a time (the cache folder, `ferry`, the folder they go in):
    // Node's recursive mkdir never returns for a path under /proc or /sys (XDG_CACHE_HOME=/proc/x).
    for (const level of [dirname(dirname(dir)), dirname(dir), dir]) {
      try {
        mkdirSync(level, { mode: 0o700 });
      } catch (err) {
        if (/** @type {NodeJS.ErrnoException} */ (err).code !== 'EEXIST') throw err;
      }
    }
    return dir;
  } catch (err) {
    // Without a folder there is no cache, and nothing else changes.
    void err;
    return undefined;
  }
}

/**
 * Turns the cache on when this Node has one. Node's own switches win: NODE_COMPILE_CACHE=DIR (Node
 * enabled it at start, in DIR) and NODE_DISABLE_COMPILE_CACHE=1. A folder that cannot be made (a
 * read-only home, no home at all) leaves the cache off; nothing else changes.
 *
 * @param {{ enableCompileCache?: (dir: string) => { status: number } }} nodeModule `node:module`
 * @param {NodeJS.ProcessEnv} env
 * @param {() => string} home
 * @returns {'unavailable' | 'left to node' | 'off' | 'on'}
 */
export function enableCompileCache(nodeModule, env, home = homedir) {
  if (typeof nodeModule.enableCompileCache !== 'function') return 'unavailable';
  if (env.NODE_COMPILE_CACHE || env.NODE_DISABLE_COMPILE_CACHE) return 'left to node';
  const dir = makeCompileCacheDir(env, home);
  if (dir === undefined) return 'off';
  const { status } = nodeModule.enableCompileCache(dir);
  // module.constants.compileCacheStatus: ENABLED 1, ALREADY_ENABLED 2.
  return status === 1 || status === 2 ? 'on' : 'off';
}
