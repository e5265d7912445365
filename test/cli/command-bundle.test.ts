import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import nodeModule from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
// @ts-expect-error: bin/ is plain JavaScript without type declarations (it runs before any loader).
import { findCommandBundle } from '../../bin/command-bundle.js';
import { runFerry } from '../helpers/run-ferry.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const dist = join(root, 'dist', 'cli');
const loader = pathToFileURL(join(root, 'bin', 'command-bundle.js')).href;
/** Node 22.1+ keeps ES modules' compiled code itself; bin/ferry.js runs bundles only where it cannot. */
const nodeHasModuleCache =
  typeof (nodeModule as { enableCompileCache?: unknown }).enableCompileCache === 'function';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ferry-command-bundle-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A bundle as the build writes one: CommonJS exporting `run`, which loads a builtin lazily (import() made require()). */
function writeBundle(dir: string, name: string, body = 'return argv.length'): string {
  const file = join(dir, `${name}.cjs`);
  writeFileSync(
    file,
    '(function (exports, require, module, __filename, __dirname) {\n' +
      `exports.run = async (argv) => { const { gzipSync } = await Promise.resolve().then(() => require('node:zlib')); void gzipSync; ${body}; };\n` +
      '})',
  );
  return file;
}

/** Loads `file` with loadCommandBundle in a fresh Node (the cache is written as that process exits). */
function load(file: string, cacheDir: string | undefined, argv: string[] = [], nodeFlags: string[] = []) {
  const code = [
    `const { loadCommandBundle } = await import(${JSON.stringify(loader)});`,
    `const { run, cache } = loadCommandBundle(${JSON.stringify(file)}, ${JSON.stringify(cacheDir)});`,
    'console.log(cache, await run(process.argv.slice(1)));',
  ].join('\n');
  const r = spawnSync(process.execPath, [...nodeFlags, '--input-type=module', '-e', code, ...argv], {
    encoding: 'utf8',
  });
  return { code: r.status, out: r.stdout.trim(), err: r.stderr };
}

