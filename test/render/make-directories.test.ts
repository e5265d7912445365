import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { makeDirectories } from '../../src/render/make-directories.ts';
import { runFerry } from '../helpers/run-ferry.ts';

const dir = mkdtempSync(join(tmpdir(), 'ferry-mkdirs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('makes every missing level with the mode given, and accepts a folder that is there', () => {
  const deep = join(dir, 'a', 'b', 'c');
  makeDirectories(deep, 0o700);
  for (const level of ['a', 'a/b', 'a/b/c']) {
    expect(statSync(join(dir, level)).mode & 0o777).toBe(0o700 & ~process.umask());
  }
  makeDirectories(deep, 0o700);
  writeFileSync(join(dir, 'file'), '');
  expect(() => makeDirectories(join(dir, 'file'), 0o700)).toThrow(/EEXIST/);
  expect(() => makeDirectories(join(dir, 'file', 'under'), 0o700)).toThrow(/ENOTDIR/);
});

// Node's recursive mkdir never returns for a path under /proc: `ferry diff` hung with
// FERRY_RENDER_CACHE_DIR=/proc/x. Run in a child with a deadline, so that a hang fails the test.
it('fails with ENOENT for a folder the kernel will not make (/proc), instead of never returning', () => {
  const code = `import('${new URL('../../src/render/make-directories.ts', import.meta.url).href}').then((m) => { try { m.makeDirectories('/proc/ferry-x/y', 0o700); console.log('made'); } catch (e) { console.log(e.code); } })`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', code], {
    encoding: 'utf8',
    timeout: 20_000,
  });
  expect(r.signal).toBeNull();
  expect(r.stdout.trim()).toBe('ENOENT');
});

it('ferry diff with its render cache or compile cache under /proc runs (without a cache), not for ever', () => {
  const repo = join(dir, 'repo');
  const git = (...args: string[]) =>
    spawnSync('git', ['-C', repo, '-c', 'user.name=t', '-c', 'user.email=t@e', ...args], {
      encoding: 'utf8',
    });
  spawnSync('git', ['init', '-q', '-b', 'main', repo]);
  writeFileSync(join(repo, 'cm.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n');
  git('add', '-A');
  git('commit', '-qm', 'one');
  writeFileSync(
    join(repo, 'cm.yaml'),
    'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: {k: v}\n',
  );
  git('commit', '-qam', 'two');
  const r = runFerry(['diff', '--repo', repo, '--base', 'HEAD~1', '--head', 'HEAD', '--format', 'json'], {
    env: { FERRY_RENDER_CACHE_DIR: '/proc/ferry-x', XDG_CACHE_HOME: '/proc/ferry-y' },
    timeoutMs: 60_000,
  });
  expect(r.code).toBe(0);
  expect(r.stderr).toBe('');
  expect(JSON.parse(r.stdout)).toBeInstanceOf(Object);
});
