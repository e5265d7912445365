import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { locationOf } from '../../src/manifest/line-of.ts';
import { renderPaths } from '../../src/render/render-paths.ts';
import { renderTarget } from '../../src/render/render-target.ts';
import type { Resource } from '../../src/types.ts';
import { lineAt } from '../helpers/lines-at.ts';
import { tempTrees } from '../helpers/temp-trees.ts';
import { copyFixture, fixture, target } from './helpers.ts';

const tree = tempTrees('ferry-render-target-');

function summary(resources: Resource[]): string[] {
  return resources.map((r) => `${r.id.kind} ${r.id.namespace}/${r.id.name} ${r.file}:${r.line}`);
}

const trees = tempTrees('ferry-render-target-');

describe('renderTarget: plain', () => {
  it('finds YAML and JSON manifests recursively, skipping hidden dirs, non-Kubernetes YAML and nested charts', async () => {
    const result = await renderTarget({
      root: fixture('plain'),
      target: target({ path: 'deploy', namespace: 'ml' }),
    });
    expect(result.renderer).toBe('plain');
    expect(result.failed).toBe(false);
    expect(result.findings).toEqual([]);
    expect(summary(result.resources)).toEqual([
      'ConfigMap ml/classifier-settings deploy/config/settings.json:1',
      'Deployment ml/classifier deploy/deployment.yaml:2',
      'Service edge/classifier deploy/deployment.yaml:20',
    ]);
  });

  it('keeps field line pointers for plain files', async () => {
    const result = await renderTarget({ root: fixture('plain'), target: target({ path: './deploy/' }) });
    const deployment = result.resources.find((r) => r.id.kind === 'Deployment');
    expect(lineAt(deployment, '/spec/template/spec/containers/0/image')).toBe(18);
    expect(deployment?.id.namespace).toBe('');
  });

  it('fails the whole render, with no resources, when one file does not parse', async () => {
    const result = await renderTarget({ root: fixture('plain-broken'), target: target({ path: '' }) });
    expect(result.failed).toBe(true);
    expect(result.resources).toEqual([]);
    expect(result.findings).toHaveLength(1);
    expect(result.findings[0]).toMatchObject({ rule: 'parse', severity: 'error', file: 'bad.yaml' });
  });

  it('reads a file saved as UTF-16 as kubectl does, not as no objects (which a deploy would prune)', async () => {
    const { root, cleanup } = await copyFixture('plain');
    try {
      const before = await renderTarget({ root, target: target({ path: 'deploy' }) });
      const file = join(root, 'deploy', 'deployment.yaml');
      const text = await readFile(file, 'utf8');
      // What an editor on Windows writes for "Unicode": a byte-order mark, then UTF-16LE.
      await writeFile(file, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]));
      const after = await renderTarget({ root, target: target({ path: 'deploy' }) });
      expect(after.failed).toBe(false);
      expect(summary(after.resources)).toEqual(summary(before.resources));
      expect(
        lineAt(
          after.resources.find((r) => r.id.kind === 'Deployment'),
          '/spec/template/spec/containers/0/image',
        ),
      ).toBe(18);
    } finally {
      await cleanup();
    }
  });

  it('fails the render at the line of a byte that is not UTF-8, as kubectl refuses the file', async () => {
    const { root, cleanup } = await copyFixture('plain');
    try {
      const file = join(root, 'deploy', 'deployment.yaml');
      const text = await readFile(file, 'utf8');
      // Latin-1 from an old editor: 0xE9 for é.
      await writeFile(
        file,
        Buffer.from(text.replace('name: classifier', 'name: classifier # café'), 'latin1'),
      );
      const result = await renderTarget({ root, target: target({ path: 'deploy' }) });
      expect(result.failed).toBe(true);
      expect(result.resources).toEqual([]);
      const line = text.split('\n').findIndex((l) => l.includes('name: classifier')) + 1;
      expect(result.findings).toEqual([
        {
          rule: 'parse',
          severity: 'error',
          file: 'deploy/deployment.yaml',
          line,
          message: `line ${line} is not UTF-8 (byte 0xE9); kubectl refuses the file: save it as UTF-8`,
        },
      ]);
    } finally {
      await cleanup();
    }
  });

  it('warns that a folder of Jsonnet programs and no manifest gives nothing to check or deploy (Argo CD renders Jsonnet)', async () => {
    const root = trees({
      'jsonnet/guestbook-ui.jsonnet': '{ apiVersion: "v1", kind: "Service" }\n',
      'jsonnet/lib/params.libsonnet': '{}\n',
      'jsonnet/lib/other.jsonnet': '{}\n',
      // Jsonnet kept beside its committed output: the output is checked, nothing to say.
      'both/src/app.jsonnet': '{}\n',
      'both/out.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n',
    });
    const warning = {
      rule: 'render',
      severity: 'warning',
      file: 'jsonnet/guestbook-ui.jsonnet',
      line: 1,
      message:
        'this folder holds 2 Jsonnet programs (jsonnet/guestbook-ui.jsonnet, jsonnet/lib/other.jsonnet) and no YAML or JSON manifest: Ferry does not run Jsonnet, so nothing here is checked or deployed; commit its output as YAML (jsonnet -y, or your CI) and point the target at it',
    };
    const jsonnet = await renderTarget({ root, target: target({ path: 'jsonnet' }) });
    expect(jsonnet).toEqual({ renderer: 'plain', resources: [], findings: [warning], failed: false });
    // The same for `ferry validate PATH` (renderPaths streams the files of its paths).
    expect((await renderPaths({ root, paths: ['jsonnet'] })).findings).toEqual([warning]);
    const both = await renderTarget({ root, target: target({ path: 'both' }) });
    expect(both.findings).toEqual([]);
    expect(both.resources).toHaveLength(1);
  });

  it('refuses a folder holding a manifest or folder whose name is not UTF-8, naming it with its bytes escaped', async () => {
    // It failed with ENOENT: the name read as text (U+FFFD for the bad byte) is a path no file has.
    const root = trees({ 'plain/ok.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n' });
    const latin1 = (name: string) => Buffer.from(name, 'latin1');
    writeFileSync(
      Buffer.concat([Buffer.from(`${root}/plain/`), latin1('cm-\xe9.yaml')]),
      'kind: ConfigMap\n',
    );
    mkdirSync(Buffer.concat([Buffer.from(`${root}/plain/`), latin1('sub-\xfc')]));
    // Names never read are no reason to refuse: another file's, a hidden manifest's.
    writeFileSync(Buffer.concat([Buffer.from(`${root}/plain/`), latin1('notes-\xe9.txt')]), '');
    writeFileSync(Buffer.concat([Buffer.from(`${root}/plain/`), latin1('.hidden-\xe9.yaml')]), '');
    const finding = (kind: string, name: string) => ({
      rule: 'render',
      severity: 'error',
      file: 'plain',
      line: 1,
      message: `${kind} name '${name}' in this folder is not UTF-8, so it cannot be read: rename it to a UTF-8 name; refusing to render`,
    });
    const rendered = await renderTarget({ root, target: target({ path: 'plain' }) });
    expect(rendered).toMatchObject({
      failed: true,
      resources: [],
      findings: [finding('folder', 'sub-\\xfc')],
    });
    rmSync(Buffer.concat([Buffer.from(`${root}/plain/`), latin1('sub-\xfc')]), { recursive: true });
    const file = [finding('file', 'cm-\\xe9.yaml')];
    expect(await renderTarget({ root, target: target({ path: 'plain' }) })).toMatchObject({
      failed: true,
      findings: file,
    });
    expect(await renderPaths({ root, paths: ['plain'] })).toMatchObject({ failed: true, findings: file });
  });

  // triton-inference-server/server@e1db8a6 and awslabs/ai-on-eks@41a979e keep Helm values files in
  // folders of their own (infra/nvidia-triton-server/helm-values): a target pointed there passed as
  // "0 resources" and would deploy nothing.
  it('warns that a target whose YAML files hold no Kubernetes object renders nothing', async () => {
    const root = trees({
      'helm-values/nim-llm.yaml': 'image:\n  repository: nvcr.io/nim/meta/llama3-8b-instruct\n',
      'helm-values/prometheus.yaml': 'prometheus:\n  enabled: true\n---\n# only a comment\n',
      'one/values.yaml': 'replicas: 2\n',
      'mixed/mkdocs.yml': 'site_name: docs\n',
      'mixed/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n',
    });
    const values = await renderTarget({ root, target: target({ path: 'helm-values' }) });
    expect(values).toEqual({
      renderer: 'plain',
      resources: [],
      failed: false,
      findings: [
        {
          rule: 'render',
          severity: 'warning',
          file: 'helm-values/nim-llm.yaml',
          line: 1,
          message:
            'this target renders nothing: none of its 2 YAML or JSON files holds a Kubernetes object (a document with apiVersion and kind), so nothing here is checked or deployed; point the target at manifests, a kustomization or a chart (Helm values files belong under helm.values)',
        },
      ],
    });
    const one = await renderTarget({ root, target: target({ path: 'one' }) });
    expect(one.findings.map((f) => f.message)).toEqual([
      expect.stringContaining('its one YAML or JSON file holds no Kubernetes object'),
    ]);
    // Other YAML beside manifests is not judged.
    expect((await renderTarget({ root, target: target({ path: 'mixed' }) })).findings).toEqual([]);
  });

  it('warns that a chart whose values switch every template off, or an empty kustomization, renders nothing', async () => {
    // The agent refuses to deploy an empty render: a green check for it would be a deploy that fails.
    const root = trees({
      'chart/Chart.yaml': 'apiVersion: v2\nname: llm\nversion: 0.1.0\n',
      'chart/values.yaml': 'server:\n  enabled: false\n',
      'chart/templates/cm.yaml':
        '{{- if .Values.server.enabled }}\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n{{- end }}\n',
      'empty/kustomization.yaml': 'resources: []\n',
    });
    const chart = await renderTarget({ root, target: target({ path: 'chart' }) });
    expect(chart.failed).toBe(false);
    expect(chart.findings).toEqual([
      {
        rule: 'render',
        severity: 'warning',
        file: 'chart/Chart.yaml',
        line: 1,
        message:
          "this target renders nothing: helm template printed no Kubernetes object, so nothing is checked, and the agent does not deploy an empty render (nothing applied, nothing pruned); check the values that switch its templates on (the target's helm.values)",
      },
    ]);
    const empty = await renderTarget({ root, target: target({ path: 'empty' }) });
    expect(empty.findings.map((f) => `${f.file}:${f.line} ${f.severity}`)).toEqual([
      'empty/kustomization.yaml:1 warning',
    ]);
  });

  it('reports a target path that does not exist', async () => {
    const result = await renderTarget({ root: fixture('plain'), target: target({ path: 'nowhere' }) });
    expect(result).toEqual({
      renderer: 'plain',
      resources: [],
      failed: true,
      findings: [
        {
          rule: 'render',
          severity: 'error',
          file: 'nowhere',
          line: 1,
          message:
            "path does not exist in this revision: fix the target's path in .github/ferry.yml, or add the folder",
        },
      ],
    });
  });

  it("reports a declared target's missing path on its path line in .github/ferry.yml, with the path it likely means", async () => {
    const root = trees({
      'deploy/overlays/staging/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n',
      'deploy/charts/batch-eval/Chart.yaml': 'apiVersion: v2\nname: batch-eval\nversion: 0.1.0\n',
    });
    const render = async (path: string, helm = false) => {
      const result = await renderTarget({
        root,
        target: target({
          name: 'staging',
          path,
          ...(helm ? { helm: { releaseName: 'x', values: [] } } : {}),
          declared: { file: '.github/ferry.yml', line: 8, ...(helm ? { helmLine: 10 } : {}) },
        }),
      });
      expect(result).toMatchObject({ renderer: 'plain', resources: [], failed: true });
      return result.findings.map((f) => `${f.file}:${f.line} ${f.severity} ${f.message}`);
    };
    const fix = ': fix the path, or add the folder';
    expect(await render('deploy/overlays/staging ')).toEqual([
      `.github/ferry.yml:8 error target 'staging': path "deploy/overlays/staging " does not exist in this revision (did you mean "deploy/overlays/staging"?)${fix}`,
    ]);
    expect(await render(' deploy/overlays/staging')).toEqual([
      `.github/ferry.yml:8 error target 'staging': path " deploy/overlays/staging" does not exist in this revision (did you mean "deploy/overlays/staging"?)${fix}`,
    ]);
    expect(await render('./deploy/Overlays/Staging/')).toEqual([
      `.github/ferry.yml:8 error target 'staging': path "./deploy/Overlays/Staging/" does not exist in this revision (did you mean "deploy/overlays/staging"?)${fix}`,
    ]);
    // The path line, not the helm block's: the block is not what is wrong.
    expect(await render('deploy/charts/batch-evl', true)).toEqual([
      `.github/ferry.yml:8 error target 'staging': path "deploy/charts/batch-evl" does not exist in this revision (did you mean "deploy/charts/batch-eval"?)${fix}`,
    ]);
    expect(await render('deploy/overlays/production')).toEqual([
      `.github/ferry.yml:8 error target 'staging': path "deploy/overlays/production" does not exist in this revision${fix}`,
    ]);
  });

  it("warns on the target's line in .github/ferry.yml when its path renders no resources, naming the folders to point at", async () => {
    const root = trees({
      'empty/.gitkeep': '',
      'overlays/prod/kustomization.yaml': 'resources: []\n',
      'overlays/staging/kustomization.yaml': 'resources: []\n',
      'charts/llm/Chart.yaml': 'apiVersion: v2\nname: llm\nversion: 0.1.0\n',
      'deploy/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n',
      'deploy/charts/llm/Chart.yaml': 'apiVersion: v2\nname: llm\nversion: 0.1.0\n',
    });
    const declared = { file: '.github/ferry.yml', line: 7 };
    const render = (path: string) => renderTarget({ root, target: target({ name: 'ev', path, declared }) });
    const at = { rule: 'render', file: '.github/ferry.yml', line: 7 };
    expect(await render('empty')).toEqual({
      renderer: 'plain',
      resources: [],
      failed: false,
      findings: [
        {
          ...at,
          severity: 'warning',
          message:
            "target 'ev' renders no resources: its path empty holds no YAML or JSON manifest, kustomization or chart, so nothing is checked or deployed (the agent does not deploy an empty render); point path at the folder of the target's manifests",
        },
      ],
    });
    expect((await render('overlays')).findings).toEqual([
      {
        ...at,
        severity: 'warning',
        message:
          "target 'ev' renders no resources, so nothing is checked or deployed: its path overlays holds no manifest of its own, and 2 folders with a kustomization or a chart below it (overlays/prod, overlays/staging) were not rendered, as they are targets of their own; point path at one of them (path: overlays/prod), and list the others as targets",
      },
    ]);
    expect((await render('charts')).findings.map((f) => f.message)).toEqual([
      expect.stringContaining(
        '1 folder with a kustomization or a chart below it (charts/llm) was not rendered, as it is a target of its own; point path at it (path: charts/llm)',
      ),
    ]);
    // A path that renders, with a chart below it: the chart may be a target of its own, nothing to say.
    const deploy = await render('deploy');
    expect(deploy.resources).toHaveLength(1);
    expect(deploy.findings).toEqual([]);
    // Streamed to a sink (ferry validate), the resources are counted there: no warning.
    const parts: Resource[] = [];
    const streamed = await renderTarget({
      root,
      target: target({ name: 'ev', path: 'deploy', declared }),
      sink: { first: () => undefined, part: async (part) => void parts.push(...part) },
    });
    expect(parts).toHaveLength(1);
    expect(streamed.findings).toEqual([]);
  });

  it("fails a target whose helm block names a path that is not a chart, on the helm block's line", async () => {
    const root = trees({
      'charts/llm/Chart.yaml': 'apiVersion: v2\nname: llm\nversion: 0.1.0\n',
      'charts/llm/templates/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n',
      'overlay/kustomization.yaml': 'resources: [cm.yaml]\n',
      'overlay/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n',
    });
    const render = (path: string) =>
      renderTarget({
        root,
        target: target({
          name: 'ev',
          path,
          helm: { releaseName: 'x', values: [] },
          declared: { file: '.github/ferry.yml', line: 3, helmLine: 5 },
        }),
      });
    expect(await render('charts')).toEqual({
      renderer: 'plain',
      resources: [],
      failed: true,
      findings: [
        {
          rule: 'render',
          severity: 'error',
          file: '.github/ferry.yml',
          line: 5,
          message:
            "target 'ev' has a helm block, but its path charts is not a Helm chart (no Chart.yaml; it is a folder of plain manifests): point path at the chart's folder (the chart below it: charts/llm), or remove the helm block to render it as it is",
        },
      ],
    });
    const overlay = await render('overlay');
    expect(overlay.failed).toBe(true);
    expect(overlay.findings.map((f) => f.message)).toEqual([
      expect.stringContaining('its path overlay is not a Helm chart (no Chart.yaml; it is a kustomization)'),
    ]);
    expect((await render('charts/llm')).resources).toHaveLength(1);
  });

  it("fails a chart target whose name is longer than helm's 53-character release names on its name line, and renders it with helm.releaseName", async () => {
    const root = trees({
      'charts/llm/Chart.yaml': 'apiVersion: v2\nname: llm\nversion: 0.1.0\n',
      'charts/llm/templates/cm.yaml':
        'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: "{{ .Release.Name }}"}\n',
    });
    const name = `gpu-inference-${'x'.repeat(45)}`;
    const render = (releaseName?: string) =>
      renderTarget({
        root,
        target: target({
          name,
          path: 'charts/llm',
          ...(releaseName ? { helm: { releaseName, values: [] } } : {}),
          declared: { file: '.github/ferry.yml', line: 3, nameLine: 2 },
        }),
      });
    const refused = await render();
    expect(refused.failed).toBe(true);
    expect(refused.findings).toEqual([
      expect.objectContaining({
        file: '.github/ferry.yml',
        line: 2,
        message: expect.stringMatching(
          /^Helm refuses the release name "gpu-inference-x+" \(59 characters, and Helm takes at most 53\): .*set helm.releaseName for this target in .github\/ferry.yml, or shorten its name$/,
        ),
      }),
    ]);
    const named = await render('gpu-inference');
    expect(named.findings).toEqual([]);
    expect(named.resources.map((r) => r.id.name)).toEqual(['gpu-inference']);
  });

  it('refuses a target path that climbs out of the repository', async () => {
    const result = await renderTarget({ root: fixture('plain'), target: target({ path: '../kustomize' }) });
    expect(result.failed).toBe(true);
    expect(result.findings[0]?.message).toBe('path leads outside the repository');
  });
});

