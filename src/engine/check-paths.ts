import { redactFindings } from '../diff/redact-findings.ts';
import { renderPaths } from '../render/render-paths.ts';
import type { Severity } from '../types.ts';
import { ALL_RULES } from '../validate/rules/all-rules.ts';
import { validateResources } from '../validate/validate-resources.ts';
import type { CheckedTarget } from './check-target.ts';

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
  const findings = validateResources(rendered.resources, {
    kubernetesVersion: opts.kubernetesVersion,
    rules: ALL_RULES,
    ruleConfig: opts.ruleConfig,
  });
  // A message may quote a value (a validator echoing a field): Secret values never leave the engine.
  const all = [...rendered.findings, ...findings];
  return {
    resources: rendered.resources,
    findings: redactFindings({ findings: all, resources: rendered.resources }),
    failed: false,
  };
}
