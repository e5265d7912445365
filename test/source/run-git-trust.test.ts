import { execFileSync } from 'node:child_process';
import { mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runGit } from '../../src/source/run-git.ts';

// Its own file: whether git was refused before is this module's state for the whole process.
let dir: string;
const saved = { ...process.env };

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ferry-test-git-trust-'));
  const repo = join(dir, 'repo');
  execFileSync('git', ['init', '-q', '-b', 'main', repo]);
  execFileSync('git', [
    '-C',
    repo,
    '-c',
    'user.name=t',
    '-c',
    'user.email=t@e',
    'commit',
    '-q',
    '--allow-empty',
    '-m',
    'one',
  ]);
  const trust = join(dir, 'trust.gitconfig');
  await writeFile(trust, `[safe]\n\tdirectory = ${await realpath(repo)}\n`);
  // git's own test switch: every repository is another user's (a CI container's checkout); the user
  // trusts this one in their global config.
  process.env.GIT_TEST_ASSUME_DIFFERENT_OWNER = '1';
  process.env.GIT_CONFIG_GLOBAL = trust;
});

afterAll(async () => {
  process.env = saved;
  await rm(dir, { recursive: true, force: true });
});

it("honours the user's safe.directory for every git command refused at once, not only the first", async () => {
  // ferry diff reads base and head at the same time: both were refused, the first ran again trusted,
  // the second failed "git refuses to read …" although the user trusts the repository.
  const results = await Promise.all([1, 2, 3].map(() => runGit(join(dir, 'repo'), ['rev-parse', 'HEAD'])));
  expect(results.map((r) => [r.code, r.stderr])).toEqual([
    [0, ''],
    [0, ''],
    [0, ''],
  ]);
});
