import { spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runFerry } from '../helpers/run-ferry.ts';

const SEED = readFileSync(
  join(import.meta.dirname, '..', '..', 'examples/seed/kubernetes/deployment.yaml'),
  'utf8',
);
const BIN = join(import.meta.dirname, '..', '..', 'bin', 'ferry.js');

type Found = { file: string; line: number; rule: string; severity: string; message: string };

// kubeconform's `helm template . | kubeconform -`: a rendered stream validated without a file.
describe('ferry validate - (standard input) and piped PATHs', () => {
  it('validates what is piped to -, naming it <stdin> with the lines of the stream', () => {
    const r = runFerry(['validate', '-', '--format', 'json'], { input: SEED });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout) as { resources: number; findings: Found[] };
    expect(out.resources).toBe(1);
    // The same findings, on the same lines, as the file itself gets.
    const fromFile = JSON.parse(
      runFerry(['validate', 'examples/seed/kubernetes/deployment.yaml', '--format', 'json']).stdout,
    ) as { findings: Found[] };
    expect(out.findings.map((f) => [f.file, f.line, f.rule])).toEqual(
      fromFile.findings.map((f) => ['<stdin>', f.line, f.rule]),
    );
    expect(out.findings).toContainEqual(
      expect.objectContaining({ file: '<stdin>', line: 3, rule: 'schema', severity: 'error' }),
    );
    // No temp folder of Ferry's leaks into what the user reads.
    expect(r.stdout).not.toMatch(/ferry-stdin-|stream-0/);
  });

  it('reads a pipe named by path, as bash gives `<(helm template …)`, under the name given', () => {
    const r = spawnSync('bash', ['-c', `"${process.execPath}" "${BIN}" validate <(cat) --format json`], {
      input: SEED,
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1' },
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(1);
    const out = JSON.parse(r.stdout) as { resources: number; findings: Found[] };
    expect(out.resources).toBe(1);
    expect(out.findings[0]?.file).toMatch(/^\/dev\/fd\/\d+$/);
  });

  it.each(['/dev/stdin', '/proc/self/fd/0'])(
    'reads %s as standard input when a file is redirected to it (`< file.yaml`), under the name given',
    (path) => {
      const dir = mkdtempSync(join(tmpdir(), 'ferry-stdin-file-'));
      try {
        writeFileSync(join(dir, 'seed.yaml'), SEED);
        const file = openSync(join(dir, 'seed.yaml'), 'r');
        // It said: /dev/stdin is not in the same repository as /dev/stdin.
        const r = spawnSync(process.execPath, [BIN, 'validate', path, '--format', 'json'], {
          cwd: dir,
          stdio: [file, 'pipe', 'pipe'],
          encoding: 'utf8',
          env: { ...process.env, NO_COLOR: '1' },
        });
        closeSync(file);
        expect(r.stderr).toBe('');
        expect(r.status).toBe(1);
        const out = JSON.parse(r.stdout) as { resources: number; findings: Found[] };
        expect(out.resources).toBe(1);
        expect(out.findings[0]?.file).toBe(path);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );

  it("checks the stream with --repo's settings: a rule the repository turns off stays off", () => {
    const repo = mkdtempSync(join(tmpdir(), 'ferry-stdin-settings-'));
    try {
      mkdirSync(join(repo, '.github'));
      writeFileSync(join(repo, '.github', 'ferry.yml'), 'rules:\n  image-pinned: off\n');
      const rules = (args: string[]) =>
        (JSON.parse(runFerry(args, { input: SEED }).stdout) as { findings: Found[] }).findings.map(
          (f) => f.rule,
        );
      expect(rules(['validate', '-', '--format', 'json'])).toContain('image-pinned');
      expect(rules(['validate', '--repo', repo, '-', '--format', 'json'])).not.toContain('image-pinned');
    } finally {
      rmSync(repo, { recursive: true, force: true });
    }
  });

  it('says so when nothing was piped in: a producer that failed must not pass as "0 resources"', () => {
    const r = runFerry(['validate', '-'], { input: '' });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('0 resources');
    expect(r.stderr.trim()).toBe(
      'note: no Kubernetes resources in standard input: nothing was validated; if a command feeds it, set -o pipefail so that its failure fails the job',
    );
  });

  it('says so when a folder named as PATH holds no manifest', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ferry-empty-'));
    try {
      writeFileSync(join(dir, 'README.md'), '# nothing here\n');
      const r = runFerry(['validate', dir]);
      expect(r.code).toBe(0);
      expect(r.stderr.trim()).toBe(
        `note: no Kubernetes resources in ${dir}: nothing was validated (a folder's .yaml, .yml and .json files are read)`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.each([
    [
      ['validate', '-', 'examples/seed/kubernetes'],
      /^ferry validate: standard input \(-\) is a stream: validate it in a run of its own, without other PATHs \(see 'ferry validate --help'\)$/,
    ],
    [['validate', '-', '--target', 'x'], /^ferry validate: give either PATHs or --target, not both/],
  ])('refuses %j in one line with exit 2', (args, message) => {
    const r = runFerry(args, { input: SEED });
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(message);
  });
});
