import { writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { PathNotFoundError, renderPaths } from '../../src/render/render-paths.ts';
import { tempTrees } from '../helpers/temp-trees.ts';
import { FIXTURES, fixture } from './helpers.ts';

const trees = tempTrees('ferry-render-paths-');

describe('renderPaths', () => {
  it('renders files and directories, each directory detected like a target', async () => {
    const result = await renderPaths({
      root: FIXTURES,
      paths: ['plain/deploy/config/settings.json', 'kustomize/base', 'helm/chart'],
      namespace: 'dev',
    });
    expect(result.failed).toBe(false);
    expect(result.renderer).toBe('plain');
    expect(result.parts).toEqual([
      { path: 'plain/deploy/config/settings.json', renderer: 'plain', failed: false },
      { path: 'kustomize/base', renderer: 'kustomize', failed: false },
      { path: 'helm/chart', renderer: 'helm', failed: false },
    ]);
    expect(result.resources.map((r) => `${r.id.kind} ${r.id.namespace}/${r.id.name} ${r.file}`)).toEqual([
      'ConfigMap dev/classifier-settings plain/deploy/config/settings.json',
      'Service dev/api kustomize/base/service.yaml',
      'Deployment dev/api kustomize/base/deployment.yaml',
      'ConfigMap dev/model-a helm/chart/templates/models.yaml',
      'Service dev/chart helm/chart/templates/deployment.yaml',
      'Deployment dev/chart helm/chart/templates/deployment.yaml',
    ]);
  });

  it('points a kustomization file or Chart.yaml named as a path at its folder, and names what a binary file is', async () => {
    const root = trees({
      'overlay/kustomization.yaml':
        'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: []\n',
      'chart/Chart.yaml': 'apiVersion: v2\nname: llm\nversion: 0.3.0\n',
    });
    writeFileSync(`${root}/chart-0.3.0.tgz`, gzipSync('Chart.yaml'));
    writeFileSync(`${root}/bundle.zip`, Buffer.from([0x50, 0x4b, 0x03, 0x04, 0, 0]));
    writeFileSync(`${root}/blob.yaml`, Buffer.from([0x61, 0x00, 0x62]));
    const findingOf = async (path: string) => {
      const result = await renderPaths({ root, paths: [path] });
      expect(result.failed).toBe(true);
      expect(result.findings).toHaveLength(1);
      return result.findings[0];
    };
    expect(await findingOf('overlay/kustomization.yaml')).toEqual({
      rule: 'render',
      severity: 'error',
      file: 'overlay/kustomization.yaml',
      line: 1,
      message:
        'this is a kustomization file, which kubectl kustomize builds with its folder, not a Kubernetes manifest: name its folder (overlay) instead',
    });
    expect((await findingOf('chart/Chart.yaml'))?.message).toContain('name its folder (chart) instead');
    expect((await findingOf('chart-0.3.0.tgz'))?.message).toBe(
      "this is a gzip archive, a packaged Helm chart by its name: Ferry does not read packaged charts; unpack it (tar xzf chart-0.3.0.tgz) and name the chart's folder, or name the chart's source folder",
    );
    expect((await findingOf('bundle.zip'))?.message).toMatch(/^this is a zip archive, not YAML or JSON/);
    expect((await findingOf('blob.yaml'))?.message).toMatch(/^this is a binary file \(it holds NUL bytes\)/);
  });

  it("renders a chart in a folder whose name helm refuses as a release name (a repository's root), under that name made valid", async () => {
    const root = trees({
      'otwld+ollama-helm/Chart.yaml': 'apiVersion: v2\nname: ollama\nversion: 0.1.0\n',
      'otwld+ollama-helm/templates/cm.yaml':
        'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: "{{ .Release.Name }}"}\n',
      'My_Chart/Chart.yaml': 'apiVersion: v2\nname: mine\nversion: 0.1.0\n',
      'My_Chart/templates/cm.yaml':
        'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: "{{ .Release.Name }}-cm"}\n',
    });
    const paths = ['otwld+ollama-helm', 'My_Chart'];
    const result = await renderPaths({ root, paths });
    expect(result.findings).toEqual([]);
    expect(result.resources.map((r) => r.id.name)).toEqual(['otwld-ollama-helm', 'my-chart-cm']);
    // Streamed, as `ferry validate PATH…` renders.
    const streamed: string[] = [];
    const sink = {
      first: () => undefined,
      part: async (part: readonly { id: { name: string } }[]) => {
        streamed.push(...part.map((r) => r.id.name));
      },
    };
    expect((await renderPaths({ root, paths, sink })).findings).toEqual([]);
    expect(streamed).toEqual(['otwld-ollama-helm', 'my-chart-cm']);
  });

  it('accepts absolute paths inside the root', async () => {
    const result = await renderPaths({ root: fixture('plain'), paths: [`${fixture('plain')}/deploy`] });
    expect(result.resources).toHaveLength(3);
  });

  it('throws PathNotFoundError for a path that does not exist, before rendering anything', async () => {
    const err = await renderPaths({ root: FIXTURES, paths: ['kustomize/base', 'no/such/dir'] }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(PathNotFoundError);
    expect((err as PathNotFoundError).path).toBe('no/such/dir');
    expect((err as Error).message).toBe('no/such/dir: no such file or directory');
  });

  it('drops every resource when any path fails', async () => {
    const result = await renderPaths({ root: FIXTURES, paths: ['kustomize/base', 'plain-broken'] });
    expect(result.failed).toBe(true);
    expect(result.resources).toEqual([]);
    expect(result.parts.map((p) => p.failed)).toEqual([false, true]);
    expect(result.findings).toEqual([
      expect.objectContaining({ rule: 'parse', file: 'plain-broken/bad.yaml' }),
    ]);
  });

  it('refuses a path outside the root', async () => {
    const result = await renderPaths({ root: fixture('plain'), paths: ['../kustomize/base'] });
    expect(result.failed).toBe(true);
    expect(result.findings[0]?.message).toBe('path leads outside the repository');
  });
});
