import { join } from 'node:path';
import { parseManifests } from '../manifest/parse-manifests.ts';
import type { Resource } from '../types.ts';
import { listEscapingLinks } from './list-escaping-links.ts';
import { loadKustomizationTree } from './load-kustomization-tree.ts';
import { loadKustomizeSourceLocator } from './locate-kustomize-sources.ts';
import { failedRender, renderFinding } from './render-finding.ts';
import type { Renderer, RenderRequest, RenderResult } from './renderer.ts';
import { runSandboxed } from './run-sandboxed.ts';

/**
 * `kubectl kustomize`, after loadKustomizationTree has refused remote references, helm charts and
 * paths outside the repository. Never with --enable-helm, --enable-alpha-plugins or --enable-exec.
 */
export const kustomizeRenderer: Renderer = {
  kind: 'kustomize',
  async render(req: RenderRequest): Promise<RenderResult> {
    const absDir = join(req.root, req.dir);
    const links = await listEscapingLinks({ root: req.root, absDir });
    const tree = await loadKustomizationTree({ root: req.root, absDir });
    const refused = [...links, ...tree.findings];
    if (refused.length > 0) return failedRender('kustomize', refused);
    const kustomization = tree.kustomizations[0] ?? req.dir;

    const args = ['kustomize', absDir];
    // Only when needed, and only because every path was proved to stay in the repository above.
    if (tree.needsLoadRestrictionsNone) args.push('--load-restrictor', 'LoadRestrictionsNone');
    const run = await runSandboxed({ binary: 'kubectl', args, root: req.root, limits: req.limits });
    if (!run.ok) return failedRender('kustomize', [renderFinding(kustomization, run.message)]);

    const parsed = parseManifests(run.stdout, kustomization, {
      defaultNamespace: req.namespace,
      maxBytes: req.limits.maxOutputBytes,
    });
    if (parsed.findings.length > 0) return failedRender('kustomize', parsed.findings);
    const locate = await loadKustomizeSourceLocator(req.root, tree);
    const resources = parsed.resources.map((r): Resource => {
      const source = locate(r.id.kind, r.id.name) ?? { file: kustomization, line: 1 };
      // Patches and transformers change content: line pointers into the source file would lie.
      const { pointers: _approximate, lines: _lines, ...rest } = r;
      return { ...rest, file: source.file, line: source.line };
    });
    return { renderer: 'kustomize', resources, findings: [], failed: false };
  },
};
