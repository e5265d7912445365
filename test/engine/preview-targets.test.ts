import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
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
    const sets = await previewTargets({ baseRoot, headRoot, config, changedFiles: ['.github/ferry.yml'] });
    expect(sets.map((s) => s.target).sort()).toEqual(['serving', 'training']);
    expect(sets.every((s) => s.changes.every((c) => c.action === 'unchanged'))).toBe(true);
  });

  it('shows every resource as added for a target new in this change', async () => {
    const baseRoot = tree({ 'README.md': 'empty' });
    const headRoot = base();
    const { config } = parseConfig(CONFIG, {});
    const sets = await previewTargets({ baseRoot, headRoot, config, changedFiles: 'all' });
    expect(sets.find((s) => s.target === 'training')?.changes.map((c) => c.action)).toEqual(['added']);
  });

  it('marks a head that fails to render, with no changes and the reason as an error', async () => {
    const baseRoot = base();
    const headRoot = tree(
      { 'serving/a.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a\n' },
      baseRoot,
    );
    const { config } = parseConfig(CONFIG, {});
    const [set] = await previewTargets({ baseRoot, headRoot, config, changedFiles: ['serving/a.yaml'] });
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
    const [set] = await previewTargets({ baseRoot, headRoot, config, changedFiles: ['serving/a.yaml'] });
    expect(set?.findings.length).toBeGreaterThan(0);
    expect(set?.findings.every((f) => f.severity === 'warning')).toBe(true);
    expect(set?.findings[0]?.message).toContain('base revision does not render');
    // The head renders: it is what a merge applies, so the change set is not a failed render.
    expect(set?.renderFailed).toBe(false);
    expect(set?.baseFailed).toBe(true);
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
    const [set] = await previewTargets({ baseRoot: chart, headRoot, config, changedFiles: 'all' });
    expect(set?.renderFailed).toBe(false);
    expect(set?.baseFailed).toBe(true);
    expect(set?.findings).toEqual([
      expect.objectContaining({
        severity: 'warning',
        message: expect.stringContaining('values file does not exist'),
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
      changedFiles: [],
      configFindings: findings,
    });
    expect(sets[0]?.target).toBe('.github/ferry.yml');
    expect(sets[0]?.findings[0]?.message).toContain('did you mean "prune"');
  });
});
