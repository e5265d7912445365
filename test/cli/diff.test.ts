import { readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestRepo, type TestRepo } from '../helpers/git-repo.ts';
import { runFerry } from '../helpers/run-ferry.ts';

const EXAMPLE = join(import.meta.dirname, '..', '..', 'examples', 'classifier');

/** Applies examples/model-upgrade/upgrade.json, the same change `npm run demo` previews. */
function applyUpgrade(repo: TestRepo): void {
  const upgrade = JSON.parse(
    readFileSync(join(import.meta.dirname, '..', '..', 'examples', 'model-upgrade', 'upgrade.json'), 'utf8'),
  ) as { edits: { file: string; replace?: [string, string]; append?: string }[] };
  for (const edit of upgrade.edits) {
    let text = readFileSync(join(repo.dir, edit.file), 'utf8');
    if (edit.replace) text = text.replace(edit.replace[0], edit.replace[1]);
    if (edit.append) text += edit.append;
    repo.write({ [edit.file]: text });
  }
}

let repo: TestRepo | undefined;
afterEach(() => repo?.dispose());

describe('ferry diff', () => {
  it('previews a model upgrade: only affected targets, AI summary, exit 0, working tree untouched', () => {
    repo = createTestRepo(EXAMPLE);
    repo.commit('v1');
    repo.git('checkout', '-q', '-b', 'model-v2');
    applyUpgrade(repo);
    repo.commit('v2');
    repo.write({ 'uncommitted.txt': 'scratch' });

    const r = runFerry([
      'diff',
      '--repo',
      repo.dir,
      '--base',
      'main',
      '--head',
      'model-v2',
      '--format',
      'json',
    ]);
    // model-v2 is the checked-out commit: the untracked file is left out, and a note on stderr says so.
    expect(r.stderr).toMatch(/^note: ferry diff compares commits, and 1 file with uncommitted changes/);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as {
      targets: {
        name: string;
        changes: { kind: string; action: string }[];
        summary: { resource: string; facts: string[] }[];
      }[];
    };
    // batch-eval's chart is untouched by the change: not rendered, not shown.
    expect(out.targets.map((t) => t.name)).toEqual(['staging', 'production']);
    const production = out.targets.find((t) => t.name === 'production');
    const isvc = production?.summary.find((s) => s.resource === 'InferenceService ml/classifier');
    expect(isvc?.facts.join(', ')).toMatch(/→ …\/v2.*canary 10%.*GPUs 1 → 2/);
    expect(readFileSync(join(repo.dir, 'uncommitted.txt'), 'utf8')).toBe('scratch');
    expect(repo.git('status', '--porcelain')).toBe('?? uncommitted.txt');
  });

  describe("renders the base with the base's .github/ferry.yml", () => {
    const diffJson = (r: TestRepo) => {
      const out = runFerry([
        'diff',
        '--repo',
        r.dir,
        '--base',
        'HEAD~1',
        '--head',
        'HEAD',
        '--format',
        'json',
      ]);
      expect(out.stderr).toBe('');
      return JSON.parse(out.stdout) as {
        targets: {
          name: string;
          changes: { kind: string; name: string; action: string }[];
          targetRemoved?: true;
        }[];
      };
    };
    const editConfig = (r: TestRepo, edit: (text: string) => string) => {
      const text = readFileSync(join(r.dir, '.github/ferry.yml'), 'utf8');
      r.write({ '.github/ferry.yml': edit(text) });
    };
    const actions = (out: ReturnType<typeof diffJson>, name: string) =>
      out.targets.find((t) => t.name === name)?.changes.map((c) => `${c.action} ${c.kind} ${c.name}`);

    it("shows what a change to a target's helm values list deploys", () => {
      repo = createTestRepo(EXAMPLE);
      repo.commit('v1');
      editConfig(repo, (t) =>
        t.replace('values: [deploy/charts/batch-eval/values-production.yaml]', 'values: []'),
      );
      repo.commit('no production values');
      const out = diffJson(repo);
      expect(actions(out, 'batch-eval')).toEqual(['changed Job batch-eval-v1']);
      expect(actions(out, 'staging')?.every((a) => a.startsWith('unchanged'))).toBe(true);
    });

    it("shows what a change to a target's path deploys", () => {
      repo = createTestRepo(EXAMPLE);
      repo.commit('v1');
      editConfig(repo, (t) => t.replace('path: deploy/overlays/staging', 'path: deploy/overlays/production'));
      repo.commit('staging renders the production overlay');
      const out = diffJson(repo);
      // The production overlay sets its own namespace: staging's resources move there.
      const staging = actions(out, 'staging') ?? [];
      expect(staging.filter((a) => a.startsWith('removed'))).toHaveLength(5);
      expect(staging.filter((a) => a.startsWith('added'))).toHaveLength(6);
    });

    it('renders the base with the default config when the change adds .github/ferry.yml', () => {
      repo = createTestRepo(EXAMPLE);
      repo.commit('v1');
      repo.git('rm', '-q', '.github/ferry.yml');
      repo.commit('no config');
      repo.git('checkout', '-q', 'HEAD~1', '--', '.github/ferry.yml');
      repo.commit('config');
      const out = diffJson(repo);
      expect(out.targets.map((t) => [t.name, t.targetRemoved ?? false])).toEqual([
        ['staging', false],
        ['production', false],
        ['batch-eval', false],
        ['default', true],
      ]);
      // No target was configured at the base: everything the head deploys is new.
      for (const name of ['staging', 'production', 'batch-eval'])
        expect(actions(out, name)?.every((a) => a.startsWith('added'))).toBe(true);
    });
  });

  it('prints the sticky comment with --format markdown', () => {
    repo = createTestRepo(EXAMPLE);
    repo.commit('v1');
    applyUpgrade(repo);
    const head = repo.commit('v2');
    const r = runFerry([
      'diff',
      '--repo',
      repo.dir,
      '--base',
      'HEAD~1',
      '--head',
      'HEAD',
      '--format',
      'markdown',
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout.startsWith('<!-- ferry:sticky-comment -->')).toBe(true);
    expect(r.stdout).toContain(head.slice(0, 7));
    expect(r.stdout).toContain('canary 10%');
  });

  it('never prints a Secret value, in any format', () => {
    repo = createTestRepo();
    const secret = (password: string) =>
      `apiVersion: v1\nkind: Secret\nmetadata: {name: db, namespace: ml}\nstringData:\n  password: ${password}\n  user: ferry-service-user\n`;
    repo.write({ 'deploy/secret.yaml': secret('hunter2-old-passphrase') });
    repo.commit('base');
    repo.write({ 'deploy/secret.yaml': secret('correct-horse-battery-staple') });
    repo.commit('head');
    for (const format of ['text', 'markdown', 'json']) {
      const r = runFerry([
        'diff',
        '--repo',
        repo.dir,
        '--base',
        'HEAD~1',
        '--head',
        'HEAD',
        '--format',
        format,
      ]);
      const all = r.stdout + r.stderr;
      expect(all).toContain('password');
      for (const value of ['hunter2-old-passphrase', 'correct-horse-battery-staple', 'ferry-service-user']) {
        expect(all).not.toContain(value);
        expect(all).not.toContain(Buffer.from(value).toString('base64'));
      }
    }
  });

  it('fails (exit 1) and says why when the head does not render', () => {
    repo = createTestRepo();
    repo.write({ 'k8s/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n' });
    repo.commit('base');
    repo.write({ 'k8s/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a\n' });
    repo.commit('broken');
    const r = runFerry([
      'diff',
      '--repo',
      repo.dir,
      '--base',
      'HEAD~1',
      '--head',
      'HEAD',
      '--format',
      'markdown',
    ]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('k8s/cm.yaml');
    expect(r.stdout).toMatch(/❌/);
  });

  it("prints kustomize's own message under the finding that says it is below, in text", () => {
    repo = createTestRepo(EXAMPLE);
    repo.commit('base');
    repo.write({ 'deploy/overlays/staging/kustomization.yaml': 'resources:\n  - ../staging\n' });
    repo.commit('cycle');
    const r = runFerry(['diff', '--repo', repo.dir, '--base', 'HEAD~1', '--head', 'HEAD', '--no-color']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(
      /deploy\/overlays\/staging\/kustomization\.yaml:1 error render kubectl kustomize could not build this kustomization \(its message is below\)\n {6}│ error: .*cycle detected/,
    );
  });

  it('says a removal that an opt-out annotation keeps is kept, not deleted: markdown, text and json', () => {
    repo = createTestRepo();
    const pvc = `apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: model-cache
  namespace: ml
  annotations:
    helm.sh/resource-policy: keep
spec:
  accessModes: [ReadWriteOnce]
  resources: {requests: {storage: 100Gi}}
`;
    repo.write({
      'deploy/pvc.yaml': pvc,
      'deploy/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: old, namespace: ml}\n',
      'deploy/keep.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: stays, namespace: ml}\n',
    });
    repo.commit('base');
    repo.remove('deploy/pvc.yaml');
    repo.remove('deploy/cm.yaml');
    repo.commit('head');
    const run = (format: string) =>
      runFerry(['diff', '--repo', repo?.dir ?? '', '--base', 'HEAD~1', '--head', 'HEAD', '--format', format]);
    const markdown = run('markdown').stdout;
    const willDelete = markdown.split('**⚠️ Will delete**')[1]?.split('\n\n')[0] ?? '';
    expect(willDelete).toContain('ConfigMap ml/old');
    expect(willDelete).not.toContain('model-cache');
    expect(markdown).toMatch(
      /\*\*Kept\*\*[^\n]*\n- PersistentVolumeClaim ml\/model-cache — `helm.sh\/resource-policy: keep`/,
    );
    const text = run('text').stdout;
    expect(text).toContain(
      'kept in the cluster (removed from Git, not pruned):\n    PersistentVolumeClaim ml/model-cache — helm.sh/resource-policy: keep',
    );
    const json = JSON.parse(run('json').stdout) as {
      targets: { changes: { name: string; action: string; kept?: string }[] }[];
    };
    expect(json.targets[0]?.changes.filter((c) => c.action === 'removed')).toEqual([
      expect.objectContaining({ name: 'model-cache', kept: 'helm.sh/resource-policy: keep' }),
      expect.not.objectContaining({ kept: expect.anything() }),
    ]);
  });

  it('reports an unknown revision in one line with exit 2', () => {
    repo = createTestRepo();
    repo.commit('empty');
    const r = runFerry(['diff', '--repo', repo.dir, '--base', 'main', '--head', 'no-such-branch']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no-such-branch');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('requires --base and --head', () => {
    const r = runFerry(['diff', '--head', 'HEAD']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('missing --base (the revision to compare against');
  });

  it('says which kustomizations the root target without .github/ferry.yml leaves out of the diff', () => {
    repo = createTestRepo();
    repo.write({
      'apps/a/base/kustomization.yaml': 'resources: []\n',
      'cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: {k: one}\n',
    });
    repo.commit('base');
    repo.write({ 'cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: {k: two}\n' });
    repo.commit('head');
    const r = runFerry([
      'diff',
      '--repo',
      repo.dir,
      '--base',
      'HEAD~1',
      '--head',
      'HEAD',
      '--format',
      'json',
    ]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).targets[0].changes).toHaveLength(1);
    expect(r.stderr.trim().split('\n')).toEqual([
      'note: no .github/ferry.yml at the head revision, so the repository root is one plain target and 1 folder with a kustomization or a chart below it (apps/a/base) was not rendered, as it is a target of its own: list it as a target in .github/ferry.yml to diff it (docs/config.md)',
    ]);
  });

  describe('notes uncommitted changes when the head is the checked-out commit', () => {
    const NOTE = /^note: ferry diff compares commits, and (\d+) files? with uncommitted changes/;

    it('counts staged, unstaged and untracked files, on stderr only, in every format', () => {
      repo = createTestRepo(EXAMPLE);
      repo.commit('v1');
      repo.git('checkout', '-q', '-b', 'feature');
      const deployment = readFileSync(join(repo.dir, 'deploy/base/deployment.yaml'), 'utf8');
      repo.write({ 'deploy/base/deployment.yaml': deployment.replace('MODEL_VERSION', 'MODEL_VER') });
      repo.write({ 'deploy/base/staged.yaml': 'kind: ConfigMap\n', 'notes/new.txt': 'x' });
      repo.git('add', 'deploy/base/staged.yaml');
      for (const format of ['text', 'json', 'markdown']) {
        const args = ['diff', '--repo', repo.dir, '--base', 'main', '--head', 'HEAD', '--format', format];
        const r = runFerry(args);
        expect(r.code).toBe(0);
        expect(r.stderr.trim()).toMatch(NOTE);
        expect(NOTE.exec(r.stderr)?.[1]).toBe('3');
        expect(r.stderr).toContain('commit them to include them');
        expect(r.stdout).not.toMatch(/uncommitted/);
      }
      // A head other than the checked-out commit: the working tree is not what is compared.
      repo.commit('v2');
      const other = runFerry(['diff', '--repo', repo.dir, '--base', 'main', '--head', 'HEAD~1']);
      expect(other.stderr).toBe('');
    });

    it('says nothing for a clean working tree, nor when git status cannot run (a bare repository)', () => {
      repo = createTestRepo(EXAMPLE);
      repo.commit('v1');
      const clean = runFerry(['diff', '--repo', repo.dir, '--base', 'main', '--head', 'HEAD']);
      expect(clean.stderr).toBe('');
      const bare = join(repo.dir, 'bare.git');
      repo.git('clone', '-q', '--bare', repo.dir, bare);
      const r = runFerry(['diff', '--repo', bare, '--base', 'main', '--head', 'main']);
      expect(r.code).toBe(0);
      expect(r.stderr).toBe('');
    });
  });

  it('warns of a target in a git submodule, whose files it cannot read, on its line in .github/ferry.yml', () => {
    repo = createTestRepo();
    repo.write({
      '.github/ferry.yml': 'targets:\n  - name: vendored\n    path: vendor/mf/app\n    branch: main\n',
    });
    const first = repo.commit('base');
    // A gitlink (mode 160000) as `git submodule add` records it: only the submodule's commit.
    repo.git('update-index', '--add', '--cacheinfo', `160000,${first},vendor/mf`);
    repo.git('commit', '-q', '-m', 'add submodule');
    const second = repo.git('rev-parse', 'HEAD');
    repo.git('update-index', '--cacheinfo', `160000,${second},vendor/mf`);
    repo.git('commit', '-q', '-m', 'bump submodule');
    for (const base of ['HEAD~1', 'HEAD~2']) {
      const r = runFerry(['diff', '--repo', repo.dir, '--base', base, '--head', 'HEAD', '--format', 'json']);
      expect(r.code).toBe(0);
      const out = JSON.parse(r.stdout) as {
        targets: { name: string; changes: unknown[] }[];
        findings: { severity: string; file: string; line: number; message: string }[];
      };
      expect(out.targets.map((t) => [t.name, t.changes.length])).toEqual([['vendored', 0]]);
      expect(out.findings).toMatchObject([
        {
          severity: 'warning',
          file: '.github/ferry.yml',
          line: 3,
          message: expect.stringMatching(
            /^target 'vendored': its path vendor\/mf\/app is in the git submodule vendor\/mf; .*cannot read them and the target's changes are not shown; keep the target's manifests in the repository itself$/,
          ),
        },
      ]);
    }
  });

  it('fails a target whose path is a symbolic link to a kustomization as ferry validate does, naming the real folder', () => {
    repo = createTestRepo(EXAMPLE);
    repo.commit('v1');
    repo.git('checkout', '-q', '-b', 'link');
    symlinkSync('deploy/overlays/staging', join(repo.dir, 'stg'));
    const config = readFileSync(join(repo.dir, '.github/ferry.yml'), 'utf8');
    repo.write({ '.github/ferry.yml': config.replace('path: deploy/overlays/staging', 'path: stg') });
    repo.commit('link');
    const message =
      "target 'staging': its path stg is a symbolic link to deploy/overlays/staging, a kustomization; ferry diff, the GitHub App and the agent read a revision without links";
    const diff = runFerry([
      'diff',
      '--repo',
      repo.dir,
      '--base',
      'main',
      '--head',
      'HEAD',
      '--format',
      'json',
    ]);
    expect(diff.code).toBe(1);
    const findings = (
      JSON.parse(diff.stdout) as { findings: { file: string; line: number; message: string }[] }
    ).findings;
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ file: '.github/ferry.yml', line: 8 });
    expect(findings[0]?.message).toContain(message);
    expect(findings[0]?.message).toMatch(
      /point path at the real folder \(path: deploy\/overlays\/staging\)$/,
    );
    // The same from the checkout, where kubectl kustomize alone would follow the link.
    const validate = runFerry(['validate', '--format', 'json'], { cwd: repo.dir });
    expect(validate.code).toBe(1);
    expect(validate.stdout).toContain(message);
    const render = runFerry(['render', 'staging'], { cwd: repo.dir });
    expect(render.code).not.toBe(0);
    expect(render.stdout + render.stderr).toContain(message);
  });
});