describe('renderTarget: kustomize', () => {
  it('renders an overlay with namespace, prefix, patches from inside and outside its directory, and a generator', async () => {
    const result = await renderTarget({
      root: fixture('kustomize'),
      target: target({ path: 'overlays/prod', namespace: 'ignored-when-kustomize-sets-one' }),
    });
    expect(result.renderer).toBe('kustomize');
    expect(result.findings).toEqual([]);
    expect(result.failed).toBe(false);
    expect(summary(result.resources)).toEqual([
      expect.stringMatching(
        /^ConfigMap prod\/prod-model-config-[a-z0-9]{10} overlays\/prod\/kustomization.yaml:14$/,
      ),
      'Service prod/prod-api base/service.yaml:2',
      'Deployment prod/prod-api base/deployment.yaml:1',
      'PodDisruptionBudget prod/prod-api overlays/prod/pdb.yaml:1',
    ]);
    const deployment = result.resources.find((r) => r.id.kind === 'Deployment');
    expect(deployment?.object.spec).toMatchObject({ replicas: 3 });
    expect(deployment?.object.metadata).toMatchObject({ labels: { team: 'ml' } });
    const config = result.resources.find((r) => r.id.kind === 'ConfigMap');
    expect(config?.object.data).toMatchObject({
      'model.properties': expect.stringContaining('model.version=v7'),
    });
  });

  it('maps every field to its source file and line, and a patched field to the patch', async () => {
    const result = await renderTarget({
      root: fixture('kustomize'),
      target: target({ path: 'overlays/prod' }),
    });
    const deployment = result.resources.find((r) => r.id.kind === 'Deployment');
    if (!deployment) throw new Error('no Deployment rendered');
    // The build-metadata annotations are Ferry's: never in what is applied or diffed.
    expect(JSON.stringify(deployment.object)).not.toMatch(/config\.kubernetes\.io/);
    expect(locationOf(deployment, ['spec', 'template', 'spec', 'containers', 0, 'image'])).toEqual({
      file: 'base/deployment.yaml',
      line: 17,
    });
    expect(locationOf(deployment, ['spec', 'replicas'])).toEqual({
      file: 'overlays/prod/replicas.yaml',
      line: 6,
    });
  });

  it('renders the same objects without field lines when none will be read (a diff base)', async () => {
    for (const [dir, path] of [
      ['kustomize', 'overlays/prod'],
      ['helm', 'chart'],
    ] as const) {
      const full = await renderTarget({ root: fixture(dir), target: target({ path }) });
      const bare = await renderTarget({ root: fixture(dir), target: target({ path }), fieldLines: false });
      expect(bare.resources.map((r) => r.object)).toEqual(full.resources.map((r) => r.object));
      expect(full.resources.some((r) => r.pointers || r.lines)).toBe(true);
      for (const r of bare.resources) {
        expect(r.pointers).toBeUndefined();
        expect(r.lines).toBeUndefined();
      }
    }
  });

  it('applies the target namespace to objects kustomize leaves without one', async () => {
    const result = await renderTarget({
      root: fixture('kustomize'),
      target: target({ path: 'base', namespace: 'ml' }),
    });
    expect(summary(result.resources)).toEqual([
      'Service ml/api base/service.yaml:2',
      'Deployment ml/api base/deployment.yaml:1',
    ]);
  });

  it("points an image a kustomization's images: entry rewrites at that entry, not at the base's image line", async () => {
    // Modelled on kubeflow/katib: the base names the image without a tag, each install sets newTag.
    const root = tree({
      'components/controller/kustomization.yaml': 'resources: [controller.yaml]\n',
      'components/controller/controller.yaml': [
        'apiVersion: apps/v1', // 1
        'kind: Deployment', // 2
        'metadata:', // 3
        '  name: controller', // 4
        'spec:', // 5
        '  selector: {matchLabels: {app: c}}', // 6
        '  template:', // 7
        '    metadata: {labels: {app: c}}', // 8
        '    spec:', // 9
        '      containers:', // 10
        '        - name: controller', // 11
        '          image: ghcr.io/acme/controller', // 12
        '        - name: sidecar', // 13
        '          image: busybox:1.36', // 14
        '',
      ].join('\n'),
      'installs/standalone/kustomization.yaml': [
        'namespace: ml', // 1
        'resources:', // 2
        '  - ../../components/controller', // 3
        'images:', // 4
        '  - name: ghcr.io/acme/controller', // 5
        '    newName: ghcr.io/acme/controller', // 6
        '    newTag: latest', // 7
        '  - name: not-used', // 8
        '    newTag: "2"', // 9
        '',
      ].join('\n'),
    });
    const result = await renderTarget({ root, target: target({ path: 'installs/standalone' }) });
    expect(result.findings).toEqual([]);
    const deployment = result.resources.find((r) => r.id.kind === 'Deployment');
    if (!deployment) throw new Error('no Deployment rendered');
    const image = (i: number) => ['spec', 'template', 'spec', 'containers', i, 'image'];
    expect(locationOf(deployment, image(0))).toEqual({
      file: 'installs/standalone/kustomization.yaml',
      line: 7,
    });
    // An image no entry changes stays where it is written.
    expect(locationOf(deployment, image(1))).toEqual({
      file: 'components/controller/controller.yaml',
      line: 14,
    });
  });

  it('reports a missing resource at its line in the kustomization, before running kustomize', async () => {
    const result = await renderTarget({ root: fixture('kustomize-missing'), target: target({ path: '.' }) });
    expect(result.failed).toBe(true);
    expect(result.resources).toEqual([]);
    expect(result.findings).toEqual([
      {
        rule: 'render',
        severity: 'error',
        file: 'kustomization.yaml',
        line: 3,
        message: 'resources entry "not-there.yaml" does not exist',
        // kustomize's own message, in full, below Ferry's.
        detail: expect.stringContaining("accumulating resources from 'not-there.yaml'"),
      },
    ]);
  });

  // opendatahub-io/opendatahub-operator's config/rhaii/odh: two kustomizations below it lack a file
  // (controller-gen writes them). kustomize stopped at crd's `bases/`; its words were under rbac's
  // `role.yaml`, the first finding, and the crd finding had none.
  it("puts kustomize's message under the missing entry it is about, not the first one", async () => {
    const root = trees({
      'odh/kustomization.yaml': 'resources:\n  - ../crd\n  - ../rbac\n',
      'crd/kustomization.yaml': 'resources:\n  - bases/\n',
      'rbac/kustomization.yaml': 'resources:\n  - sa.yaml\n  - role.yaml\n',
      'rbac/sa.yaml': 'apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: a}\n',
    });
    const result = await renderTarget({ root, target: target({ path: 'odh' }) });
    const brief = result.findings.map(
      (f) => `${f.file}:${f.line} ${f.message} [${f.detail ? 'detail' : ''}]`,
    );
    expect(brief.sort()).toEqual([
      'crd/kustomization.yaml:2 resources entry "bases/" does not exist [detail]',
      'rbac/kustomization.yaml:3 resources entry "role.yaml" does not exist []',
    ]);
    expect(result.findings.find((f) => f.file === 'crd/kustomization.yaml')?.detail).toContain('crd/bases');
  });

  // kubernetes-sigs/kueue's config/default with a missing resource and a `patches:` entry written as a
  // string: kustomize refuses the patches first, and its words stood under the missing resource.
  it('says apart a problem kustomize stops at that is not the missing entry', async () => {
    const root = trees({
      'k/kustomization.yaml': 'resources:\n  - cm.yaml\n  - does-not-exist.yaml\npatches:\n  - patch.yaml\n',
      'k/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n',
    });
    const result = await renderTarget({ root, target: target({ path: 'k' }) });
    expect(result.findings).toHaveLength(2);
    expect(result.findings[0]).toMatchObject({
      file: 'k/kustomization.yaml',
      line: 3,
      message: 'resources entry "does-not-exist.yaml" does not exist',
    });
    expect(result.findings[0]?.detail).toBeUndefined();
    expect(result.findings[1]?.detail).toMatch(/patches/);
  });

  // argoproj/argo-workflows' manifests/components/mysql: a Component patches the overlay's ConfigMap.
  it('says that a Component that fails alone is built as part of an overlay listing it', async () => {
    const component =
      'apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\npatches:\n  - path: cm.yaml\n';
    const root = trees({
      'components/mysql/kustomization.yaml': component,
      'components/mysql/cm.yaml':
        'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: controller}\ndata: {x: "1"}\n',
      'overlay/kustomization.yaml': 'resources: [cm.yaml]\ncomponents: [../components/mysql]\n',
      'overlay/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: controller}\ndata: {a: "0"}\n',
    });
    const alone = await renderTarget({ root, target: target({ path: 'components/mysql' }) });
    expect(alone.failed).toBe(true);
    expect(alone.findings[0]?.message).toMatch(
      /\(this kustomization is a kustomize Component, kind: Component, which kustomize builds as part of an overlay that lists it under components:; point the target at such an overlay\)$/,
    );
    const overlay = await renderTarget({ root, target: target({ path: 'overlay' }) });
    expect(overlay.findings).toEqual([]);
    expect(overlay.resources[0]?.object).toMatchObject({ data: { a: '0', x: '1' } });
  });

  it("reports a patch with no target at the patch's name line, with kustomize's message in full below", async () => {
    const result = await renderTarget({
      root: fixture('kustomize-bad-patch'),
      target: target({ path: '.' }),
    });
    expect(result.failed).toBe(true);
    expect(result.resources).toEqual([]);
    expect(result.findings).toHaveLength(1);
    expect(result.findings[0]).toMatchObject({
      rule: 'render',
      severity: 'error',
      file: 'patch.yaml',
      line: 4,
      message: 'patch targets Deployment "does-not-exist", which no resource of this kustomization declares',
    });
    expect(result.findings[0]?.detail).toContain('no matches for Id Deployment.v1.apps/does-not-exist');
    expect(result.findings[0]?.detail).not.toMatch(/\/fixtures\/|ferry-kustomize-/);
  });
});

