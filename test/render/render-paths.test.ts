import { describe, expect, it } from 'vitest';
import { PathNotFoundError, renderPaths } from '../../src/render/render-paths.ts';
import { FIXTURES, fixture } from './helpers.ts';

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
