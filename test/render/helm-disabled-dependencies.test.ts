import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import jsYaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { renderTarget } from '../../src/render/render-target.ts';
import { resolveBinary } from '../../src/render/resolve-binaries.ts';
import { tempTrees, writeTree } from '../helpers/temp-trees.ts';
import { target } from './helpers.ts';

const tree = tempTrees('ferry-helm-deps-');

/**
 * A chart with two optional dependencies, as many AI charts have (monitoring, a cache): `cache` is
 * vendored, `metrics` is not. `vendorAll` adds `metrics` too, for helm's own render to compare with.
 */
function chartRepo(opts: { values: string; extra?: Record<string, string>; vendorAll?: boolean }): string {
  const root = tree();
  const write = (file: string, text: string) => writeTree(root, { [file]: text });
  write(
    'chart/Chart.yaml',
    [
      'apiVersion: v2',
      'name: app',
      'version: 0.1.0',
      'dependencies:',
      '  - name: cache',
      '    version: 1.0.0',
      '    condition: cache.enabled',
      '  - name: metrics',
      '    version: 2.0.0',
      '    repository: oci://example.com/charts',
      '    condition: metrics.mode,metrics.enabled',
      '    tags: [monitoring]',
      '',
    ].join('\n'),
  );
  write('chart/values.yaml', opts.values);
  write(
    'chart/templates/cm.yaml',
    'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\ndata:\n  k: v\n',
  );
  const sub = (name: string) => {
    write(`chart/charts/${name}/Chart.yaml`, `apiVersion: v2\nname: ${name}\nversion: 1.0.0\n`);
    write(
      `chart/charts/${name}/templates/cm.yaml`,
      `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata:\n  k: v\n`,
    );
  };
  sub('cache');
  if (opts.vendorAll) sub('metrics');
  for (const [file, text] of Object.entries(opts.extra ?? {})) write(file, text);
  return root;
}

const names = (resources: { id: { kind: string; name: string } }[]) =>
  resources.map((r) => `${r.id.kind} ${r.id.name}`).sort();

