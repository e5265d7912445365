import { redactFindings } from '../diff/redact-findings.ts';
import type { ParsedDocuments } from '../manifest/parse-manifests.ts';
import type {
  RendererKind,
  RenderLimits,
  RenderResult,
  RenderTargetOptions,
} from '../render/render-target.ts';
import { renderTarget } from '../render/render-target.ts';
import type { Finding, Resource, Severity, Target } from '../types.ts';
import { ALL_RULES } from '../validate/rules/all-rules.ts';
import { loadCatalogueSchemas } from '../validate/schema/load-catalogue-schemas.ts';
import type { SchemaAdditions } from '../validate/schema/schema-node.ts';
import { validateResources } from '../validate/validate-resources.ts';
import { loadSchemaFiles } from './load-schema-files.ts';
import { pointAtRepoCrds } from './point-at-repo-crds.ts';

export interface CheckTargetOptions {
  /** Repository root (a checkout, an extracted tarball). */
  root: string;
  target: Target;
  kubernetesVersion: string;
  ruleConfig?: Record<string, Severity | 'off'>;
  limits?: Partial<RenderLimits>;
  /**
   * Documents the other side of a diff already read (previewTargets; ParseOptions.documents). Never
   * sent to a validate worker: checkTargets builds its requests without it.
   */
  documents?: ParsedDocuments;
  /** The links along a path when the tree was written without them (RenderTargetOptions.links). */
  links?: RenderTargetOptions['links'];
}

export interface CheckedTarget {
  resources: Resource[];
  findings: Finding[];
  /** The render failed: nothing from it may be applied or pruned. */
  failed: boolean;
  /** How many objects were validated (after a failed render: those that could still be checked). */
  checked: number;
  /** Which renderer made the resources (set by checkTarget and checkRendered). */
  renderer?: RendererKind;
}

/**
 * The engine's one path from a tree to validated resources: render the target with the real
 * binaries, then validate schemas and rules. The CLI, the GitHub App and the agent all call this.
 */
export async function checkTarget(opts: CheckTargetOptions): Promise<CheckedTarget> {
  // The target's own version wins over the config's top-level one (schemas, deprecations, helm).
  const kubernetesVersion = opts.target.kubernetesVersion ?? opts.kubernetesVersion;
  const rendered = await renderTarget({
    root: opts.root,
    target: opts.target,
    limits: opts.limits,
    kubernetesVersion,
    documents: opts.documents,
    links: opts.links,
  });
  const schemas = await loadSchemaFiles(opts.root, opts.target.schemas, opts.target.declared);
  const checked = await checkRendered({ rendered, schemas, kubernetesVersion, ruleConfig: opts.ruleConfig });
  return pointAtRepoCrds(checked, { root: opts.root, scope: 'target' });
}

/** Validates a render, failed or not, with the target's schema files (what checkTarget does after rendering). */
export async function checkRendered(opts: {
  rendered: RenderResult;
  schemas: Awaited<ReturnType<typeof loadSchemaFiles>>;
  kubernetesVersion: string;
  ruleConfig?: Record<string, Severity | 'off'>;
}): Promise<CheckedTarget> {
  const { rendered, schemas, kubernetesVersion } = opts;
  if (rendered.failed) {
    // Nothing hidden: what still parsed is validated, but a failed render applies nothing. Findings are
    // redacted there like the rest (a render failure may quote a remote URL with its token).
    const checkable = rendered.checkable ?? [];
    const checked = validateRendered({
      resources: checkable,
      findings: [...rendered.findings, ...schemas.findings],
      kubernetesVersion,
      ruleConfig: opts.ruleConfig,
      extraSchemas: schemas.files,
      catalogue: await loadCatalogueSchemas(checkable),
    });
    return { resources: [], findings: checked.findings, failed: true, checked: checked.checked };
  }
  // Only the catalogue kinds this target uses are read and compiled.
  const catalogue = await loadCatalogueSchemas(rendered.resources);
  const checked = validateRendered({
    resources: rendered.resources,
    findings: [...rendered.findings, ...schemas.findings],
    kubernetesVersion,
    ruleConfig: opts.ruleConfig,
    extraSchemas: schemas.files,
    catalogue,
  });
  return { ...checked, renderer: rendered.renderer };
}

/** Validates a successful render (schemas and every rule) and redacts Secret values from all findings. */
export function validateRendered(opts: {
  resources: Resource[];
  /** Findings the render and schema loading already made. */
  findings: Finding[];
  kubernetesVersion: string;
  ruleConfig?: Record<string, Severity | 'off'>;
  extraSchemas?: SchemaAdditions;
  /** Built-in catalogue schemas for the kinds the resources use (`loadCatalogueSchemas`). */
  catalogue?: SchemaAdditions;
}): CheckedTarget {
  const findings = validateResources(opts.resources, {
    kubernetesVersion: opts.kubernetesVersion,
    rules: ALL_RULES,
    ruleConfig: opts.ruleConfig,
    extraSchemas: opts.extraSchemas,
    catalogue: opts.catalogue,
  });
  // A message may quote a value (a validator echoing a field): Secret values never leave the engine.
  const all = [...opts.findings, ...findings];
  return {
    resources: opts.resources,
    findings: redactFindings({ findings: all, resources: opts.resources }),
    failed: false,
    checked: opts.resources.length,
  };
}