describe('renderTarget: helm', () => {
  it('renders a chart with a values file, the release name and namespace, tests skipped', async () => {
    const result = await renderTarget({
      root: fixture('helm'),
      target: target({
        name: 'classifier-prod',
        path: 'chart',
        namespace: 'ml',
        helm: { releaseName: 'classifier', values: ['values/prod.yaml'] },
      }),
    });
    expect(result.renderer).toBe('helm');
    expect(result.findings).toEqual([]);
    expect(summary(result.resources)).toEqual([
      'ConfigMap ml/model-resnet chart/templates/models.yaml:4',
      'ConfigMap ml/model-vit chart/templates/models.yaml:4',
      'Service ml/classifier chart/templates/deployment.yaml:23',
      'Deployment ml/classifier chart/templates/deployment.yaml:3',
    ]);
    const deployment = result.resources.find((r) => r.id.kind === 'Deployment');
    expect(deployment?.object.spec).toMatchObject({ replicas: 4 });
    expect(JSON.stringify(deployment?.object)).toContain('ghcr.io/example/classifier:1.5.0');
    expect(result.resources.some((r) => r.id.kind === 'Pod')).toBe(false);
    // Every field at its line in the template, aligned key by key.
    if (!deployment) throw new Error('no Deployment rendered');
    expect(locationOf(deployment, ['spec', 'template', 'spec', 'containers', 0, 'image'])).toEqual({
      file: 'chart/templates/deployment.yaml',
      line: 20,
    });
    expect(locationOf(deployment, ['spec', 'replicas'])).toEqual({
      file: 'chart/templates/deployment.yaml',
      line: 9,
    });
  });

  it('uses the target name as the release name by default', async () => {
    const result = await renderTarget({
      root: fixture('helm'),
      target: target({ name: 'canary', path: 'chart' }),
    });
    expect(result.resources.map((r) => r.id.name)).toContain('canary');
  });

  it('renders vendored dependencies, pointing at their templates', async () => {
    const result = await renderTarget({
      root: fixture('helm-vendored'),
      target: target({ name: 'x', path: 'chart' }),
    });
    expect(result.failed).toBe(false);
    expect(summary(result.resources)).toEqual([
      'ConfigMap /app chart/templates/cm.yaml:2',
      'StatefulSet /x-redis chart/charts/redis/templates/statefulset.yaml:2',
    ]);
  });

  it("reports a template error with helm's message at the template's file and line", async () => {
    const result = await renderTarget({
      root: fixture('helm-template-error'),
      target: target({ path: 'chart' }),
    });
    expect(result.failed).toBe(true);
    expect(result.resources).toEqual([]);
    expect(result.findings).toEqual([
      {
        rule: 'render',
        severity: 'error',
        file: 'chart/templates/deployment.yaml',
        line: 10,
        message: 'execution error at (chart/templates/deployment.yaml:10:20): imageTag is required',
        // helm's own words in full, with the chart's paths made repo-relative.
        detail: 'Error: execution error at (chart/templates/deployment.yaml:10:20): imageTag is required',
      },
    ]);
  });

  it("says where helm's --namespace comes from when a chart refuses to render without one", async () => {
    // NVIDIA/k8s-device-plugin's templates/validation.yml, shortened.
    const check =
      '{{- if and (eq .Release.Namespace "default") (not .Values.allowDefaultNamespace) }}\n{{- fail "Running in the \'default\' namespace is not recommended. Otherwise, use --namespace" }}\n{{- end }}\n';
    const root = tree({
      'chart/Chart.yaml': 'apiVersion: v2\nname: nvidia-device-plugin\nversion: 0.17.0\n',
      'chart/templates/validation.yml': check,
      'chart/templates/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n',
    });
    const without = await renderTarget({ root, target: target({ path: 'chart' }) });
    expect(without.findings.map((f) => `${f.file}:${f.line} ${f.message}`)).toEqual([
      "chart/templates/validation.yml:2 execution error at (chart/templates/validation.yml:2:4): Running in the 'default' namespace is not recommended. Otherwise, use --namespace (Ferry renders with the target's namespace as --namespace: set namespace: on the target in .github/ferry.yml)",
    ]);
    const inNamespace = await renderTarget({ root, target: target({ path: 'chart', namespace: 'gpu' }) });
    expect(inNamespace.failed).toBe(false);
  });

  it('refuses a values file that does not exist', async () => {
    const result = await renderTarget({
      root: fixture('helm'),
      target: target({ path: 'chart', helm: { values: ['values/staging.yaml'] } }),
    });
    expect(result.failed).toBe(true);
    expect(result.findings).toEqual([
      {
        rule: 'render',
        severity: 'error',
        file: 'values/staging.yaml',
        line: 1,
        message:
          "values file does not exist in this revision: fix the target's values in .github/ferry.yml, or add the file",
      },
    ]);
  });

  it('refuses a values file outside the repository', async () => {
    const result = await renderTarget({
      root: fixture('helm'),
      target: target({ path: 'chart', helm: { values: ['../plain/deploy/deployment.yaml'] } }),
    });
    expect(result.failed).toBe(true);
    expect(result.findings[0]?.message).toBe(
      "values file leads outside the repository: the target's helm.values in .github/ferry.yml must name files inside it",
    );
  });

  it('says a values file that is a folder is to be listed by its files', async () => {
    const result = await renderTarget({
      root: fixture('helm'),
      target: target({ path: 'chart', helm: { values: ['chart/templates'] } }),
    });
    expect(result.failed).toBe(true);
    expect(result.findings[0]?.message).toBe(
      "values file is a folder: list its files in the target's helm.values in .github/ferry.yml",
    );
  });
});
