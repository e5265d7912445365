import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import nodeModule from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
// @ts-expect-error: bin/ is plain JavaScript without type declarations (it runs before any loader).
import { compileCacheDir, enableCompileCache } from '../../bin/compile-cache.js';
import { runFerry } from '../helpers/run-ferry.ts';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ferry-compile-cache-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** node:module as Node 22.1+ has it: enableCompileCache(dir) answers a status (1: enabled). */
function nodeWithCache() {
  const calls: string[] = [];
  return {
    calls,
    enableCompileCache(dir: string) {
      if (typeof dir !== 'string' || !existsSync(dir)) return { status: 0, message: `cannot open ${dir}` };
      calls.push(dir);
      return { status: 1, directory: dir };
    },
  };
}

describe('the compile cache bin/ferry.js turns on', () => {
  it('lives beside the render cache, under XDG_CACHE_HOME or ~/.cache, never in the shared temp folder', () => {
    expect(compileCacheDir({ XDG_CACHE_HOME: '/x/cache' }, () => '/home/u')).toBe('/x/cache/ferry/compile');
    expect(compileCacheDir({}, () => '/home/u')).toBe('/home/u/.cache/ferry/compile');
  });

  it('is made readable and writable by this user only, and handed to Node', () => {
    const xdg = tempDir();
    const node = nodeWithCache();
    expect(enableCompileCache(node, { XDG_CACHE_HOME: xdg })).toBe('on');
    const dir = join(xdg, 'ferry', 'compile');
    expect(node.calls).toEqual([dir]);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
  });

  it("leaves Node's own switches alone and does nothing on a Node without a cache", () => {
    const node = nodeWithCache();
    expect(enableCompileCache(node, { NODE_COMPILE_CACHE: '/elsewhere' })).toBe('left to node');
    expect(enableCompileCache(node, { NODE_DISABLE_COMPILE_CACHE: '1' })).toBe('left to node');
    expect(node.calls).toEqual([]);
    expect(enableCompileCache({}, { XDG_CACHE_HOME: tempDir() })).toBe('unavailable');
  });

  it('stays off when its folder cannot be made, or there is no home folder to make it in', () => {
    const xdg = tempDir();
    writeFileSync(join(xdg, 'ferry'), 'a file where the folder would go');
    const node = nodeWithCache();
    expect(enableCompileCache(node, { XDG_CACHE_HOME: xdg })).toBe('off');
    const noHome = () => {
      throw new Error('ENOENT: no such file or directory, uv_os_homedir');
    };
    expect(enableCompileCache(node, {}, noHome)).toBe('off');
    expect(node.calls).toEqual([]);
  });

  it('fills the folder on a Node that has a cache, and makes none on one that has not', () => {
    const xdg = tempDir();
    const r = runFerry(['--help'], {
      env: { XDG_CACHE_HOME: xdg, NODE_COMPILE_CACHE: undefined, NODE_DISABLE_COMPILE_CACHE: undefined },
    });
    expect(r.code).toBe(0);
    const dir = join(xdg, 'ferry', 'compile');
    if (typeof (nodeModule as { enableCompileCache?: unknown }).enableCompileCache === 'function') {
      // Node 22.1+: one subfolder per Node version and flags, holding the compiled modules.
      expect(readdirSync(dir).length).toBeGreaterThan(0);
    } else {
      expect(existsSync(dir)).toBe(false);
    }
  });
});
