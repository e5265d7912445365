import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolvePaths, resolveWorkTree } from '../../src/cli/resolve-repo.ts';
import { UsageError } from '../../src/cli/usage-error.ts';
import { createTestRepo, type TestRepo } from '../helpers/git-repo.ts';
import { runFerry } from '../helpers/run-ferry.ts';

const CONFIG = 'targets:\n  - name: staging\n    path: deploy/staging\n    branch: main\n';
const CONFIG_MAP = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  a: "1"\n';

let repo: TestRepo;
let bare: string;
let outside: string;

beforeAll(() => {
  repo = createTestRepo();
  repo.write({
    '.github/ferry.yml': CONFIG,
    'deploy/staging/cm.yaml': CONFIG_MAP,
    'app/main.py': 'print("hi")\n',
  });
  repo.commit('init');
  outside = realpathSync(mkdtempSync(join(tmpdir(), 'ferry-resolve-repo-')));
  bare = join(outside, 'bare.git');
  execFileSync('git', ['clone', '-q', '--bare', repo.dir, bare]);
  mkdirSync(join(outside, 'plain', 'k'), { recursive: true });
  writeFileSync(join(outside, 'plain', 'k', 'cm.yaml'), CONFIG_MAP);
});

afterAll(() => {
  repo.dispose();
  rmSync(outside, { recursive: true, force: true });
});

describe('resolveWorkTree', () => {
  it("is the working directory's git root, from any folder of the repository", () => {
    const root = realpathSync(repo.dir);
    expect(resolveWorkTree(undefined, join(repo.dir, 'deploy', 'staging'))).toBe(root);
    expect(resolveWorkTree(undefined, repo.dir)).toBe(root);
  });

  it('is --repo as given, and the folder itself outside any repository', () => {
    expect(resolveWorkTree('deploy', repo.dir)).toBe(join(repo.dir, 'deploy'));
    expect(resolveWorkTree(undefined, join(outside, 'plain', 'k'))).toBe(join(outside, 'plain', 'k'));
  });

  it('refuses a bare repository and a .git folder, which have no working tree', () => {
    expect(() => resolveWorkTree(undefined, bare)).toThrow(
      `the working directory ${bare} is a bare git repository: it has no working tree`,
    );
    expect(() => resolveWorkTree('bare.git', outside)).toThrow('--repo bare.git is a bare git repository');
    expect(() => resolveWorkTree(undefined, join(repo.dir, '.git'))).toThrow('is inside a .git folder');
  });
});

describe('the CLI run from a subfolder reads the repository', () => {
  it('ferry render TARGET', () => {
    const r = runFerry(['render', 'staging'], { cwd: join(repo.dir, 'deploy') });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('# Source: deploy/staging/cm.yaml:1');
  });

  it('ferry validate, and ferry validate --target', () => {
    for (const args of [[], ['--target', 'staging']]) {
      const r = runFerry(['validate', '--format', 'json', ...args], { cwd: join(repo.dir, 'app') });
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ resources: 1 });
    }
  });

  it('ferry validate outside any repository reads the folder, as before', () => {
    const r = runFerry(['validate', '--format', 'json'], { cwd: join(outside, 'plain', 'k') });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ resources: 1 });
  });

  it('ferry render in a bare clone says it has no working tree, exit 2', () => {
    const r = runFerry(['render', 'staging'], { cwd: bare });
    expect(r.code).toBe(2);
    expect(r.stderr.trimEnd().split('\n')).toEqual([
      `ferry render: the working directory ${bare} is a bare git repository: it has no working tree to read .github/ferry.yml and manifests from; run ferry in a clone with one, or pass --repo DIR (see 'ferry render --help')`,
    ]);
  });
});

describe('resolvePaths says what is wrong with a PATH it cannot follow', () => {
  let links: string;
  beforeAll(() => {
    links = join(repo.dir, 'links');
    mkdirSync(links);
    symlinkSync('loop2', join(links, 'loop1'));
    symlinkSync('loop1', join(links, 'loop2'));
    symlinkSync(join(outside, 'plain'), join(links, 'outside'));
  });

  it('a symlink loop', () => {
    // It was an internal error: ELOOP.
    expect(() => resolvePaths(['links/loop1'], undefined, repo.dir)).toThrow(
      new UsageError(
        'links/loop1: a symlink loop (too many levels of symbolic links): fix the link, or name the file it should lead to',
      ),
    );
  });

  it('a symlink leading outside the repository, first or after another PATH', () => {
    // It said: links/outside is not in the same repository as links/outside.
    const message = `links/outside leads through a symlink to ${join(outside, 'plain')}, outside ${realpathSync(repo.dir)}: name ${join(outside, 'plain')} itself to validate it`;
    expect(() => resolvePaths(['links/outside'], undefined, repo.dir)).toThrow(new UsageError(message));
    expect(() => resolvePaths(['deploy', 'links/outside'], undefined, repo.dir)).toThrow(
      new UsageError(message),
    );
  });

  it('a PATH below a file is missing, as any missing PATH', () => {
    expect(resolvePaths(['deploy/staging/cm.yaml/x'], undefined, repo.dir).paths).toEqual([
      'deploy/staging/cm.yaml/x',
    ]);
  });

  it('the CLI says it in one line, exit 2', () => {
    const r = runFerry(['validate', 'links/loop1'], { cwd: repo.dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      "ferry validate: links/loop1: a symlink loop (too many levels of symbolic links): fix the link, or name the file it should lead to (see 'ferry validate --help')\n",
    );
  });
});
