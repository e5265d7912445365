import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/parse-config.ts';
import { previewTargets } from '../../src/engine/preview-targets.ts';
import {
  openRenderCache,
  type RenderCache,
  renderCacheKey,
  renderTargetCached,
  storeRender,
} from '../../src/render/render-cache.ts';
import { renderTarget } from '../../src/render/render-target.ts';
import { resolveBinary } from '../../src/render/resolve-binaries.ts';
import { target, writeScript } from './helpers.ts';

const dirs: string[] = [];
const temp = (prefix: string) => {
  const d = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(d);
  return d;
};
function tree(files: Record<string, string>): string {
  const root = temp('ferry-cache-tree-');
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}
const cm = (name: string, value: string) =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ${name}}\ndata: {v: "${value}"}\n`;

/** A kustomize overlay whose base lives outside the target's directory, plus a helm chart with values. */
const REPO = {
  '.github/ferry.yml': 'targets:\n  - name: prod\n    path: overlays/prod\n    namespace: ml\n',
  'base/kustomization.yaml': 'resources:\n  - cm.yaml\n',
  'base/cm.yaml': cm('settings', '1'),
  'overlays/prod/kustomization.yaml': 'resources:\n  - ../../base\nnamePrefix: prod-\n',
  'chart/Chart.yaml': 'apiVersion: v2\nname: c\nversion: 0.1.0\n',
  'chart/templates/cm.yaml':
    'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: {{ .Release.Name }}}\ndata: {v: {{ .Values.v | quote }}}\n',
  'values/prod.yaml': 'v: one\n',
};

let counter: string;
let saved: string | undefined;
beforeEach(async () => {
  // kubectl behind a wrapper that counts its runs: a cache hit must not start it.
  const bin = temp('ferry-cache-bin-');
  counter = join(bin, 'runs');
  writeFileSync(counter, '');
  const real = resolveBinary('kubectl').path;
  saved = process.env.FERRY_KUBECTL;
  process.env.FERRY_KUBECTL = await writeScript(
    join(bin, 'kubectl'),
    `echo run >> '${counter}'\nexec '${real}' "$@"`,
  );
});
afterEach(() => {
  if (saved === undefined) delete process.env.FERRY_KUBECTL;
  else process.env.FERRY_KUBECTL = saved;
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const kubectlRuns = () => readFileSync(counter, 'utf8').split('\n').filter(Boolean).length;
const newCache = (): RenderCache => ({
  dir: join(temp('ferry-cache-'), 'renders'),
  maxBytes: 200 * 1024 * 1024,
  stats: { hits: 0, misses: 0, writes: 0 },
});

describe('render cache', () => {
  it('a second diff of the same base renders only the head', async () => {
    const baseRoot = tree(REPO);
    const head1 = tree({ ...REPO, 'base/cm.yaml': cm('settings', '2') });
    const head2 = tree({ ...REPO, 'base/cm.yaml': cm('settings', '3') });
    const { config } = parseConfig(REPO['.github/ferry.yml'], {});
    const cache = newCache();
    const preview = (headRoot: string) =>
      previewTargets({
        baseRoot,
        headRoot,
        config,
        baseConfig: { config, findings: [] },
        changedFiles: ['base/cm.yaml'],
        renderCache: cache,
      });

    const first = await preview(head1);
    expect(kubectlRuns()).toBe(2); // base and head
    expect(cache.stats).toEqual({ hits: 0, misses: 1, writes: 2 }); // the base's render and the head's
    const second = await preview(head2);
    expect(kubectlRuns()).toBe(3); // the next push: head only
    expect(cache.stats.hits).toBe(1);
    expect(first[0]?.changes.map((c) => c.id.name)).toEqual(['prod-settings']);
    expect(second[0]?.changes[0]?.diff).toContain('+  v: "3"');
    expect(second[0]?.changes[0]?.diff).toContain('-  v: "1"');
  });

  it("after a merge, the next pull request's base is the merged head's render, not rendered again", async () => {
    const main = tree(REPO);
    const merged = tree({ ...REPO, 'base/cm.yaml': cm('settings', '2') });
    const next = tree({ ...REPO, 'base/cm.yaml': cm('settings', '3') });
    const { config } = parseConfig(REPO['.github/ferry.yml'], {});
    const cache = newCache();
    const preview = (baseRoot: string, headRoot: string) =>
      previewTargets({
        baseRoot,
        headRoot,
        config,
        baseConfig: { config, findings: [] },
        changedFiles: ['base/cm.yaml'],
        renderCache: cache,
      });

    await preview(main, merged); // the first pull request
    expect(kubectlRuns()).toBe(2);
    const after = await preview(merged, next); // the next one, based on the merge
    expect(kubectlRuns()).toBe(3); // its head only
    expect(cache.stats.hits).toBe(1);
    expect(after[0]?.changes[0]?.diff).toContain('-  v: "2"');
    expect(after[0]?.changes[0]?.diff).toContain('+  v: "3"');
  });

  it("renders the base with the base's settings, cached under them: a head with other settings never serves it", async () => {
    // The same files on both sides; only the target's helm values differ between the two configs.
    const root = tree(REPO);
    const chart = (values: string) =>
      parseConfig(
        `targets:\n  - name: c\n    path: chart\n    namespace: ml\n    helm: {values: ${values}}\n`,
        {},
      );
    const withValues = chart('[values/prod.yaml]');
    const without = chart('[]');
    const cache = newCache();
    const preview = (base: typeof withValues, head: typeof withValues) =>
      previewTargets({
        baseRoot: root,
        headRoot: root,
        config: head.config,
        baseConfig: base,
        changedFiles: ['.github/ferry.yml'],
        renderCache: cache,
      });
    const diffOf = async (base: typeof withValues, head: typeof withValues) =>
      (await preview(base, head))[0]?.changes.map((c) => c.diff).join('');

    // First run: both renders are stored, each under its own settings.
    expect(await diffOf(without, withValues)).toContain('+  v: one');
    expect(cache.stats.writes).toBe(2);
    // Again, the other way round: the base is found in the cache and is the one with the values.
    const hits = cache.stats.hits;
    const swapped = await diffOf(withValues, without);
    expect(cache.stats.hits).toBe(hits + 1);
    expect(swapped).toContain('-  v: one');
  });

  it("a head's stored render is what a base render of the same inputs gives, for every renderer", async () => {
    const root = tree({
      ...REPO,
      'plain/cm.yaml': `${cm('a', '1')}---\n${cm('b', '2')}`,
      'chart/templates/deploy.yaml': [
        'apiVersion: apps/v1',
        'kind: Deployment',
        'metadata: {name: web}',
        'spec:',
        '  selector: {matchLabels: {app: web}}',
        '  template:',
        '    metadata: {labels: {app: web}}',
        '    spec:',
        '      containers:',
        '        - name: web',
        '          image: {{ .Values.image | default "nginx:1.27" }}',
        '',
      ].join('\n'),
    });
    const targets = [
      target({ name: 'prod', path: 'overlays/prod', namespace: 'ml' }),
      target({ name: 'c', path: 'chart', helm: { values: ['values/prod.yaml'], apiVersions: [] } }),
      target({ name: 'p', path: 'plain' }),
    ];
    for (const t of targets) {
      // What the head's check renders: with field lines, as validation reads them.
      const head = await renderTarget({ root, target: t, kubernetesVersion: '1.33' });
      const cache = newCache();
      await storeRender({ root, target: t, kubernetesVersion: '1.33', cache, result: head });
      const base = await renderTargetCached({
        root,
        target: t,
        kubernetesVersion: '1.33',
        cache,
        fieldLines: false,
      });
      expect(cache.stats, t.name).toEqual({ hits: 1, misses: 0, writes: 1 });
      const own = await renderTarget({ root, target: t, kubernetesVersion: '1.33', fieldLines: false });
      // The same objects in the same order as the base's own render, with the head's file and line,
      // which are as exact or more (a helm template's file and line, where a base render without
      // field lines keeps Chart.yaml and helm's output line); only a deleted resource's entry shows them.
      const objects = (rs: typeof own.resources) =>
        rs.map(({ id, apiVersion, object }) => ({ id, apiVersion, object }));
      expect(objects(base.resources), t.name).toEqual(objects(own.resources));
      expect(
        base.resources.map(({ file, line }) => ({ file, line })),
        t.name,
      ).toEqual(head.resources.map(({ file, line }) => ({ file, line })));
      expect(
        base.resources.every((r) => !('pointers' in r) && !('pointerFiles' in r) && !('lines' in r)),
      ).toBe(true);
      expect(base.renderer, t.name).toBe(own.renderer);
    }
  });

  it('keeps rendered Secrets to this user: entries 0600 in a folder made 0700', async () => {
    const root = tree({
      ...REPO,
      'base/cm.yaml':
        'apiVersion: v1\nkind: Secret\nmetadata: {name: s}\nstringData: {token: hunter2-secret}\n',
    });
    const t = target({ name: 'prod', path: 'overlays/prod', namespace: 'ml' });
    const cache = newCache();
    await renderTargetCached({ root, target: t, cache });
    expect(cache.stats.writes).toBe(1);
    expect(statSync(cache.dir).mode & 0o777).toBe(0o700);
    const entries = readdirSync(cache.dir);
    expect(entries).toHaveLength(1);
    const entry = join(cache.dir, entries[0] as string);
    expect(readFileSync(entry, 'utf8')).toContain('hunter2-secret');
    expect(statSync(entry).mode & 0o777).toBe(0o600);
  });

  it('gives back the resources a fresh render gives (without lazy field lines)', async () => {
    const root = tree(REPO);
    const t = target({ name: 'prod', path: 'overlays/prod', namespace: 'ml' });
    const cache = newCache();
    const fresh = await renderTarget({ root, target: t });
    await renderTargetCached({ root, target: t, cache });
    const hit = await renderTargetCached({ root, target: t, cache });
    expect(cache.stats.hits).toBe(1);
    const strip = (rs: typeof fresh.resources) => rs.map(({ lines: _l, ...r }) => r);
    expect(hit.resources).toEqual(strip(fresh.resources));
    expect(hit.failed).toBe(false);
  });

  it('gives back a render larger than one write of the entry file, with text of every kind', async () => {
    // An entry is written a resource at a time in writes of ~64 KiB: 600 objects span several.
    const values = ['plain', 'ünïcode ✓', 'quote " and \\ backslash', 'line\nbreak', '\u2028', '😀'];
    const docs = Array.from(
      { length: 600 },
      (_, i) =>
        `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c${i}}\ndata: {v: ${JSON.stringify(`${values[i % values.length]} ${'x'.repeat(200)}`)}}\n`,
    );
    const root = tree({ 'plain/all.yaml': docs.join('---\n') });
    const t = target({ name: 'plain', path: 'plain' });
    const cache = newCache();
    const fresh = await renderTarget({ root, target: t });
    await renderTargetCached({ root, target: t, cache });
    const [entry] = readdirSync(cache.dir);
    expect(statSync(join(cache.dir, entry ?? '')).size).toBeGreaterThan(3 * 65_536);
    const hit = await renderTargetCached({ root, target: t, cache });
    expect(cache.stats.hits).toBe(1);
    expect(hit.resources).toHaveLength(600);
    expect(hit.resources).toEqual(fresh.resources.map(({ lines: _l, ...r }) => r));
  });

  it('misses when any input file, a values file, the target or the Kubernetes version changes', async () => {
    const root = tree(REPO);
    const kustomize = target({ name: 'prod', path: 'overlays/prod' });
    const helm = target({
      name: 'c',
      path: 'chart',
      helm: { values: ['values/prod.yaml'], apiVersions: [] },
    });
    const before = {
      kustomize: await renderCacheKey({ root, target: kustomize }),
      helm: await renderCacheKey({ root, target: helm }),
    };
    expect(before.kustomize).toMatch(/^[0-9a-f]{64}$/);
    // Files outside the inputs do not matter.
    writeFileSync(join(root, 'README.md'), 'hello');
    expect(await renderCacheKey({ root, target: kustomize })).toBe(before.kustomize);

    const edits: [string, string, keyof typeof before][] = [
      ['base/cm.yaml', cm('settings', '9'), 'kustomize'], // a base outside the target's directory
      ['overlays/prod/kustomization.yaml', 'resources:\n  - ../../base\nnamePrefix: p-\n', 'kustomize'],
      ['overlays/prod/new.yaml', cm('x', '1'), 'kustomize'], // a new file in the directory
      ['chart/templates/cm.yaml', cm('fixed', '1'), 'helm'],
      ['values/prod.yaml', 'v: two\n', 'helm'],
      ['.github/ferry.yml', 'targets: []\n', 'helm'],
    ];
    for (const [file, text, kind] of edits) {
      const key = await renderCacheKey({ root, target: kind === 'helm' ? helm : kustomize });
      writeFileSync(join(root, file), text);
      const after = await renderCacheKey({ root, target: kind === 'helm' ? helm : kustomize });
      expect(after, file).not.toBe(key);
    }
    const k = await renderCacheKey({ root, target: kustomize });
    expect(await renderCacheKey({ root, target: kustomize, kubernetesVersion: '1.30' })).not.toBe(k);
    expect(await renderCacheKey({ root, target: { ...kustomize, namespace: 'other' } })).not.toBe(k);
  });

  it('renders again after an input changes', async () => {
    const root = tree(REPO);
    const t = target({ name: 'prod', path: 'overlays/prod' });
    const cache = newCache();
    await renderTargetCached({ root, target: t, cache });
    writeFileSync(join(root, 'base/cm.yaml'), cm('settings', '7'));
    const again = await renderTargetCached({ root, target: t, cache });
    expect(cache.stats).toEqual({ hits: 0, misses: 2, writes: 2 });
    expect(kubectlRuns()).toBe(2);
    expect(again.resources[0]?.object.data).toEqual({ v: '7' });
  });

  it('ignores a corrupt or foreign entry and overwrites it', async () => {
    const root = tree(REPO);
    const t = target({ name: 'prod', path: 'overlays/prod' });
    const cache = newCache();
    await renderTargetCached({ root, target: t, cache });
    const [entry] = readdirSync(cache.dir);
    const file = join(cache.dir, entry ?? '');
    for (const bad of ['{"format":1,"key":', '{"format":1,"key":"other","resources":[]}', '[1,2]']) {
      writeFileSync(file, bad);
      const result = await renderTargetCached({ root, target: t, cache });
      expect(result.failed).toBe(false);
      expect(result.resources.map((r) => r.id.name)).toEqual(['prod-settings']);
    }
    expect(cache.stats.hits).toBe(0);
    expect(kubectlRuns()).toBe(4);
    expect(JSON.parse(readFileSync(file, 'utf8')).resources).toHaveLength(1);
  });

  it('never stores a failed render', async () => {
    const root = tree({ ...REPO, 'overlays/prod/kustomization.yaml': 'resources:\n  - missing.yaml\n' });
    const t = target({ name: 'prod', path: 'overlays/prod' });
    const cache = newCache();
    expect((await renderTargetCached({ root, target: t, cache })).failed).toBe(true);
    expect((await renderTargetCached({ root, target: t, cache })).failed).toBe(true);
    expect(cache.stats).toEqual({ hits: 0, misses: 2, writes: 0 });
  });

  it('keeps within its size bound by deleting the least recently used entries', async () => {
    const cache = { ...newCache(), maxBytes: 1 };
    const t = target({ name: 'prod', path: 'overlays/prod' });
    await renderTargetCached({ root: tree(REPO), target: t, cache });
    await renderTargetCached({ root: tree({ ...REPO, 'base/cm.yaml': cm('s', '2') }), target: t, cache });
    expect(cache.stats.writes).toBe(2);
    expect(readdirSync(cache.dir).filter((n) => n.endsWith('.json'))).toHaveLength(0);
  });

  it('lives in FERRY_RENDER_CACHE_DIR, XDG_CACHE_HOME, ~/.cache or the Lambda temp dir; off turns it off', () => {
    expect(openRenderCache({ FERRY_RENDER_CACHE_DIR: 'off' })).toBeUndefined();
    expect(openRenderCache({ FERRY_RENDER_CACHE_DIR: '/srv/c' })?.dir).toBe('/srv/c');
    expect(openRenderCache({ XDG_CACHE_HOME: '/x' })?.dir).toBe(join('/x', 'ferry', 'renders'));
    expect(openRenderCache({ AWS_LAMBDA_FUNCTION_NAME: 'w' })?.dir).toBe(join(tmpdir(), 'ferry-renders'));
    expect(openRenderCache({})?.dir).toMatch(/[/\\]\.cache[/\\]ferry[/\\]renders$/);
  });

  it('is off when the home folder is not there, rather than making it (HOME=/nonexistent)', () => {
    // It made /nonexistent/.cache/ferry/renders at the root of the filesystem.
    const home = join(tmpdir(), `ferry-no-home-${process.pid}`);
    expect(openRenderCache({}, () => home)).toBeUndefined();
    expect(existsSync(home)).toBe(false);
    expect(
      openRenderCache({}, () => {
        throw new Error('no home directory');
      }),
    ).toBeUndefined();
    expect(openRenderCache({}, () => tmpdir())?.dir).toBe(join(tmpdir(), '.cache', 'ferry', 'renders'));
  });
});
