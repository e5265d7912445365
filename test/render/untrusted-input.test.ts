import { mkdir, mkdtemp, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { renderTarget } from '../../src/render/render-target.ts';
import { copyFixture, fixture, target, writeScript } from './helpers.ts';

/**
 * Untrusted input is the normal case (PRs from forks). These tests prove the refusals happen before
 * any binary runs: a spy stands in for kubectl/helm where that matters, and records being called.
 */
let scratch: { root: string; cleanup: () => Promise<void> };
const savedEnv = { ...process.env };

beforeEach(async () => {
  scratch = await copyFixture('plain');
});

afterEach(async () => {
  process.env = { ...savedEnv };
  await scratch.cleanup();
});

/** Points FERRY_KUBECTL and FERRY_HELM at a script that records its calls (and environment). */
async function installSpy(body = ''): Promise<{ calls: () => Promise<string> }> {
  const log = join(scratch.root, 'spy.log');
  const script = await writeScript(join(scratch.root, 'spy.sh'), `echo "called $*" >> '${log}'\n${body}`);
  process.env.FERRY_KUBECTL = script;
  process.env.FERRY_HELM = script;
  return { calls: () => readFile(log, 'utf8').catch(() => '') };
}

describe('no network', () => {
  it('refuses remote bases and URLs in a kustomization, naming file and line, without running kubectl', async () => {
    const spy = await installSpy();
    const result = await renderTarget({
      root: fixture('kustomize-remote'),
      target: target({ path: 'overlay' }),
    });
    expect(result.failed).toBe(true);
    expect(result.resources).toEqual([]);
    expect(result.findings).toEqual([
      {
        rule: 'render',
        severity: 'error',
        file: 'overlay/kustomization.yaml',
        line: 5,
        message:
          'resources entry "github.com/example/platform//deploy/base?ref=v1.2.0" is a remote reference; ' +
          'Ferry renders with no network: vendor it into the repository',
      },
      expect.objectContaining({
        file: 'overlay/kustomization.yaml',
        line: 6,
        message: expect.stringContaining(
          '"https://raw.githubusercontent.com/example/platform/main/crd.yaml" is a remote',
        ),
      }),
    ]);
    expect(await spy.calls()).toBe('');
  });

  it('refuses helmCharts in a kustomization', async () => {
    const spy = await installSpy();
    const result = await renderTarget({
      root: fixture('kustomize-helmcharts'),
      target: target({ path: '.' }),
    });
    expect(result.failed).toBe(true);
    expect(result.findings).toHaveLength(1);
    expect(result.findings[0]).toMatchObject({ file: 'kustomization.yaml', line: 3 });
    expect(result.findings[0]?.message).toMatch(
      /^helmCharts is not supported: it needs kustomize --enable-helm/,
    );
    expect(await spy.calls()).toBe('');
  });

  it('refuses an unvendored chart dependency, naming it, without running helm', async () => {
    const spy = await installSpy();
    const result = await renderTarget({
      root: fixture('helm-unvendored'),
      target: target({ path: 'chart' }),
    });
    expect(result.failed).toBe(true);
    expect(result.findings).toEqual([
      {
        rule: 'render',
        severity: 'error',
        file: 'chart/Chart.yaml',
        line: 5,
        message: 'dependency postgresql is not vendored; run `helm dependency build` and commit charts/',
      },
    ]);
    expect(await spy.calls()).toBe('');
  });

  it('gives the binaries a minimal environment: no inherited secrets, empty HOME, dead proxies, no kubeconfig', async () => {
    process.env.AWS_SECRET_ACCESS_KEY = 'do-not-leak';
    process.env.GITHUB_TOKEN = 'ghs_do-not-leak';
    const envFile = join(scratch.root, 'env.txt');
    await installSpy(`/usr/bin/env > '${envFile}'`);
    await renderTarget({ root: fixture('kustomize'), target: target({ path: 'base' }) });
    const env = Object.fromEntries(
      (await readFile(envFile, 'utf8'))
        .trim()
        .split('\n')
        .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
    );
    expect(JSON.stringify(env)).not.toContain('do-not-leak');
    expect(env.KUBECONFIG).toBe('/dev/null');
    expect(env.HTTPS_PROXY).toBe('http://127.0.0.1:1');
    expect(env.HTTP_PROXY).toBe('http://127.0.0.1:1');
    expect(env.GIT_TERMINAL_PROMPT).toBe('0');
    for (const key of [
      'HOME',
      'HELM_CACHE_HOME',
      'HELM_CONFIG_HOME',
      'HELM_DATA_HOME',
      'HELM_PLUGINS',
      'KUSTOMIZE_PLUGIN_HOME',
    ]) {
      expect(env[key]).toMatch(/\/ferry-render-[^/]+\//);
    }
    // The sandbox is removed after the render.
    await expect(stat(env.HOME ?? '/nonexistent-home')).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('never passes plugin, exec, helm or load-restrictor flags unless a path outside the kustomization needs it', async () => {
    const spy = await installSpy();
    await renderTarget({ root: fixture('kustomize'), target: target({ path: 'base' }) });
    await renderTarget({ root: fixture('kustomize'), target: target({ path: 'overlays/prod' }) });
    await renderTarget({ root: fixture('helm'), target: target({ path: 'chart' }) });
    const [base, overlay, helm] = (await spy.calls()).trim().split('\n');
    // Through the wrapper kustomization that adds build metadata (origin annotations).
    expect(base).toMatch(/^called kustomize \S+\/ferry-kustomize-\w+$/);
    expect(overlay).toMatch(
      /^called kustomize \S+\/ferry-kustomize-\w+ --load-restrictor LoadRestrictionsNone$/,
    );
    // The one --api-versions lists what a cluster adds to helm's built-in list (served-api-versions.ts).
    expect(helm).toMatch(
      /^called template test \S+\/chart --include-crds --skip-tests --api-versions [\w./,]+$/,
    );
    expect(await spy.calls()).not.toMatch(/enable-(helm|alpha-plugins|exec|dns)|post-renderer/);
  });
});

describe('no path outside the repository', () => {
  it('refuses kustomize resources and generator files outside the repository', async () => {
    const result = await renderTarget({
      root: fixture('kustomize-outside'),
      target: target({ path: 'app' }),
    });
    expect(result.failed).toBe(true);
    expect(result.findings.map((f) => [f.file, f.line, f.message])).toEqual([
      [
        'app/kustomization.yaml',
        4,
        'resources entry "../../../../../../../../../../etc/hostname" leads outside the repository',
      ],
      [
        'app/kustomization.yaml',
        8,
        'configMapGenerator entry "/proc/self/environ" leads outside the repository',
      ],
    ]);
  });

  it('refuses file paths inside builtin generator configs that lead outside the repository', async () => {
    const result = await renderTarget({
      root: fixture('kustomize-plugin-escape'),
      target: target({ path: '.' }),
    });
    expect(result.failed).toBe(true);
    expect(result.findings).toEqual([
      expect.objectContaining({
        file: 'generator.yaml',
        message: 'files entry "/proc/self/environ" leads outside the repository',
      }),
    ]);
  });

  // kustomize decodes a kustomization through JSON into Go structs (sigs.k8s.io/yaml): aliases and
  // merge keys are expanded, !!binary decoded, and field names match in any case, `ſ` for `s`
  // included. A file outside the repository named any of these ways was read into the render.
  it.each([
    [
      'an alias',
      'configMapGenerator',
      'metadata:\n  annotations:\n    p: &p SECRET\nconfigMapGenerator:\n- name: leak\n  files:\n  - *p\n',
    ],
    ['a merge key', 'configMapGenerator', '<<: {configMapGenerator: [{name: leak, files: [SECRET]}]}\n'],
    [
      'a field in another case',
      'configMapGenerator',
      'ConfigMapGenerator:\n- name: leak\n  Files:\n  - SECRET\n',
    ],
    [
      'a field spelt with a long s',
      'configMapGenerator',
      'configMapGenerator:\n- name: leak\n  fileſ:\n  - SECRET\n',
    ],
    [
      'a !!binary path',
      'configMapGenerator',
      'configMapGenerator:\n- name: leak\n  files:\n  - !!binary BASE64\n',
    ],
    ['a builtin generator config with Files:', 'files', 'generators:\n- gen.yaml\n'],
    [
      'a config inside a List',
      'files',
      'generators:\n- |\n  kind: List\n  items:\n  - {apiVersion: builtin, kind: ConfigMapGenerator, metadata: {name: leak}, files: [SECRET]}\n',
    ],
  ])(
    'refuses a file outside the repository named through %s, as kustomize reads it',
    async (_, key, text) => {
      const outside = await mkdtemp(join(tmpdir(), 'ferry-test-outside-'));
      try {
        const secret = join(outside, 'token.txt');
        await writeFile(secret, 'TOKEN-FROM-OUTSIDE\n');
        await mkdir(join(scratch.root, 'app'));
        await writeFile(
          join(scratch.root, 'app/gen.yaml'),
          `apiVersion: builtin\nkind: ConfigMapGenerator\nmetadata: {name: leak}\nFiles:\n- ${secret}\n`,
        );
        // A shared file beside the kustomization: Ferry then renders with LoadRestrictionsNone.
        const body = text.replace('SECRET', secret).replace('BASE64', Buffer.from(secret).toString('base64'));
        await writeFile(
          join(scratch.root, 'app/kustomization.yaml'),
          `resources:\n- ../deploy/deployment.yaml\n${body}`,
        );
        const result = await renderTarget({ root: scratch.root, target: target({ path: 'app' }) });
        expect(JSON.stringify(result)).not.toContain('TOKEN-FROM-OUTSIDE');
        expect(result.failed).toBe(true);
        expect(result.findings).toEqual([
          expect.objectContaining({
            file: expect.stringMatching(/^app\/(kustomization|gen)\.yaml$/),
            message: `${key} entry ${JSON.stringify(secret)} leads outside the repository`,
          }),
        ]);
      } finally {
        await rm(outside, { recursive: true, force: true });
      }
    },
  );

  // kustomize takes a generator entry for an inline config whenever it parses as resources, on one
  // line too, and for a path only otherwise: a file planted at that odd path was all Ferry checked.
  it('checks a one-line inline generator config as kustomize reads it, not the file at that path', async () => {
    const outside = await mkdtemp(join(tmpdir(), 'ferry-test-outside-'));
    try {
      const secret = join(outside, 'token.txt');
      await writeFile(secret, 'TOKEN-FROM-OUTSIDE\n');
      const entry = `{apiVersion: builtin, kind: ConfigMapGenerator, metadata: {name: leak}, files: [${secret}]}`;
      const planted = join(scratch.root, 'app', entry);
      await mkdir(dirname(planted), { recursive: true });
      await writeFile(
        planted,
        'apiVersion: builtin\nkind: LabelTransformer\nmetadata: {name: x}\nlabels: {a: b}\n',
      );
      await writeFile(
        join(scratch.root, 'app/kustomization.yaml'),
        `resources:\n- ../deploy/deployment.yaml\ngenerators:\n- ${JSON.stringify(entry)}\n`,
      );
      const result = await renderTarget({ root: scratch.root, target: target({ path: 'app' }) });
      expect(JSON.stringify(result)).not.toContain('TOKEN-FROM-OUTSIDE');
      expect(result.findings).toEqual([
        expect.objectContaining({
          file: 'app/kustomization.yaml',
          line: 4,
          message: `files entry ${JSON.stringify(secret)} leads outside the repository`,
        }),
      ]);
      // A one-line config that reads nothing outside renders, as kustomize renders it.
      await writeFile(
        join(scratch.root, 'app/kustomization.yaml'),
        'resources:\n- ../deploy/deployment.yaml\ngenerators:\n- "{apiVersion: builtin, kind: ConfigMapGenerator, metadata: {name: inline}, literals: [a=b]}"\n',
      );
      const inline = await renderTarget({ root: scratch.root, target: target({ path: 'app' }) });
      expect(inline.findings).toEqual([]);
      expect(inline.resources.map((r) => r.id.name)).toContain('inline-4h2mbtbbt6');
    } finally {
      await rm(outside, { recursive: true, force: true });
    }
  });

  // A folder under `generators:` is built, and what it builds are the configs kustomize runs: Ferry
  // walked its files as resources, not as configs naming paths.
  it('checks the configs that a kustomization under generators lists, and refuses fields that could change them', async () => {
    const outside = await mkdtemp(join(tmpdir(), 'ferry-test-outside-'));
    try {
      const secret = join(outside, 'token.txt');
      await writeFile(secret, 'TOKEN-FROM-OUTSIDE\n');
      await mkdir(join(scratch.root, 'app/gens'), { recursive: true });
      await writeFile(
        join(scratch.root, 'app/kustomization.yaml'),
        'resources:\n- ../deploy/deployment.yaml\ngenerators:\n- gens\n',
      );
      await writeFile(join(scratch.root, 'app/gens/kustomization.yaml'), 'resources:\n- gen.yaml\n');
      await writeFile(
        join(scratch.root, 'app/gens/gen.yaml'),
        `apiVersion: builtin\nkind: ConfigMapGenerator\nmetadata: {name: leak}\nfiles:\n- ${secret}\n`,
      );
      const result = await renderTarget({ root: scratch.root, target: target({ path: 'app' }) });
      expect(JSON.stringify(result)).not.toContain('TOKEN-FROM-OUTSIDE');
      expect(result.findings).toEqual([
        expect.objectContaining({
          file: 'app/gens/gen.yaml',
          message: `files entry ${JSON.stringify(secret)} leads outside the repository`,
        }),
      ]);
      await writeFile(
        join(scratch.root, 'app/gens/gen.yaml'),
        'apiVersion: builtin\nkind: ConfigMapGenerator\nmetadata: {name: listed}\nliterals: [a=b]\n',
      );
      const listed = await renderTarget({ root: scratch.root, target: target({ path: 'app' }) });
      expect(listed.findings).toEqual([]);
      expect(listed.resources.map((r) => r.id.name)).toContain('listed-4h2mbtbbt6');
      await writeFile(
        join(scratch.root, 'app/gens/kustomization.yaml'),
        'resources:\n- gen.yaml\npatches:\n- path: more-files.yaml\n',
      );
      const patched = await renderTarget({ root: scratch.root, target: target({ path: 'app' }) });
      expect(patched.findings).toEqual([
        expect.objectContaining({
          file: 'app/gens/kustomization.yaml',
          line: 3,
          message:
            'patches is not supported in a kustomization listed under generators, transformers or validators: ' +
            'Ferry checks the paths of the configs it lists, which this field could change; list the configs under resources: only',
        }),
      ]);
    } finally {
      await rm(outside, { recursive: true, force: true });
    }
  });

  it('refuses a kustomization naming a field twice, in two cases or set and merged, and aliases past the cap', async () => {
    await mkdir(join(scratch.root, 'app'));
    const write = (text: string) => writeFile(join(scratch.root, 'app/kustomization.yaml'), text);
    await write('resources:\n- ../deploy/deployment.yaml\nRESOURCES:\n- ../deploy/service.yaml\n');
    expect((await renderTarget({ root: scratch.root, target: target({ path: 'app' }) })).findings).toEqual([
      expect.objectContaining({
        file: 'app/kustomization.yaml',
        line: 3,
        message:
          'invalid kustomization: field resources is set twice (in another case, or by a merge key <<); kustomize reads only one: keep one',
      }),
    ]);
    const laughs = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 8; i++)
      laughs.push(
        `${'abcdefgh'[i]}: &${'abcdefgh'[i]} [${Array(10)
          .fill(`*${'abcdefgh'[i - 1]}`)
          .join(', ')}]`,
      );
    await write(`metadata:\n  annotations:\n${laughs.map((l) => `    ${l}`).join('\n')}\nresources: []\n`);
    const bomb = await renderTarget({ root: scratch.root, target: target({ path: 'app' }) });
    expect(bomb.failed).toBe(true);
    expect(bomb.findings).toEqual([
      expect.objectContaining({
        message:
          'invalid kustomization: its aliases expand to more than 10000 YAML nodes; write the values out',
      }),
    ]);
  });

  it('refuses a path entry that is not a string', async () => {
    await mkdir(join(scratch.root, 'app'));
    await writeFile(
      join(scratch.root, 'app/kustomization.yaml'),
      'resources:\n- ../deploy/deployment.yaml\nconfigMapGenerator:\n- name: x\n  files:\n  - 2001\n',
    );
    const result = await renderTarget({ root: scratch.root, target: target({ path: 'app' }) });
    expect(result.findings).toEqual([
      expect.objectContaining({
        line: 6,
        message: 'configMapGenerator entry must be a path (a string); refusing to render',
      }),
    ]);
  });

  // Ferry maps a kustomize object to its source through the origin annotation kustomize writes, but a
  // generator's `options.annotations` (or a patch) writes it too: Ferry read /dev/zero until memory
  // ran out, or any file outside, as the object's source.
  it('never reads a source file that a forged origin annotation names outside the repository', async () => {
    const outside = await mkdtemp(join(tmpdir(), 'ferry-test-outside-'));
    try {
      await writeFile(
        join(outside, 'source.yaml'),
        `${'# padding\n'.repeat(40)}apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: g-4h2mbtbbt6\ndata: {a: b}\n`,
      );
      await mkdir(join(scratch.root, 'app'));
      // Relative to wherever kustomize built from: enough `../` reach the file system's root.
      const forged = `${'../'.repeat(30)}${join(outside, 'source.yaml').slice(1)}`;
      await writeFile(
        join(scratch.root, 'app/kustomization.yaml'),
        `configMapGenerator:\n- name: g\n  literals: [a=b]\n  options:\n    annotations:\n      config.kubernetes.io/origin: ${JSON.stringify(`path: ${forged}`)}\n`,
      );
      const result = await renderTarget({ root: scratch.root, target: target({ path: 'app' }) });
      expect(result.findings).toEqual([]);
      expect(result.resources.map((r) => [r.id.name, r.file])).toEqual([
        ['g-4h2mbtbbt6', 'app/kustomization.yaml'],
      ]);
    } finally {
      await rm(outside, { recursive: true, force: true });
    }
  });

  // A CI checkout's .git/config holds the token actions/checkout persists (http.extraheader), and
  // `ferry render`/`validate` read the working tree, .git included.
  it("treats a checkout's .git as outside the repository: a kustomization's file, a chart's .Files", async () => {
    const token = 'AUTHORIZATION: basic TOKEN-FROM-GIT-CONFIG';
    await mkdir(join(scratch.root, '.git'));
    await writeFile(
      join(scratch.root, '.git/config'),
      `[http "https://github.com/"]\n\textraheader = ${token}\n`,
    );
    await mkdir(join(scratch.root, 'app'));
    await writeFile(
      join(scratch.root, 'app/kustomization.yaml'),
      'configMapGenerator:\n- name: leak\n  files:\n  - ../.git/config\n',
    );
    const kustomized = await renderTarget({ root: scratch.root, target: target({ path: 'app' }) });
    expect(JSON.stringify(kustomized)).not.toContain('TOKEN-FROM-GIT-CONFIG');
    expect(kustomized.findings).toEqual([
      expect.objectContaining({
        message: 'configMapGenerator entry "../.git/config" leads outside the repository',
      }),
    ]);

    const helm = await copyFixture('helm');
    try {
      await mkdir(join(helm.root, 'chart/.git'));
      await writeFile(join(helm.root, 'chart/.git/config'), `\textraheader = ${token}\n`);
      await writeFile(
        join(helm.root, 'chart/templates/git.yaml'),
        'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: git}\ndata:\n  config: {{ .Files.Get ".git/config" | quote }}\n',
      );
      const charted = await renderTarget({ root: helm.root, target: target({ path: 'chart' }) });
      expect(charted.failed).toBe(false);
      expect(JSON.stringify(charted)).not.toContain('TOKEN-FROM-GIT-CONFIG');
      expect(charted.resources.find((r) => r.id.name === 'git')?.object.data).toEqual({ config: '' });
    } finally {
      await helm.cleanup();
    }
  });

  it('refuses a plain target holding a symlink that escapes the repository', async () => {
    await symlink('/etc/passwd', join(scratch.root, 'deploy/config/passwd.yaml'));
    const result = await renderTarget({ root: scratch.root, target: target({ path: 'deploy' }) });
    expect(result.failed).toBe(true);
    expect(result.resources).toEqual([]);
    expect(result.findings).toEqual([
      {
        rule: 'render',
        severity: 'error',
        file: 'deploy/config/passwd.yaml',
        line: 1,
        message: 'symlink to "/etc/passwd" leads outside the repository; refusing to render',
      },
    ]);
  });

  it('refuses a chart holding a symlink to a directory outside the repository', async () => {
    const helm = await copyFixture('helm');
    try {
      await symlink('/etc', join(helm.root, 'chart/templates/host'));
      const spy = await installSpy();
      const result = await renderTarget({ root: helm.root, target: target({ path: 'chart' }) });
      expect(result.failed).toBe(true);
      expect(result.findings.map((f) => f.file)).toEqual(['chart/templates/host']);
      expect(await spy.calls()).toBe('');
    } finally {
      await helm.cleanup();
    }
  });

  it('refuses a kustomization whose resource is an in-repo symlink pointing outside', async () => {
    const k = await copyFixture('kustomize');
    try {
      await symlink('/etc/passwd', join(k.root, 'shared/host.yaml'));
      const result = await renderTarget({ root: k.root, target: target({ path: 'overlays/prod' }) });
      // The link is outside the target's tree but referenced by nothing: the render is unaffected.
      expect(result.failed).toBe(false);
      await symlink('../shared/host.yaml', join(k.root, 'base/host.yaml'));
      const linked = await renderTarget({ root: k.root, target: target({ path: 'overlays/prod' }) });
      expect(linked.failed).toBe(false);
      // Referencing it is what must be refused.
      const { writeFile } = await import('node:fs/promises');
      await writeFile(
        join(k.root, 'base/kustomization.yaml'),
        'resources:\n  - deployment.yaml\n  - service.yaml\n  - host.yaml\n',
      );
      const refused = await renderTarget({ root: k.root, target: target({ path: 'overlays/prod' }) });
      expect(refused.failed).toBe(true);
      expect(refused.findings).toEqual([
        expect.objectContaining({
          file: 'base/kustomization.yaml',
          line: 4,
          message: 'resources entry "host.yaml" leads outside the repository',
        }),
      ]);
    } finally {
      await k.cleanup();
    }
  });

  it('allows symlinks that stay inside the repository', async () => {
    await symlink('../deployment.yaml', join(scratch.root, 'deploy/config/linked.yaml'));
    const result = await renderTarget({ root: scratch.root, target: target({ path: 'deploy/config' }) });
    expect(result.failed).toBe(false);
    expect(result.resources.map((r) => `${r.id.kind} ${r.file}`)).toEqual([
      'Deployment deploy/config/linked.yaml',
      'Service deploy/config/linked.yaml',
      'ConfigMap deploy/config/settings.json',
    ]);
  });
});

describe('time and size limits', () => {
  it('kills a real kustomize render past its deadline', async () => {
    const result = await renderTarget({
      root: fixture('kustomize'),
      target: target({ path: 'overlays/prod' }),
      limits: { timeoutMs: 1 },
    });
    expect(result).toEqual({
      renderer: 'kustomize',
      resources: [],
      failed: true,
      findings: [
        {
          rule: 'render',
          severity: 'error',
          file: 'overlays/prod/kustomization.yaml',
          line: 1,
          message:
            "render timed out after 1ms (kubectl kustomize was stopped); target 'test': raise renderTimeoutSeconds for it in .github/ferry.yml (default 60)",
        },
      ],
      // The target's own source files are still checked (never applied).
      checkable: expect.arrayContaining([expect.objectContaining({ file: 'base/deployment.yaml' })]),
    });
  });

  it('kills a real helm render whose output exceeds the cap', async () => {
    const result = await renderTarget({
      root: fixture('helm'),
      target: target({ path: 'chart' }),
      limits: { maxOutputBytes: 100 },
    });
    expect(result.failed).toBe(true);
    expect(result.resources).toEqual([]);
    expect(result.findings).toEqual([
      {
        rule: 'render',
        severity: 'error',
        file: 'chart',
        line: 1,
        message:
          "render output exceeded 100 bytes; target 'test': raise maxRenderMiB for it in .github/ferry.yml (default 32)",
      },
    ]);
  });

  it('caps plain renders on the bytes read', async () => {
    const result = await renderTarget({
      root: fixture('plain'),
      target: target({ path: 'deploy' }),
      limits: { maxOutputBytes: 100 },
    });
    expect(result.failed).toBe(true);
    expect(result.findings[0]?.message).toBe(
      "render output exceeded 100 bytes; target 'test': raise maxRenderMiB for it in .github/ferry.yml (default 32)",
    );
  });

  it('caps a target at its own maxRenderMiB and says which target and how to raise it', async () => {
    // A ConfigMap of 1.5 MiB: over a 1 MiB cap, under a 2 MiB one.
    const big = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: weights-index}\ndata:\n  index: "${'x'.repeat(1.5 * 1024 * 1024)}"\n`;
    await writeFile(join(scratch.root, 'deploy', 'big.yaml'), big);
    const capped = await renderTarget({
      root: scratch.root,
      target: target({ name: 'big', path: 'deploy', maxRenderMiB: 1 }),
    });
    expect(capped.failed).toBe(true);
    expect(capped.findings.map((f) => f.message)).toEqual([
      "render output exceeded 1 MiB; target 'big': raise maxRenderMiB for it in .github/ferry.yml (default 32)",
    ]);
    const raised = await renderTarget({
      root: scratch.root,
      target: target({ name: 'big', path: 'deploy', maxRenderMiB: 2 }),
    });
    expect(raised.failed).toBe(false);
    expect(raised.resources.map((r) => r.id.name)).toContain('weights-index');
  });

  it("stops a render at the target's renderTimeoutSeconds and says which target and how to raise it", async () => {
    await installSpy('/bin/sleep 30');
    const result = await renderTarget({
      root: fixture('kustomize'),
      target: target({ name: 'slow', path: 'base', renderTimeoutSeconds: 1 }),
    });
    expect(result.failed).toBe(true);
    expect(result.findings.map((f) => f.message)).toEqual([
      "render timed out after 1s (kubectl kustomize was stopped); target 'slow': raise renderTimeoutSeconds for it in .github/ferry.yml (default 60)",
    ]);
  });

  it('kills the whole process group, not just the binary, on timeout', async () => {
    const pidFile = join(scratch.root, 'grandchild.pid');
    await installSpy(`/bin/sleep 60 &\necho $! > '${pidFile}'\nwait`);
    const result = await renderTarget({
      root: fixture('kustomize'),
      target: target({ path: 'base' }),
      limits: { timeoutMs: 2_000 },
    });
    expect(result.findings[0]?.message).toMatch(
      /^render timed out after 2s \(kubectl kustomize was stopped\); target '.+': raise renderTimeoutSeconds/,
    );
    const pid = Number(await readFile(pidFile, 'utf8'));
    expect(pid).toBeGreaterThan(0);
    expect(await waitUntilGone(pid)).toBe(true);
  });
});

/** A killed process may linger briefly as a zombie until init reaps it. */
async function waitUntilGone(pid: number): Promise<boolean> {
  for (let i = 0; i < 100; i++) {
    try {
      process.kill(pid, 0);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ESRCH') return true;
      throw err;
    }
    const state = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
    if (/^\d+ \(.*\) Z/.test(state)) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}
