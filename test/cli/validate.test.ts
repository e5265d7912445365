import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runFerry } from '../helpers/run-ferry.ts';

describe('ferry validate', () => {
  it('passes every target of the bundled example, rendered with kustomize and helm', () => {
    const r = runFerry(['validate', '--repo', 'examples/classifier', '--format', 'json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    // staging: 5, production: 6 (adds a PDB), batch-eval: 1 Job from the Helm chart.
    expect(out.resources).toBe(12);
    expect(out.findings.filter((f: { severity: string }) => f.severity === 'error')).toEqual([]);
  });

  it("catches the seed document's mistakes with file, line and a did-you-mean, and exits 1", () => {
    const r = runFerry(['validate', 'examples/seed/kubernetes', '--format', 'json']);
    expect(r.code).toBe(1);
    const { findings } = JSON.parse(r.stdout) as {
      findings: { file: string; line: number; rule: string; severity: string; message: string }[];
    };
    const file = 'examples/seed/kubernetes/deployment.yaml';
    expect(findings).toContainEqual(
      expect.objectContaining({
        file,
        line: 3,
        rule: 'schema',
        severity: 'error',
        message: expect.stringContaining('did you mean "metadata"'),
      }),
    );
    expect(findings).toContainEqual(
      expect.objectContaining({
        file,
        line: 17,
        rule: 'image-pinned',
        message: expect.stringContaining('my-image:latest'),
      }),
    );
    // The Argo CD Application is checked against the built-in catalogue's CRD: nothing to say.
    expect(findings.filter((f) => f.file.endsWith('argocd-application.yaml'))).toEqual([]);
    expect(findings.map((f) => f.message).join('\n')).not.toContain('not validated');
  });

  it('checks no target of a .github/ferry.yml with errors, rather than the whole repository', () => {
    const repo = mkdtempSync(join(tmpdir(), 'ferry-validate-broken-'));
    try {
      mkdirSync(join(repo, '.github'));
      mkdirSync(join(repo, 'serving'));
      mkdirSync(join(repo, 'test'));
      writeFileSync(
        join(repo, '.github', 'ferry.yml'),
        'targets:\n  - name: serving\n    path: serving\n    helm:\n      values: [a.yaml]\n      values: [b.yaml]\n',
      );
      const pod =
        'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: c, image: x}]}\n';
      writeFileSync(join(repo, 'serving', 'pod.yaml'), pod);
      writeFileSync(join(repo, 'test', 'pod.yaml'), pod);
      const r = runFerry(['validate', '--repo', repo, '--format', 'json']);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(1);
      const out = JSON.parse(r.stdout) as {
        resources: number;
        findings: { line: number; message: string }[];
      };
      expect(out.resources).toBe(0);
      expect(out.findings.map((f) => `${f.line} ${f.message}`)).toEqual([
        '6 targets[0].helm.values: duplicate key',
        '6 no target is checked or previewed while this file has errors (a merge deploys nothing from it): fix them first',
      ]);
    } finally {
      rmSync(repo, { recursive: true, force: true });
    }
  });

  it('groups findings by file in text output, with a tally', () => {
    const r = runFerry(['validate', 'examples/seed/kubernetes']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^examples\/seed\/kubernetes\/deployment\.yaml$/m);
    expect(r.stdout).toContain('2 errors, 1 warning in 3 resources');
    expect(r.stdout).not.toContain('\u001b['); // NO_COLOR and not a TTY: no escape codes
  });

  it('validates one target with --target', () => {
    const r = runFerry([
      'validate',
      '--repo',
      'examples/classifier',
      '--target',
      'batch-eval',
      '--format',
      'json',
    ]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).resources).toBe(1);
  });

  it.each([
    [['validate', 'no/such/path'], /no\/such\/path/],
    [['validate', '--format', 'yaml'], /option '--format' must be one of text, json/],
    [['validate', '--bogus'], /unknown option '--bogus' \(see 'ferry validate --help'\)/],
    [['validate', '--repo', 'examples/classifier', '--target', 'nope'], /no target 'nope'/],
    [['frobnicate'], /unknown command 'frobnicate'/],
  ])('reports a usage problem %j in one line with exit 2 and no stack', (args, message) => {
    const r = runFerry(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('says which kustomizations and charts the root target without .github/ferry.yml leaves out', () => {
    const repo = mkdtempSync(join(tmpdir(), 'ferry-units-'));
    try {
      for (const dir of ['apps/a/base', 'apps/b/overlays/prod']) {
        mkdirSync(join(repo, dir), { recursive: true });
        writeFileSync(join(repo, dir, 'kustomization.yaml'), 'resources: []\n');
      }
      writeFileSync(join(repo, 'cm.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n');
      const r = runFerry(['validate', '--repo', repo, '--format', 'json']);
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout).resources).toBe(1);
      expect(r.stderr.trim().split('\n')).toEqual([
        'note: no .github/ferry.yml, so the repository root is one plain target and 2 folders with a kustomization or a chart below it (apps/a/base, apps/b/overlays/prod) were not rendered, as they are targets of their own: name one (ferry validate apps/a/base) or list them as targets in .github/ferry.yml (docs/config.md)',
      ]);
      // With a configuration the targets are the user's: nothing to say.
      mkdirSync(join(repo, '.github'));
      writeFileSync(join(repo, '.github', 'ferry.yml'), 'targets:\n  - name: root\n    path: .\n');
      expect(runFerry(['validate', '--repo', repo]).stderr).toBe('');
    } finally {
      rmSync(repo, { recursive: true, force: true });
    }
  });

  it('says which kustomizations and charts below a PATH it leaves out, named as the user named the PATH', () => {
    // gpu-operator's config/: nine kustomizations and no manifest of its own passed as "0 resources".
    const repo = mkdtempSync(join(tmpdir(), 'ferry-units-'));
    try {
      for (const dir of ['config/crd', 'config/default', 'config/samples']) {
        mkdirSync(join(repo, dir), { recursive: true });
        writeFileSync(join(repo, dir, 'kustomization.yaml'), 'resources: []\n');
      }
      const r = runFerry(['validate', '--repo', repo, 'config/', '--format', 'json']);
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout).resources).toBe(0);
      expect(r.stderr.trim().split('\n')).toEqual([
        'note: config/ is read as plain manifests, and 3 folders with a kustomization or a chart below it (config/crd, config/default, config/samples) were not rendered, as they are targets of their own: name one in its place (ferry validate config/crd) or list them as targets in .github/ferry.yml (docs/config.md)',
      ]);
      // A PATH that is a kustomization is rendered; this one renders nothing, which a warning says.
      const samples = runFerry(['validate', '--repo', repo, 'config/samples', '--format', 'json']);
      expect(samples.stderr).toBe('');
      expect(JSON.parse(samples.stdout).findings).toEqual([
        expect.objectContaining({
          file: 'config/samples/kustomization.yaml',
          line: 1,
          severity: 'warning',
          message: expect.stringMatching(
            /^this target renders nothing: kubectl kustomize printed no Kubernetes object/,
          ),
        }),
      ]);
    } finally {
      rmSync(repo, { recursive: true, force: true });
    }
  });

  it("warns on the target's line when its path renders no resources, and fails a helm block on a path that is no chart", () => {
    const repo = mkdtempSync(join(tmpdir(), 'ferry-empty-target-'));
    try {
      cpSync(join(import.meta.dirname, '..', '..', 'examples', 'classifier'), repo, { recursive: true });
      const config = (target: string) =>
        writeFileSync(join(repo, '.github', 'ferry.yml'), `targets:\n  - name: ev\n${target}`);
      config('    path: deploy/overlays\n');
      const overlays = runFerry(['validate', '--repo', repo, '--no-color']);
      expect(overlays.code).toBe(0);
      expect(overlays.stdout).toContain(
        "   3  warning  target 'ev' renders no resources, so nothing is checked or deployed: its path deploy/overlays holds no manifest of its own, and 2 folders with a kustomization or a chart below it (deploy/overlays/production, deploy/overlays/staging) were not rendered",
      );
      expect(runFerry(['render', 'ev', '--repo', repo]).stderr).toMatch(
        /^\.github\/ferry\.yml:3: warning: target 'ev' renders no resources/,
      );
      config(
        '    path: deploy/charts\n    helm:\n      releaseName: x\n      values: [deploy/charts/batch-eval/values-production.yaml]\n',
      );
      const helm = runFerry(['validate', '--repo', repo, '--no-color']);
      expect(helm.code).toBe(1);
      expect(helm.stdout).toContain(
        "   4  error    target 'ev' has a helm block, but its path deploy/charts is not a Helm chart (no Chart.yaml; it is a folder of plain manifests): point path at the chart's folder (the chart below it: deploy/charts/batch-eval)",
      );
    } finally {
      rmSync(repo, { recursive: true, force: true });
    }
  });

  it('checks kustomizations named together as deployables of their own: no duplicates between them', () => {
    // kubeflow/katib's installs: alternative overlays of one base, validated in one command.
    const repo = mkdtempSync(join(tmpdir(), 'ferry-overlays-'));
    try {
      const cm = (name: string) =>
        `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ${name}, namespace: ml}\n`;
      mkdirSync(join(repo, 'base'));
      writeFileSync(join(repo, 'base', 'cm.yaml'), cm('shared'));
      writeFileSync(join(repo, 'base', 'kustomization.yaml'), 'resources: [cm.yaml]\n');
      for (const overlay of ['staging', 'prod']) {
        mkdirSync(join(repo, overlay));
        writeFileSync(join(repo, overlay, 'kustomization.yaml'), 'resources: [../base]\n');
      }
      // Plain files beside them are one set with every path, as before.
      mkdirSync(join(repo, 'extra'));
      writeFileSync(join(repo, 'extra', 'again.yaml'), cm('shared'));
      const duplicates = (...paths: string[]) =>
        (
          JSON.parse(runFerry(['validate', '--repo', repo, ...paths, '--format', 'json']).stdout) as {
            findings: { rule: string; file: string }[];
          }
        ).findings.filter((f) => f.rule === 'duplicate-resource');
      expect(duplicates('staging', 'prod')).toEqual([]);
      expect(duplicates('staging', 'extra')).toEqual([expect.objectContaining({ file: 'extra/again.yaml' })]);
    } finally {
      rmSync(repo, { recursive: true, force: true });
    }
  });

  it('reads a PATH named twice once, so its objects are not duplicates of themselves', () => {
    const repo = mkdtempSync(join(tmpdir(), 'ferry-twice-'));
    try {
      mkdirSync(join(repo, 'deploy'));
      writeFileSync(
        join(repo, 'deploy', 'cm.yaml'),
        'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n',
      );
      const r = runFerry(['validate', '--repo', repo, 'deploy', './deploy/', '--format', 'json']);
      expect(JSON.parse(r.stdout)).toEqual({ resources: 1, findings: [] });
      expect(r.code).toBe(0);
    } finally {
      rmSync(repo, { recursive: true, force: true });
    }
  });

  it('names a manifest whose file name is not UTF-8 and says to rename it, in validate and render alike', () => {
    // Both crashed: validate with "internal error: ENOENT … lstat", render with "render failed: ENOENT".
    const dir = mkdtempSync(join(tmpdir(), 'ferry-validate-latin1-'));
    try {
      writeFileSync(join(dir, 'ok.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n');
      writeFileSync(
        Buffer.concat([Buffer.from(join(dir, 'cm-')), Buffer.from([0xe9]), Buffer.from('.yaml')]),
        '',
      );
      const message =
        "file name 'cm-\\xe9.yaml' in this folder is not UTF-8, so it cannot be read: rename it to a UTF-8 name; refusing to render";
      const validated = runFerry(['validate', '--format', 'json'], { cwd: dir });
      expect(validated.stderr).toBe('');
      expect(validated.code).toBe(1);
      expect(JSON.parse(validated.stdout)).toMatchObject({
        findings: [{ file: '.', rule: 'render', message }],
      });
      const rendered = runFerry(['render', 'default'], { cwd: dir });
      expect(rendered.stderr).toBe(`.:1: error: ${message}\n`);
      expect(rendered.code).toBe(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
