import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/config/default-config.ts';
import { parseConfig } from '../../src/config/parse-config.ts';
import { previewTargets } from '../../src/engine/preview-targets.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tree(files: Record<string, string>, from?: string): string {
  const root = mkdtempSync(join(tmpdir(), 'ferry-preview-'));
  dirs.push(root);
  if (from) cpSync(from, root, { recursive: true });
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

const CONFIG = `targets:
  - name: serving
    path: serving
    namespace: ml
  - name: training
    path: training
    namespace: ml
`;
const cm = (name: string, value: string) =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ${name}}\ndata: {v: "${value}"}\n`;

describe('previewTargets', () => {
  const base = () =>
    tree({
      '.github/ferry.yml': CONFIG,
      'serving/a.yaml': cm('a', '1'),
      'serving/b.yaml': cm('b', '1'),
      'training/t.yaml': cm('t', '1'),
    });

  it('renders only targets whose inputs changed, and lists removals', async () => {
    const baseRoot = base();
    const headRoot = tree({ 'serving/a.yaml': cm('a', '2') }, baseRoot);
    rmSync(join(headRoot, 'serving/b.yaml'));
    const { config } = parseConfig(CONFIG, {});
    const sets = await previewTargets({
      baseRoot,
      headRoot,
      config,
      baseConfig: { config, findings: [] },
      changedFiles: ['serving/a.yaml', 'serving/b.yaml'],
    });
    expect(sets.map((s) => s.target)).toEqual(['serving']);
    const actions = Object.fromEntries(sets[0]?.changes.map((c) => [c.id.name, c.action]) ?? []);
    expect(actions).toEqual({ a: 'changed', b: 'removed' });
    expect(sets[0]?.changes.find((c) => c.id.name === 'b')?.id.namespace).toBe('ml');
  });

  it('renders every target when .github/ferry.yml changes', async () => {
    const baseRoot = base();
    const headRoot = tree({}, baseRoot);
    const { config } = parseConfig(CONFIG, {});
    const sets = await previewTargets({
      baseRoot,
      headRoot,
      config,
      baseConfig: { config, findings: [] },
      changedFiles: ['.github/ferry.yml'],
    });
    expect(sets.map((s) => s.target).sort()).toEqual(['serving', 'training']);
    expect(sets.every((s) => s.changes.every((c) => c.action === 'unchanged'))).toBe(true);
  });

  it('shows every resource as added for a target new in this change', async () => {
    const baseRoot = tree({ 'README.md': 'empty' });
    const headRoot = base();
    const { config } = parseConfig(CONFIG, {});
    const sets = await previewTargets({
      baseRoot,
      headRoot,
      config,
      baseConfig: { config, findings: [] },
      changedFiles: 'all',
    });
    expect(sets.find((s) => s.target === 'training')?.changes.map((c) => c.action)).toEqual(['added']);
  });

  it('marks a head that fails to render, with no changes and the reason as an error', async () => {
    const baseRoot = base();
    const headRoot = tree(
      { 'serving/a.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a\n' },
      baseRoot,
    );
    const { config } = parseConfig(CONFIG, {});
    const [set] = await previewTargets({
      baseRoot,
      headRoot,
      config,
      baseConfig: { config, findings: [] },
      changedFiles: ['serving/a.yaml'],
    });
    expect(set?.renderFailed).toBe(true);
    expect(set?.changes).toEqual([]);
    expect(set?.findings).toContainEqual(
      expect.objectContaining({ severity: 'error', file: 'serving/a.yaml' }),
    );
  });

  it('does not fail a change that fixes a broken base: the base problem is a warning', async () => {
    const baseRoot = base();
    writeFileSync(join(baseRoot, 'serving/a.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a\n');
    const headRoot = tree({ 'serving/a.yaml': cm('a', '1') }, baseRoot);
    const { config } = parseConfig(CONFIG, {});
    const [set] = await previewTargets({
      baseRoot,
      headRoot,
      config,
      baseConfig: { config, findings: [] },
      changedFiles: ['serving/a.yaml'],
    });
    expect(set?.findings.length).toBeGreaterThan(0);
    expect(set?.findings.every((f) => f.severity === 'warning')).toBe(true);
    expect(set?.findings[0]?.message).toContain('base revision does not render');
    // The head renders: it is what a merge applies, so the change set is not a failed render.
    expect(set?.renderFailed).toBe(false);
    expect(set?.baseFailed).toBe(true);
  });

  // A base and head that fail for the same reason (a PR that does not touch the broken file): the error
  // was listed twice at one line, once as the head's error and once as the base's warning.
  it('says a failure the base shares once, on the head error, and keeps what only the base has', async () => {
    const broken = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a\n';
    const baseRoot = base();
    writeFileSync(join(baseRoot, 'serving/a.yaml'), broken);
    writeFileSync(join(baseRoot, 'serving/c.yaml'), broken.replace('name: a', 'name: c'));
    const headRoot = tree({ 'serving/b.yaml': cm('b', '2') }, baseRoot);
    rmSync(join(headRoot, 'serving/c.yaml'));
    const { config } = parseConfig(CONFIG, {});
    const [set] = await previewTargets({
      baseRoot,
      headRoot,
      config,
      baseConfig: { config, findings: [] },
      changedFiles: ['serving/b.yaml', 'serving/c.yaml'],
    });
    expect(set?.renderFailed).toBe(true);
    const seen = (set?.findings ?? []).map((f) => [f.severity, `${f.file}:${f.line}`, f.message]);
    const atA = seen.filter(([, where]) => where?.startsWith('serving/a.yaml:'));
    expect(atA).toHaveLength(1);
    expect(atA[0]?.[0]).toBe('error');
    expect(atA[0]?.[2]).toMatch(
      /\(the base revision does not render for the same reason, so no diff is shown\)$/,
    );
    // What only the base has is still said, as the base's warning.
    expect(seen.filter(([, where]) => where?.startsWith('serving/c.yaml:'))).toEqual([
      [
        'warning',
        expect.any(String),
        expect.stringMatching(/^base revision does not render, so no diff is shown: /),
      ],
    ]);
  });

  // NVIDIA/dcgm-exporter: a PR that adds a target whose values file it also adds (the chart, deployment/,
  // is older): the base cannot render the target, the head can. The PR passes and says why there is no diff.
  it('passes a change that adds a target together with a values file its base lacks', async () => {
    const chart = tree({
      'chart/Chart.yaml': 'apiVersion: v2\nname: c\nversion: 0.1.0\n',
      'chart/values.yaml': 'v: "1"\n',
      'chart/templates/cm.yaml':
        'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {v: {{ .Values.v | quote }}}\n',
    });
    const headRoot = tree({ 'values/tls.yaml': 'v: "2"\n' }, chart);
    const config = parseConfig(
      'targets:\n  - name: tls\n    path: chart\n    namespace: ml\n    helm: {values: [values/tls.yaml]}\n',
      {},
    ).config;
    const [set] = await previewTargets({
      baseRoot: chart,
      headRoot,
      config,
      baseConfig: { config, findings: [] },
      changedFiles: 'all',
    });
    expect(set?.renderFailed).toBe(false);
    expect(set?.baseFailed).toBe(true);
    expect(set?.findings).toEqual([
      expect.objectContaining({
        severity: 'warning',
        message: expect.stringContaining('values file values/tls.yaml does not exist'),
      }),
    ]);
  });

  it('reports config problems as their own change set first', async () => {
    const root = base();
    const { config, findings } = parseConfig('targets:\n  - name: serving\n    prun: true\n', {
      file: '.github/ferry.yml',
    });
    expect(findings).not.toEqual([]);
    const sets = await previewTargets({
      baseRoot: root,
      headRoot: root,
      config,
      baseConfig: { config, findings: [] },
      changedFiles: [],
      configFindings: findings,
    });
    expect(sets[0]?.target).toBe('.github/ferry.yml');
    expect(sets[0]?.findings[0]?.message).toContain('did you mean "prune"');
  });

  // substratusai/kubeai, a `values:` key written twice in a target: the fallback `default` target
  // rendered the whole repository (31 errors of its test/ and benchmarks/ folders) and every target
  // of the base showed as removed.
  it('previews no target while the head config has errors, and says so beside the first', async () => {
    const baseRoot = base();
    const broken = `${CONFIG}    path: serving-v2\n`;
    const headRoot = tree({ '.github/ferry.yml': broken, 'stray/pod.yaml': 'kind: Pod\n' }, baseRoot);
    const head = parseConfig(broken, { file: '.github/ferry.yml' });
    expect(head.findings.map((f) => f.severity)).toContain('error');
    const sets = await previewTargets({
      baseRoot,
      headRoot,
      config: head.config,
      baseConfig: parseConfig(CONFIG, { file: '.github/ferry.yml' }),
      changedFiles: 'all',
      configFindings: head.findings,
    });
    expect(sets.map((s) => s.target)).toEqual(['.github/ferry.yml']);
    const error = head.findings.find((f) => f.severity === 'error');
    expect(sets[0]?.findings.at(-1)).toEqual({
      rule: 'config',
      severity: 'info',
      file: '.github/ferry.yml',
      line: error?.line,
      message:
        'no target is checked or previewed while this file has errors (a merge deploys nothing from it): fix them first',
    });
  });

  describe('renders each side with its own config', () => {
    const loaded = (text: string) => parseConfig(text, { file: '.github/ferry.yml' });
    const CHART = {
      'chart/Chart.yaml': 'apiVersion: v2\nname: c\nversion: 0.1.0\n',
      'chart/values.yaml': 'v: default\n',
      'chart/templates/cm.yaml':
        'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {v: {{ .Values.v | quote }}}\n',
      'values/prod.yaml': 'v: prod\n',
    };
    const chartConfig = (values: string) =>
      `targets:\n  - name: chart\n    path: chart\n    namespace: ml\n    helm: {values: ${values}}\n`;

    it("shows the change a target's helm values list makes, with no other file changed", async () => {
      const baseRoot = tree(CHART);
      const headRoot = tree({}, baseRoot);
      const [set] = await previewTargets({
        baseRoot,
        headRoot,
        config: loaded(chartConfig('[]')).config,
        baseConfig: loaded(chartConfig('[values/prod.yaml]')),
        changedFiles: ['.github/ferry.yml'],
      });
      expect(set?.changes.map((c) => [c.id.name, c.action])).toEqual([['c', 'changed']]);
      expect(set?.changes[0]?.diff).toContain('-  v: prod');
      expect(set?.changes[0]?.diff).toContain('+  v: default');
    });

    it("renders the base at the base's path when a target's path changes", async () => {
      const baseRoot = base();
      const headRoot = tree({}, baseRoot);
      const moved = CONFIG.replace('path: serving', 'path: training');
      const [set] = await previewTargets({
        baseRoot,
        headRoot,
        config: loaded(moved).config,
        baseConfig: loaded(CONFIG),
        changedFiles: ['.github/ferry.yml'],
      }).then((sets) => sets.filter((s) => s.target === 'serving'));
      const actions = Object.fromEntries(set?.changes.map((c) => [c.id.name, c.action]) ?? []);
      expect(actions).toEqual({ a: 'removed', b: 'removed', t: 'added' });
    });

    it("renders the base in the base's namespace when a target's namespace changes", async () => {
      const baseRoot = base();
      const headRoot = tree({}, baseRoot);
      const sets = await previewTargets({
        baseRoot,
        headRoot,
        config: loaded(
          CONFIG.replace('namespace: ml\n  - name: training', 'namespace: ml-2\n  - name: training'),
        ).config,
        baseConfig: loaded(CONFIG),
        changedFiles: ['.github/ferry.yml'],
      });
      const serving = sets.find((s) => s.target === 'serving');
      expect(serving?.changes.map((c) => `${c.action} ${c.id.namespace}/${c.id.name}`)).toEqual([
        'removed ml/a',
        'removed ml/b',
        'added ml-2/a',
        'added ml-2/b',
      ]);
      // training's entry is the same on both sides: nothing changes.
      expect(sets.find((s) => s.target === 'training')?.changes.map((c) => c.action)).toEqual(['unchanged']);
    });

    it('shows a target new in the head as all added, even where its path exists in the base', async () => {
      const baseRoot = base();
      const headRoot = tree({}, baseRoot);
      const added = `${CONFIG}  - name: serving-copy\n    path: serving\n    namespace: ml\n`;
      const sets = await previewTargets({
        baseRoot,
        headRoot,
        config: loaded(added).config,
        baseConfig: loaded(CONFIG),
        changedFiles: ['.github/ferry.yml'],
      });
      const copy = sets.find((s) => s.target === 'serving-copy');
      expect(copy?.changes.map((c) => c.action)).toEqual(['added', 'added']);
      expect(copy?.targetRemoved).toBeUndefined();
    });

    it('shows a target only the base has as removed, kept in the cluster, with no findings', async () => {
      const baseRoot = base();
      const headRoot = tree({}, baseRoot);
      const onlyServing = CONFIG.slice(0, CONFIG.indexOf('  - name: training'));
      const sets = await previewTargets({
        baseRoot,
        headRoot,
        config: loaded(onlyServing).config,
        baseConfig: loaded(CONFIG),
        changedFiles: ['.github/ferry.yml'],
      });
      const training = sets.find((s) => s.target === 'training');
      expect(training?.targetRemoved).toBe(true);
      expect(training?.renderFailed).toBe(false);
      expect(training?.findings).toEqual([]);
      expect(training?.changes.map((c) => [c.action, c.id.name, c.kept])).toEqual([
        ['removed', 't', 'its target is no longer in .github/ferry.yml'],
      ]);
    });

    it('treats a base without a config as the default target, paired by name', async () => {
      const baseRoot = tree({ 'serving/a.yaml': cm('a', '1') });
      const headRoot = tree({ '.github/ferry.yml': CONFIG, 'training/t.yaml': cm('t', '1') }, baseRoot);
      const sets = await previewTargets({
        baseRoot,
        headRoot,
        config: loaded(CONFIG).config,
        baseConfig: { config: defaultConfig(), findings: [] },
        changedFiles: ['.github/ferry.yml', 'training/t.yaml'],
      });
      const actions = (name: string) =>
        sets.find((s) => s.target === name)?.changes.map((c) => `${c.action} ${c.id.namespace}/${c.id.name}`);
      // The default target rendered the root into no namespace; serving renders into ml.
      expect(actions('default')).toEqual(['removed /a']);
      expect(actions('serving')).toEqual(['added ml/a']);
      expect(actions('training')).toEqual(['added ml/t']);
    });

    it('says when the base config has errors, and shows every head target as added', async () => {
      const baseRoot = base();
      const headRoot = tree({}, baseRoot);
      const broken = loaded(CONFIG.replace('namespace: ml\n', 'namespace: ml\n    prun: true\n'));
      expect(broken.findings.some((f) => f.severity === 'error')).toBe(true);
      const sets = await previewTargets({
        baseRoot,
        headRoot,
        config: loaded(CONFIG).config,
        baseConfig: broken,
        changedFiles: ['.github/ferry.yml'],
      });
      expect(sets[0]?.target).toBe('.github/ferry.yml');
      expect(sets[0]?.findings).toEqual([
        expect.objectContaining({
          severity: 'warning',
          file: '',
          message: expect.stringMatching(
            /^the base revision's \.github\/ferry\.yml:5 has errors \(targets\[0\]\.prun: unknown key.*every target shows as added$/,
          ),
        }),
      ]);
      expect(sets.slice(1).map((s) => [s.target, s.changes.map((c) => c.action)])).toEqual([
        ['serving', ['added', 'added']],
        ['training', ['added']],
      ]);
    });

    it('previews a target whose entry changed even when the config file is not among the inputs', async () => {
      // `.github/ferry.yaml` is read too, and is no target's input file.
      const baseRoot = base();
      const headRoot = tree({}, baseRoot);
      const sets = await previewTargets({
        baseRoot,
        headRoot,
        config: loaded(CONFIG.replace('path: training', 'path: serving')).config,
        baseConfig: loaded(CONFIG),
        changedFiles: ['.github/ferry.yaml'],
      });
      expect(sets.map((s) => s.target)).toEqual(['training']);
    });

    it('validates only the head: findings the base alone has are not reported', async () => {
      const baseRoot = base();
      writeFileSync(
        join(baseRoot, 'training/pod.yaml'),
        'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: c, image: "x:latest"}]}\n',
      );
      const headRoot = tree({}, baseRoot);
      const sets = await previewTargets({
        baseRoot,
        headRoot,
        config: loaded(CONFIG.replace('path: training', 'path: serving')).config,
        baseConfig: loaded(CONFIG),
        changedFiles: ['.github/ferry.yml'],
      });
      const training = sets.find((s) => s.target === 'training');
      expect(training?.changes.some((c) => c.id.name === 'p' && c.action === 'removed')).toBe(true);
      expect(training?.findings).toEqual([]);
    });
  });
});
