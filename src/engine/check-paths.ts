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
  if (rendered.failed) {
    // One broken file or path hides nothing: the rest is still validated, nothing is applied.
    const checked = validateRendered({
      resources: rendered.checkable ?? [],
      findings: rendered.findings,
      kubernetesVersion: opts.kubernetesVersion,
      ruleConfig: opts.ruleConfig,
    });
    return { resources: [], findings: checked.findings, failed: true, checked: checked.checked };
  }
  return validateRendered({
    resources: rendered.resources,
    findings: rendered.findings,
    kubernetesVersion: opts.kubernetesVersion,
    ruleConfig: opts.ruleConfig,
    catalogue: await loadCatalogueSchemas(rendered.resources),
  });
}
