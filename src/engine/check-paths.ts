import { renderPaths } from '../render/render-paths.ts';
import type { Severity } from '../types.ts';
import { type CheckedFindings, checkInParts } from './check-target-findings.ts';
import { loadSchemaFiles } from './load-schema-files.ts';
import { pointAtRepoCrds } from './point-at-repo-crds.ts';

export interface CheckPathsOptions {
  /** Repository root; the paths are relative to it (or absolute inside it). */
  root: string;
  paths: string[];
  kubernetesVersion: string;
  ruleConfig?: Record<string, Severity | 'off'>;
  namespace?: string;
}

/**
 * `ferry validate PATH...`: the same render and validation as a target, over files and directories
 * taken as one set (a CRD in one path serves the objects of another; duplicates across paths count).
 * Plain files are read, validated and dropped one at a time (renderPaths with a sink; checkInParts),
 * so a large tree is not held whole and no cap on its total size applies; a kustomization or chart
 * among the paths is rendered whole. One broken file or path hides nothing: the rest is still
 * validated, and the result is failed.
 */
export async function checkPaths(opts: CheckPathsOptions): Promise<CheckedFindings> {
  const checking = checkInParts({
    kubernetesVersion: opts.kubernetesVersion,
    ruleConfig: opts.ruleConfig,
    schemas: await loadSchemaFiles(opts.root, []),
  });
  const rendered = await renderPaths({
    root: opts.root,
    paths: opts.paths,
    namespace: opts.namespace,
    sink: checking.sink,
  });
  return pointAtRepoCrds(await checking.finish(rendered), { root: opts.root, scope: 'paths' });
}