describe('helm: dependencies that are not vendored', () => {
  it('renders without those the values disable, as helm renders with them vendored', async () => {
    const values = 'cache:\n  enabled: true\nmetrics:\n  mode: fast\n  enabled: false\n';
    const root = chartRepo({ values });
    const result = await renderTarget({ root, target: target({ name: 'r', path: 'chart' }) });
    expect(result.findings).toEqual([]);
    expect(result.failed).toBe(false);
    // helm itself, on the same chart with the dependency vendored.
    const vendored = chartRepo({ values, vendorAll: true });
    const helm = execFileSync(resolveBinary('helm').path, ['template', 'r', join(vendored, 'chart')], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const theirs = jsYaml.loadAll(helm).filter(Boolean) as { kind: string; metadata: { name: string } }[];
    expect(names(result.resources)).toEqual(theirs.map((o) => `${o.kind} ${o.metadata.name}`).sort());
    expect(names(result.resources)).toEqual(['ConfigMap app', 'ConfigMap cache']);
    // The chart in the repository is untouched.
    expect(readFileSync(join(root, 'chart/Chart.yaml'), 'utf8')).toContain('name: metrics');
  });

  // The value named to turn it off: the condition path that decides, else the first one unset.
  it.each([
    ['the condition is true', 'metrics:\n  enabled: true\n', undefined, 'enabled'],
    ['no condition or tag decides', 'cache:\n  enabled: false\n', undefined, 'mode'],
    [
      "a values file's null removes the default",
      'metrics:\n  enabled: false\n',
      'metrics:\n  enabled: null\n',
      'mode',
    ],
    ['a tag is true and no condition decides', 'tags:\n  monitoring: true\n', undefined, 'mode'],
    [
      'the condition overrides a false tag',
      'tags:\n  monitoring: false\nmetrics:\n  enabled: true\n',
      undefined,
      'enabled',
    ],
  ])('still says to vendor one the values enable: %s', async (_, values, prod, off) => {
    const root = chartRepo({ values, extra: prod ? { 'values/prod.yaml': prod } : {} });
    const result = await renderTarget({
      root,
      target: target({ path: 'chart', helm: { values: prod ? ['values/prod.yaml'] : [] } }),
    });
    expect(result.failed).toBe(true);
    expect(result.findings.map((f) => `${f.file}:${f.line} ${f.message}`)).toEqual([
      `chart/Chart.yaml:8 dependency metrics is not vendored; run \`helm dependency build\` and commit charts/, or, if this target does without it, set metrics.${off}: false in one of its values files`,
    ]);
  });

  it.each([
    [
      'the first condition path the values leave unset',
      'metrics.enabled,metrics.on',
      'tags: [monitoring]',
      'metrics.enabled',
    ],
    ['not a path that holds something else (helm skips it)', 'metrics.mode,metrics.on', '', 'metrics.on'],
    ['its tag when no condition path can', 'metrics.mode', 'tags: [monitoring]', 'tags.monitoring'],
  ])('names the value that turns an unvendored dependency off: %s', async (_, condition, tags, off) => {
    const root = tree({
      'chart/Chart.yaml': `apiVersion: v2\nname: app\nversion: 0.1.0\ndependencies:\n  - name: metrics\n    version: 2.0.0\n    condition: ${condition}\n    ${tags}\n`,
      'chart/values.yaml': 'metrics:\n  mode: fast\n',
    });
    const result = await renderTarget({ root, target: target({ path: 'chart' }) });
    expect(result.findings.map((f) => f.message)).toEqual([
      `dependency metrics is not vendored; run \`helm dependency build\` and commit charts/, or, if this target does without it, set ${off}: false in one of its values files`,
    ]);
  });

  it('says only to vendor a dependency the values cannot turn off', async () => {
    const root = tree({
      'chart/Chart.yaml':
        'apiVersion: v2\nname: app\nversion: 0.1.0\ndependencies:\n  - name: metrics\n    version: 2.0.0\n',
    });
    const result = await renderTarget({ root, target: target({ path: 'chart' }) });
    expect(result.findings.map((f) => f.message)).toEqual([
      'dependency metrics is not vendored; run `helm dependency build` and commit charts/',
    ]);
  });

  it.each([
    ['a false tag', 'tags:\n  monitoring: false\n', undefined],
    ['the values file over the chart', 'metrics:\n  enabled: true\n', 'metrics:\n  enabled: false\n'],
  ])('renders when %s disables it', async (_, values, prod) => {
    const root = chartRepo({ values, extra: prod ? { 'values/prod.yaml': prod } : {} });
    const result = await renderTarget({
      root,
      target: target({ path: 'chart', helm: { values: prod ? ['values/prod.yaml'] : [] } }),
    });
    expect(result.findings).toEqual([]);
    expect(names(result.resources)).toEqual(['ConfigMap app', 'ConfigMap cache']);
  });

  // Chart.yaml and the values are parsed in Ferry's own process, before helm and its memory cap: a
  // 40 MiB Chart.yaml took minutes and 2.6 GB, a values bomb failed with no file named.
  it('refuses a Chart.yaml over 1 MiB, and values too large or too aliased to read, naming the file', async () => {
    const big = chartRepo({ values: 'metrics:\n  enabled: false\n' });
    writeTree(big, {
      'chart/Chart.yaml': `${readFileSync(join(big, 'chart/Chart.yaml'), 'utf8')}${'#'.repeat(1024 * 1024)}\n`,
    });
    expect((await renderTarget({ root: big, target: target({ path: 'chart' }) })).findings).toEqual([
      expect.objectContaining({
        file: 'chart/Chart.yaml',
        message: 'Chart.yaml is over 1 MiB, more than any chart needs; refusing to render',
      }),
    ]);
    const laughs = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (const [i, name] of [...'bcdefgh'].entries()) {
      laughs.push(`${name}: &${name} [${Array(10).fill(`*${'abcdefgh'[i]}`).join(', ')}]`);
    }
    const bomb = chartRepo({ values: `${laughs.join('\n')}\nmetrics:\n  enabled: false\n` });
    expect((await renderTarget({ root: bomb, target: target({ path: 'chart' }) })).findings).toEqual([
      expect.objectContaining({
        file: 'chart/values.yaml',
        message: 'values file has aliases that expand too far (a YAML bomb?); refusing to render',
      }),
    ]);
    const large = chartRepo({
      values: 'metrics:\n  enabled: false\n',
      extra: { 'values/prod.yaml': `# ${'x'.repeat(8 * 1024 * 1024)}\n` },
    });
    const result = await renderTarget({
      root: large,
      target: target({ path: 'chart', helm: { values: ['values/prod.yaml'] } }),
    });
    expect(result.findings).toEqual([
      expect.objectContaining({
        file: 'values/prod.yaml',
        message:
          'values file is over 8 MiB, more than Ferry reads to tell which chart dependencies are enabled; vendor them (helm dependency build) or split the file',
      }),
    ]);
  });

  it("reports a template error at the chart's own file, with nothing of the temp copy", async () => {
    const root = chartRepo({
      values: 'metrics:\n  enabled: false\n',
      extra: {
        'chart/templates/bad.yaml':
          'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ required "name is required" .Values.name }}\n',
      },
    });
    const result = await renderTarget({ root, target: target({ path: 'chart' }) });
    expect(result.failed).toBe(true);
    expect(result.findings.map((f) => `${f.file}:${f.line} ${f.message}`)).toEqual([
      'chart/templates/bad.yaml:4 execution error at (chart/templates/bad.yaml:4:11): name is required',
    ]);
    expect(result.findings[0]?.detail ?? '').not.toMatch(/ferry-chart-|symbolic link/);
  });
});

// NVIDIA/k8s-device-plugin@b65930e vendored node-feature-discovery as
// charts/node-feature-discovery-chart-0.17.3.tgz: helm knows an archive by its Chart.yaml's name, so it
// rendered the chart, but Ferry took `node-feature-discovery-chart` from the file name. Enabled, the
// dependency was "not vendored"; disabled, it was dropped from Chart.yaml while its archive stayed
// under charts/, and rendered unconditionally (21 objects helm does not render).
describe('helm: a dependency packaged under another file name', () => {
  function packagedRepo(enabled: boolean): string {
    const root = tree();
    writeTree(root, {
      'chart/Chart.yaml': [
        'apiVersion: v2',
        'name: app',
        'version: 0.1.0',
        'dependencies:',
        '  - name: node-features',
        '    alias: nfd',
        '    version: 0.17.3',
        '    repository: https://example.com/charts',
        '    condition: nfd.enabled,gfd.enabled',
        '',
      ].join('\n'),
      'chart/values.yaml': `gfd:\n  enabled: ${enabled}\n`,
      'chart/templates/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\n',
      'pkg/node-features/Chart.yaml': 'apiVersion: v2\nname: node-features\nversion: 0.17.3\n',
      'pkg/node-features/templates/ds.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: nfd\n',
    });
    mkdirSync(join(root, 'chart/charts'));
    execFileSync('tar', [
      '-czf',
      join(root, 'chart/charts/node-features-chart-0.17.3.tgz'),
      '-C',
      join(root, 'pkg'),
      'node-features',
    ]);
    rmSync(join(root, 'pkg'), { recursive: true });
    return root;
  }

  it.each([
    [true, ['ConfigMap app', 'ConfigMap nfd']],
    [false, ['ConfigMap app']],
  ])('with the dependency enabled: %s, renders what helm renders', async (enabled, expected) => {
    const root = packagedRepo(enabled);
    const result = await renderTarget({ root, target: target({ path: 'chart' }) });
    expect(result.findings).toEqual([]);
    expect(names(result.resources)).toEqual(expected);
    const helm = execFileSync(resolveBinary('helm').path, ['template', 'x', join(root, 'chart')], {
      encoding: 'utf8',
    });
    expect(
      jsYaml
        .loadAll(helm)
        .filter(Boolean)
        .map((d) => `${(d as { kind: string }).kind} ${(d as { metadata: { name: string } }).metadata.name}`)
        .sort(),
    ).toEqual(expected);
  });

  it('points an object of the packaged dependency at its entry in Chart.yaml (helm names it by its alias), not at line 1', async () => {
    const result = await renderTarget({ root: packagedRepo(true), target: target({ path: 'chart' }) });
    expect(result.resources.map((r) => `${r.id.name} ${r.file}:${r.line}`).sort()).toEqual([
      'app chart/templates/cm.yaml:2',
      'nfd chart/Chart.yaml:5',
    ]);
  });
});

// mlrun/ce@HEAD: charts/mlrun-ce is an apiVersion v1 chart whose six dependencies are listed in
// requirements.yaml, which helm still reads. Ferry read only Chart.yaml: helm's own "missing in
// charts/ directory" error at the chart's line 1, and no way to render with the disabled ones left out.
describe('helm: an apiVersion v1 chart with requirements.yaml', () => {
  function v1Repo(): string {
    const root = tree();
    writeTree(root, {
      'chart/Chart.yaml': 'apiVersion: v1\nname: app\nversion: 0.1.0\n',
      'chart/requirements.yaml': [
        'dependencies:',
        '  - name: cache',
        '    version: 1.0.0',
        '    repository: file://../cache',
        '  - name: metrics',
        '    version: 2.0.0',
        '    repository: https://example.com/charts',
        '    condition: metrics.enabled',
        '',
      ].join('\n'),
      'chart/values.yaml': 'metrics:\n  enabled: true\n',
      'chart/templates/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\n',
      'chart/charts/cache/Chart.yaml': 'apiVersion: v1\nname: cache\nversion: 1.0.0\n',
      'chart/charts/cache/templates/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cache\n',
      'values/off.yaml': 'metrics:\n  enabled: false\n',
    });
    return root;
  }

  it('names a dependency that is not vendored at its requirements.yaml line', async () => {
    const result = await renderTarget({ root: v1Repo(), target: target({ path: 'chart' }) });
    expect(result.failed).toBe(true);
    expect(result.findings).toMatchObject([
      {
        file: 'chart/requirements.yaml',
        line: 5,
        message:
          'dependency metrics is not vendored; run `helm dependency build` and commit charts/, or, if this target does without it, set metrics.enabled: false in one of its values files',
      },
    ]);
  });

  it('renders without a dependency the values disable, as helm does with it vendored', async () => {
    const root = v1Repo();
    const result = await renderTarget({
      root,
      target: target({ path: 'chart', helm: { values: ['values/off.yaml'] } }),
    });
    expect(result.findings).toEqual([]);
    expect(names(result.resources)).toEqual(['ConfigMap app', 'ConfigMap cache']);
    // Nothing of the chart in the repository was changed to get there.
    expect(readFileSync(join(root, 'chart/requirements.yaml'), 'utf8')).toContain('name: metrics');
  });
});
