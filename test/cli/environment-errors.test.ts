// What the environment can get wrong around a command (a full disk, a broken binary, a file this user
// cannot read, a home folder that is not there): one line on stderr that says what to fix, exit 2
// where the command could not do its work, and nothing made where the user did not ask for it.
import { execFileSync, spawnSync } from 'node:child_process';
import {
  chmodSync,
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { envFileProblem } from '../../src/cli/read-env-file.ts';
import { expectOneLine } from '../helpers/expect-one-line.ts';
import { runFerry } from '../helpers/run-ferry.ts';

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'ferry.js');
let dir: string;
let repo: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ferry-environment-'));
  repo = join(dir, 'repo');
  mkdirSync(join(repo, '.github'), { recursive: true });
  mkdirSync(join(repo, 'k'));
  writeFileSync(join(repo, '.github', 'ferry.yml'), 'targets:\n  - name: prod\n    path: k\n');
  writeFileSync(
    join(repo, 'k', 'cm.yaml'),
    'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  a: "1"\n',
  );
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@x', ...args], { cwd: repo });
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('commit', '-qm', 'one');
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the environment around a command', () => {
  it('output that cannot be written (a full disk) is one line and exit 2, not a stack trace', () => {
    // It died with "Error: ENOSPC: no space left on device, write" and a stack, exit 1 (findings).
    const full = openSync('/dev/full', 'w');
    try {
      for (const args of [
        ['render', 'prod'],
        ['validate', '--format', 'json'],
      ]) {
        const r = spawnSync(process.execPath, [BIN, ...args], {
          cwd: repo,
          stdio: ['ignore', full, 'pipe'],
          encoding: 'utf8',
          env: { ...process.env, FERRY_RENDER_CACHE_DIR: 'off' },
        });
        expect(r.status).toBe(2);
        expect(r.stderr).toMatch(/^ferry: cannot write the output: ENOSPC: no space left on device/);
        expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
      }
    } finally {
      closeSync(full);
    }
  });

  it('ferry version with a helm that is not there: its own version, the problem on stderr, exit 2', () => {
    // It printed the problem on stdout among the versions and exited 1.
    const r = runFerry(['version'], { env: { FERRY_HELM: join(dir, 'no-such-helm') } });
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/^ferry +\d+\.\d+\.\d+\n$/);
    expect(r.stderr).toMatch(/^ferry version: helm: .*no-such-helm does not exist: set FERRY_HELM/);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
  });

  it('a .github/ferry.yml this user cannot read is a finding on the file, not an internal error', () => {
    // It said: ferry validate: internal error: EACCES: permission denied, open '…/.github/ferry.yml'.
    const unreadable = join(dir, 'unreadable');
    execFileSync('cp', ['-r', repo, unreadable]);
    chmodSync(join(unreadable, '.github', 'ferry.yml'), 0o000);
    try {
      const r = withoutReadOverride(['validate'], unreadable);
      expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
      expect(r.stdout).toMatch(
        /\.github\/ferry\.yml\n +1 +error +cannot be read: permission denied; make \.github\/ferry\.yml readable by the user running ferry +config/,
      );
      expect(r.status).toBe(1);
      const render = withoutReadOverride(['render', 'prod'], unreadable);
      expect(render.status).toBe(2);
      expect(render.stderr).toMatch(
        /^ferry render: \.github\/ferry\.yml:1: cannot be read: permission denied/,
      );
    } finally {
      chmodSync(join(unreadable, '.github', 'ferry.yml'), 0o644);
    }
  });

  it('sync without git installed says so, not that the repository has no origin remote', () => {
    const noGit = join(dir, 'no-git-bin');
    mkdirSync(noGit, { recursive: true });
    const r = runFerry(['sync', 'prod', '--revision', 'a'.repeat(40)], {
      cwd: repo,
      env: { PATH: noGit, GITHUB_REPOSITORY: '' },
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /^ferry sync: git is not installed \(or not on PATH\), so the repository cannot be read from its origin remote: install git, or pass --repo OWNER\/NAME/,
    );
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
  });

  it('a home folder that is not there is not made for the render cache (HOME=/nonexistent)', () => {
    // It made <HOME>/.cache/ferry/renders, for HOME=/nonexistent at the root of the filesystem.
    const home = join(dir, 'nonexistent');
    const r = runFerry(['diff', '--base', 'HEAD', '--head', 'HEAD', '--all'], {
      cwd: repo,
      env: { HOME: home, XDG_CACHE_HOME: '', FERRY_RENDER_CACHE_DIR: '' },
    });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(existsSync(home)).toBe(false);
  });
});

