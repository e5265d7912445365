import { renderPaths } from '../render/render-paths.ts';
import type { Severity } from '../types.ts';
import { loadCatalogueSchemas } from '../validate/schema/load-catalogue-schemas.ts';
import { type CheckedTarget, validateRendered } from './check-target.ts';

/** `ferry validate PATH...`: the same render + validate as a target, over files and directories. */
export async function checkPaths(opts: {
  root: string;
  paths: string[];
  kubernetesVersion: string;
  ruleConfig?: Record<string, Severity | 'off'>;
  namespace?: string;
}): Promise<CheckedTarget> {
  const rendered = await renderPaths({ root: opts.root, paths: opts.paths, namespace: opts.namespace });
  if (rendered.failed) return { resources: [], findings: rendered.findings, failed: true };
  return validateRendered({
    resources: rendered.resources,
    findings: rendered.findings,
    kubernetesVersion: opts.kubernetesVersion,
    ruleConfig: opts.ruleConfig,
    catalogue: await loadCatalogueSchemas(rendered.resources),
  });
}