describe("the commands' bundles (Node 20: V8's code cache)", () => {
  it('finds the bundle of diff and render in the build, and none for any other word', () => {
    for (const name of ['diff', 'render']) {
      const file = findCommandBundle(dist, name);
      expect(file).toMatch(new RegExp(`/chunks/command-${name}-[A-Z0-9]+\\.cjs$`));
      expect(statSync(file).isFile()).toBe(true);
    }
    for (const word of [
      'validate',
      'serve',
      'agent',
      '--help',
      'help',
      '__proto__',
      'constructor',
      'toString',
      undefined,
    ]) {
      expect(findCommandBundle(dist, word)).toBeUndefined();
    }
    // A build from before the bundles, a list cut short, a bundle gone: the ES modules run the command.
    const dir = tempDir();
    expect(findCommandBundle(dir, 'diff')).toBeUndefined();
    writeFileSync(join(dir, 'commands.json'), '{"diff": "chunks/command-diff-X.cjs"');
    expect(findCommandBundle(dir, 'diff')).toBeUndefined();
    writeFileSync(join(dir, 'commands.json'), '{"diff": "chunks/command-diff-X.cjs"}');
    expect(findCommandBundle(dir, 'diff')).toBeUndefined();
    writeFileSync(join(dir, 'commands.json'), 'null');
    expect(findCommandBundle(dir, 'diff')).toBeUndefined();
  });

  it('writes the code cache as the first run exits, private to the user, and the next run uses it', () => {
    const dir = tempDir();
    const cache = join(dir, 'cache');
    mkdirSync(cache, { mode: 0o700 });
    const file = writeBundle(dir, 'command-x-AAAA');
    expect(load(file, cache, ['a', 'b'])).toMatchObject({ code: 0, out: 'written 2' });
    const [written, ...others] = readdirSync(cache);
    expect(others).toEqual([]);
    // Named by the bundle, the Node, and node's flags (here `-e …`).
    expect(written).toMatch(
      new RegExp(`^command-x-AAAA\\.${process.version}-${process.arch}-[0-9a-f]{8}\\.v8$`),
    );
    expect(statSync(join(cache, written as string)).mode & 0o777).toBe(0o600);
    expect(load(file, cache, ['a'])).toMatchObject({ code: 0, out: 'used 1' });
  });

  it('keeps a cache per set of node flags, which V8 would refuse from the other', () => {
    const dir = tempDir();
    const cache = join(dir, 'cache');
    mkdirSync(cache, { mode: 0o700 });
    const file = writeBundle(dir, 'command-x-AAAA');
    expect(load(file, cache)).toMatchObject({ code: 0, out: 'written 0' });
    expect(load(file, cache, [], ['--stack-size=900'])).toMatchObject({ code: 0, out: 'written 0' });
    expect(readdirSync(cache)).toHaveLength(2);
    expect(load(file, cache)).toMatchObject({ code: 0, out: 'used 0' });
    expect(load(file, cache, [], ['--stack-size=900'])).toMatchObject({ code: 0, out: 'used 0' });
  });

  it('compiles from the source when the cache is not for this code, and replaces it; a new build drops the old caches', () => {
    const dir = tempDir();
    const cache = join(dir, 'cache');
    mkdirSync(cache, { mode: 0o700 });
    const file = writeBundle(dir, 'command-x-AAAA');
    expect(load(file, cache)).toMatchObject({ code: 0, out: 'written 0' });
    const [cached] = readdirSync(cache);
    // Bytes that are no code cache (torn, planted, another Node's): V8 refuses them.
    writeFileSync(join(cache, cached as string), 'not a code cache');
    expect(load(file, cache)).toMatchObject({ code: 0, out: 'written 0' });
    expect(load(file, cache)).toMatchObject({ code: 0, out: 'used 0' });
    // The next build's bundle (another hash): its own cache, and the old one is gone.
    const next = writeBundle(dir, 'command-x-BBBB', 'return 42');
    writeFileSync(join(cache, 'command-y-CCCC.v8'), 'another command');
    expect(load(next, cache)).toMatchObject({ code: 0, out: 'written 42' });
    expect(readdirSync(cache).sort()).toEqual([
      expect.stringMatching(/^command-x-BBBB\./),
      'command-y-CCCC.v8',
    ]);
  });

  it('runs without a cache where there is no folder or it cannot be written, and keeps none from --help', () => {
    const dir = tempDir();
    const file = writeBundle(dir, 'command-x-AAAA');
    expect(load(file, undefined)).toMatchObject({ code: 0, out: 'off 0' });
    // A "folder" that is a file: nothing can be written under it, whoever runs this (root too).
    const notFolder = join(dir, 'not-a-folder');
    writeFileSync(notFolder, '');
    expect(load(file, notFolder)).toMatchObject({ code: 0, out: 'written 0', err: '' });
    expect(readdirSync(dir).sort()).toEqual(['command-x-AAAA.cjs', 'not-a-folder']);
    const cache = join(dir, 'cache');
    mkdirSync(cache, { mode: 0o700 });
    expect(load(file, cache, ['x', '--help'])).toMatchObject({ code: 0, out: 'written 2' });
    expect(readdirSync(cache)).toEqual([]);
  });

  it("runs ferry render from its bundle with the cache on Node 20 (the ES modules with Node's cache on 22), the second run as the first", () => {
    const xdg = tempDir();
    const env = { XDG_CACHE_HOME: xdg, NODE_COMPILE_CACHE: undefined, NODE_DISABLE_COMPILE_CACHE: undefined };
    const args = ['render', 'staging', '--repo', join(root, 'examples', 'classifier')];
    const first = runFerry(args, { env });
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('kind: InferenceService');
    const caches = readdirSync(join(xdg, 'ferry', 'compile'));
    if (nodeHasModuleCache) {
      // Node 22.1+: its own folder per Node version and flags; no bundle ran.
      expect(caches.filter((c) => c.startsWith('command-'))).toEqual([]);
      expect(caches.length).toBeGreaterThan(0);
    } else {
      expect(caches).toEqual([
        expect.stringMatching(/^command-render-[A-Z0-9]+\.v\d+\.\d+\.\d+-\w+(-[0-9a-f]{8})?\.v8$/),
      ]);
    }
    const second = runFerry(args, { env });
    expect(second).toEqual(first);
    // With the caches off, the ES modules run it and give the same: the bundle is the same code.
    expect(runFerry(args, { env: { ...env, NODE_DISABLE_COMPILE_CACHE: '1' } })).toEqual(first);
  });
});