describe("ferry serve's .env file", () => {
  const serveWith = (name: string, make: (at: string) => void) => {
    const at = join(dir, name);
    mkdirSync(at);
    make(join(at, '.env'));
    return runFerry(['serve'], { cwd: at, env: { APP_ID: '', PRIVATE_KEY: '', WEBHOOK_SECRET: '' } });
  };
  it('a folder named .env is said as such, not as an internal error', () => {
    // It said: ferry serve: internal error: Contents of '.env' should be a valid string.
    expectOneLine(
      serveWith('env-folder', (file) => mkdirSync(file)),
      /^ferry serve: \.env is a folder: ferry serve reads variables from a file named \.env; rename it/,
    );
  });

  it('a YAML-style line is named with the KEY=value to write, not left for every variable to be "missing"', () => {
    expectOneLine(
      serveWith('env-yaml', (file) => writeFileSync(file, '# the App\nAPP_ID: 12345\nWEBHOOK_SECRET: s\n')),
      /^ferry serve: \.env: line 2 is not KEY=value: write APP_ID=12345 /,
    );
  });

  it('a quote that never closes is named, not read into the secret', () => {
    // The server started with WEBHOOK_SECRET set to '"abc' and no warning.
    expectOneLine(
      serveWith('env-quote', (file) => writeFileSync(file, 'APP_ID=1\nWEBHOOK_SECRET="abc\n')),
      /^ferry serve: \.env: line 2: the value of WEBHOOK_SECRET opens a " quote that never closes; close it/,
    );
  });

  it('takes what Probot writes and dotenv files hold: comments, export, quotes, a key over several lines', () => {
    const text = [
      '# written by ferry serve --setup',
      'APP_ID=12345',
      'export LOG_LEVEL=info',
      "WEBHOOK_SECRET='s3cret'",
      'PRIVATE_KEY="-----BEGIN RSA PRIVATE KEY-----',
      'MIIEowIBAAKCAQEA',
      '-----END RSA PRIVATE KEY-----"',
      'GHE_HOST=',
      'EMPTY = ""',
      '',
    ].join('\n');
    expect(envFileProblem(text)).toBeUndefined();
    expect(envFileProblem('PRIVATE_KEY="-----BEGIN\nMIIE\n')).toMatch(
      /^line 1: the value of PRIVATE_KEY opens/,
    );
    expect(envFileProblem('just words\n')).toBe("line 1 is not KEY=value (a variable name, '=', its value)");
  });
});

/**
 * Runs ferry so that a file's mode binds it. Root reads any file (CAP_DAC_OVERRIDE and
 * CAP_DAC_READ_SEARCH), so as root the command runs without those two capabilities (util-linux
 * setpriv), still as root: the checkout, wherever it is and whoever may enter it, stays readable to it.
 * As anyone else the mode alone does it.
 */
function withoutReadOverride(args: string[], cwd: string) {
  const env = { ...process.env, NO_COLOR: '1', HOME: cwd, FERRY_RENDER_CACHE_DIR: 'off' };
  const command =
    process.getuid?.() === 0
      ? ['setpriv', '--bounding-set=-dac_override,-dac_read_search', process.execPath, BIN, ...args]
      : [process.execPath, BIN, ...args];
  return spawnSync(command[0] as string, command.slice(1), { cwd, env, encoding: 'utf8' });
}
