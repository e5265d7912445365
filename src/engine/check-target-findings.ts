import { createRedaction, type Redaction, secretValuesOfObjects } from '../diff/redact-findings.ts';
import { hasLetterEscape } from '../manifest/has-letter-escape.ts';
import { renderTarget } from '../render/render-target.ts';
import type { RenderResult, ResourceSink } from '../render/renderer.ts';
import type { Severity } from '../types.ts';
import { ALL_RULES } from '../validate/rules/all-rules.ts';
import { loadCatalogueSchemas } from '../validate/schema/load-catalogue-schemas.ts';
import { crdKindSchemas } from '../validate/schema/load-crd-schemas.ts';
import type { KindSchema } from '../validate/schema/schema-node.ts';
import { createValidation, type Validation } from '../validate/validate-resources.ts';
import { type CheckedTarget, type CheckTargetOptions, checkRendered } from './check-target.ts';
import { loadSchemaFiles, type SchemaFiles } from './load-schema-files.ts';
import { pointAtRepoCrds } from './point-at-repo-crds.ts';

/**
 * `checkTarget` for a report (`ferry validate`): the findings, without the resources. A plain target is
 * read, validated and dropped file by file (ResourceSink, createValidation), so its live set is one
 * part plus what the cross-resource rules keep, not the whole target; the findings are the same as
 * checkTarget's. Other targets are rendered whole and checked as checkTarget does.
 */
export async function checkTargetFindings(
  opts: Omit<CheckTargetOptions, 'documents'>,
): Promise<CheckedFindings> {
  const kubernetesVersion = opts.target.kubernetesVersion ?? opts.kubernetesVersion;
  const schemas = await loadSchemaFiles(opts.root, opts.target.schemas, opts.target.declared);
  const checking = checkInParts({ kubernetesVersion, ruleConfig: opts.ruleConfig, schemas });
  const rendered = await renderTarget({
    root: opts.root,
    target: opts.target,
    limits: opts.limits,
    kubernetesVersion,
    sink: checking.sink,
  });
  return pointAtRepoCrds(await checking.finish(rendered), { root: opts.root, scope: 'target' });
}

export type CheckedFindings = Omit<CheckedTarget, 'resources'>;

/**
 * Validation of a render as it streams: render into `sink`, then `finish` with the render's result
 * for its findings, which are the same as checkRendered's on the whole set. A render that did not
 * stream (kustomize, helm, or one that stopped before reading files) is checked whole there.
 */
export function checkInParts(opts: {
  kubernetesVersion: string;
  ruleConfig?: Record<string, Severity | 'off'>;
  schemas: SchemaFiles;
}): { sink: ResourceSink; finish(rendered: RenderResult): Promise<CheckedFindings> } {
  const { kubernetesVersion, schemas } = opts;
  let redaction: Redaction | undefined;
  let validation: Validation | undefined;
  let checked = 0;
  // A throw inside the sink is Ferry's bug, not the render's: kept here and thrown after the render,
  // which would otherwise report it as a render finding.
  let bug: { err: unknown } | undefined;
  let secrets = false;
  const sink: ResourceSink = {
    scan(text) {
      secrets ||= mayHoldSecret(text);
      return mayDeclareCrd(text);
    },
    first(resources) {
      try {
        // One pass, keeping only what each resource gives: the schemas of a CRD, whether a Secret has values.
        const kinds: KindSchema[] = [];
        for (const r of resources) {
          kinds.push(...crdKindSchemas(r.object));
          // A path rendered whole (kustomize, helm among `ferry validate PATH…`) had no bytes to scan.
          secrets ||= secretValuesOfObjects([r.object]).length > 0;
        }
        redaction = createRedaction({ publicWords: secrets });
        validation = createValidation({
          kubernetesVersion,
          rules: ALL_RULES,
          ruleConfig: opts.ruleConfig,
          extraSchemas: schemas.files,
          crds: { kinds, findings: [] },
        });
      } catch (err) {
        bug ??= { err };
      }
    },
    // One file at a time: its documents die young (measured: fewer collections than parts of 100
    // or 1,000 resources).
    async part(resources) {
      if (bug || !validation || !redaction || resources.length === 0) return;
      try {
        validation.add(resources, await loadCatalogueSchemas(resources));
        redaction.add(resources);
        checked += resources.length;
      } catch (err) {
        bug = { err };
      }
    },
  };
  const finish = async (rendered: RenderResult): Promise<CheckedFindings> => {
    if (bug) throw bug.err;
    if (!rendered.streamed || !validation || !redaction) {
      // Not plain, or the render stopped before reading the files: checked whole, as checkTarget does.
      const {
        findings,
        failed,
        checked: all,
      } = await checkRendered({ rendered, schemas, kubernetesVersion, ruleConfig: opts.ruleConfig });
      return { findings, failed, checked: all };
    }
    const findings = [...rendered.findings, ...schemas.findings, ...validation.finish()];
    // A message may quote a value (a validator echoing a field): Secret values never leave the engine.
    return { findings: redaction.redact(findings), failed: rendered.failed, checked };
  };
  return { sink, finish };
}

/**
 * Whether a file may hold a CustomResourceDefinition, whose schema the files before it need. YAML and
 * JSON can spell the kind without writing it out only through an escape that stands for a letter
 * (`\u0043…`, an escaped line break: hasLetterEscape); a folded line break leaves a space in it. Files
 * with other escapes (a dashboard's JSON in a ConfigMap is full of `\"`) are not parsed before their
 * turn: a set of them was parsed twice.
 */
export function mayDeclareCrd(text: string): boolean {
  return text.includes('CustomResourceDefinition') || hasLetterEscape(text);
}

/** Whether a file may hold a Secret (isSecret reads the kind in any case), by the same reasoning. */
export function mayHoldSecret(text: string): boolean {
  return /secret/i.test(text) || hasLetterEscape(text);
}
