import { redactFindings } from '../diff/redact-findings.ts';
import type { RenderLimits } from '../render/render-target.ts';
import { renderTarget } from '../render/render-target.ts';
import type { Finding, Resource, Severity, Target } from '../types.ts';
import { ALL_RULES } from '../validate/rules/all-rules.ts';
import { validateResources } from '../validate/validate-resources.ts';
import { loadSchemaFiles } from './load-schema-files.ts';

export interface CheckTargetOptions {
  /** Repository root (a checkout, an extracted tarball). */
  root: string;
  target: Target;
  kubernetesVersion: string;
  ruleConfig?: Record<string, Severity | 'off'>;
  limits?: Partial<RenderLimits>;
}

export interface CheckedTarget {
  resources: Resource[];
  findings: Finding[];
  /** The render failed: nothing from it may be applied or pruned. */
  failed: boolean;
}

/**
 * The engine's one path from a tree to validated resources: render the target with the real
 * binaries, then validate schemas and rules. The CLI, the GitHub App and the agent all call this.
 */
export async function checkTarget(opts: CheckTargetOptions): Promise<CheckedTarget> {
  const rendered = await renderTarget({ root: opts.root, target: opts.target, limits: opts.limits });
  if (rendered.failed) return { resources: [], findings: rendered.findings, failed: true };
  const schemas = await loadSchemaFiles(opts.root, opts.target.schemas);
  const findings = validateResources(rendered.resources, {
    kubernetesVersion: opts.kubernetesVersion,
    rules: ALL_RULES,
    ruleConfig: opts.ruleConfig,
    extraSchemas: schemas.files,
  });
  // A message may quote a value (a validator echoing a field): Secret values never leave the engine.
  const all = [...rendered.findings, ...schemas.findings, ...findings];
  return {
    resources: rendered.resources,
    findings: redactFindings({ findings: all, resources: rendered.resources }),
    failed: false,
  };
}
