import { mkdir, mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isRemoteReference, loadKustomizationTree } from '../../src/render/load-kustomization-tree.ts';

describe('isRemoteReference', () => {
  it.each([
    'github.com/org/repo//deploy?ref=v1',
    'https://github.com/org/repo.git//base',
    'http://example.com/all.yaml',
    'ssh://git@github.com/org/repo.git',
    'git::https://gitlab.com/org/repo.git',
    'git@github.com:org/repo.git//base',
    'gitlab.com/org/repo',
    'file:///etc/passwd',
    'oci://registry.example.com/pkg',
    'example.com/org/repo//base?ref=main',
  ])('treats %s as remote', (ref) => {
    expect(isRemoteReference(ref)).toBe(true);
  });

  it.each(['../base', 'deployment.yaml', 'overlays/prod', './config/app.properties', 'base@v1/x.yaml'])(
    'treats %s as local',
    (ref) => {
      expect(isRemoteReference(ref)).toBe(false);
    },
  );
});

describe('loadKustomizationTree', () => {
  let root: string;
  const write = async (rel: string, text: string) => {
    await mkdir(join(root, rel, '..'), { recursive: true });
    await writeFile(join(root, rel), text);
  };

  beforeEach(async () => {
    root = await realpath(await mkdtemp(join(tmpdir(), 'ferry-test-ktree-')));
  });

  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('follows components, crds, replacements, openapi and generator envs, and needs no relaxed restrictor when all stay local', async () => {
    await write(
      'app/kustomization.yaml',
      [
        'resources: [cm.yaml]',
        'components: [../component]',
        'crds: [crds/model.json]',
        'replacements: [{ path: replacements.yaml }]',
        'openapi: { path: schema.json }',
        'secretGenerator: [{ name: creds, envs: [creds.env] }]',
        'patchesStrategicMerge:',
        '  - |-',
        '    apiVersion: v1',
        '    kind: ConfigMap',
      ].join('\n'),
    );
    for (const f of [
      'app/cm.yaml',
      'app/crds/model.json',
      'app/replacements.yaml',
      'app/schema.json',
      'app/creds.env',
    ]) {
      await write(f, '{}');
    }
    await write('component/kustomization.yaml', 'kind: Component\nresources: [extra.yaml]\n');
    await write('component/extra.yaml', '{}');
    const tree = await loadKustomizationTree({ root, absDir: join(root, 'app') });
    expect(tree.findings).toEqual([]);
    expect(tree.kustomizations).toEqual(['app/kustomization.yaml', 'component/kustomization.yaml']);
    expect(tree.inputs).toEqual(['app', 'component']);
    expect(tree.generators).toEqual([
      { kind: 'Secret', name: 'creds', file: 'app/kustomization.yaml', line: 6 },
    ]);
    // A component's file outside the overlay is loaded by the component's own kustomization: no relaxing.
    expect(tree.needsLoadRestrictionsNone).toBe(false);
  });

  it('takes fieldSpecs paths in a transformer config for field paths, not files', async () => {
    await write('app/kustomization.yaml', 'transformers: [labels.yaml]\n');
    await write(
      'app/labels.yaml',
      'apiVersion: builtin\nkind: LabelTransformer\nmetadata: { name: l }\nlabels: { a: b }\nfieldSpecs:\n  - path: metadata/labels\n    create: true\n',
    );
    const tree = await loadKustomizationTree({ root, absDir: join(root, 'app') });
    expect(tree.findings).toEqual([]);
  });

  it('refuses HelmChartInflationGenerator configs and inline generator configs reading outside', async () => {
    await write(
      'app/kustomization.yaml',
      [
        'generators:',
        '  - helm.yaml',
        '  - |-',
        '    apiVersion: builtin',
        '    kind: PatchTransformer',
        '    metadata: { name: p }',
        '    path: ../../../../etc/passwd',
      ].join('\n'),
    );
    await write(
      'app/helm.yaml',
      'apiVersion: builtin\nkind: HelmChartInflationGenerator\nmetadata: { name: h }\n',
    );
    const tree = await loadKustomizationTree({ root, absDir: join(root, 'app') });
    expect(tree.findings.map((f) => `${f.file}:${f.line} ${f.message}`)).toEqual([
      'app/helm.yaml:1 HelmChartInflationGenerator is not supported: it needs kustomize --enable-helm',
      'app/kustomization.yaml:3 path entry "../../../../etc/passwd" leads outside the repository',
    ]);
  });

  it('reports invalid YAML at its line', async () => {
    await write('app/kustomization.yaml', 'resources:\n  - a.yaml\n bad: [\n');
    const tree = await loadKustomizationTree({ root, absDir: join(root, 'app') });
    expect(tree.findings).toHaveLength(1);
    expect(tree.findings[0]).toMatchObject({ file: 'app/kustomization.yaml', rule: 'render' });
    expect(tree.findings[0]?.message).toMatch(/^invalid kustomization: /);
  });

  it('survives reference cycles', async () => {
    await write('a/kustomization.yaml', 'resources: [../b]\n');
    await write('b/kustomization.yaml', 'resources: [../a]\n');
    const tree = await loadKustomizationTree({ root, absDir: join(root, 'a') });
    expect(tree.kustomizations).toEqual(['a/kustomization.yaml', 'b/kustomization.yaml']);
  });
  // The walk runs in Ferry's own process, before kustomize and its deadline: 20,000 missing paths
  // beside 2,000 files took 41 s, each looked up with a did-you-mean over the whole folder.
  it('bounds the walk: hints for the first 20 missing paths, at most 20,000 paths, files up to 1 MiB', async () => {
    for (let i = 0; i < 200; i++) await write(`app/file-${i}.txt`, 'x');
    const entries = Array.from({ length: 20_005 }, (_, i) => `- file-${i % 200}.tx\n`).join('');
    await write('app/kustomization.yaml', `resources:\n${entries}`);
    const tree = await loadKustomizationTree({ root, absDir: join(root, 'app') });
    const messages = tree.findings.map((f) => f.message);
    expect(messages.filter((m) => m.includes('did you mean'))).toHaveLength(20);
    expect(messages.filter((m) => m.includes('does not exist'))).toHaveLength(20_000);
    expect(tree.findings.at(-1)).toEqual(
      expect.objectContaining({
        file: 'app/kustomization.yaml',
        line: 20_002,
        message: 'the kustomization tree names more than 20000 paths; refusing to render',
      }),
    );
    expect(tree.onlyMissing).toBe(false);

    await write('big/kustomization.yaml', `resources: []\n${'#'.repeat(1024 * 1024)}\n`);
    const big = await loadKustomizationTree({ root, absDir: join(root, 'big') });
    expect(big.findings).toEqual([
      expect.objectContaining({
        file: 'big/kustomization.yaml',
        message: 'this file is over 1 MiB, more than any kustomization needs; refusing to render',
      }),
    ]);
  });
});
