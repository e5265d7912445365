import { type FieldPath, valueAt } from '../manifest/as-record.ts';
import { detachedString } from '../manifest/detached.ts';
import { locationOf } from '../manifest/line-of.ts';
import { formatResourceId } from '../manifest/resource-id.ts';
import { standInFor } from '../manifest/stand-in-for.ts';
import type { Finding, Resource, Severity } from '../types.ts';
import type { Rule, RuleContext, RuleFinding, RuleStream } from './rule.ts';
import { createSchemaSet, type SchemaSet } from './schema/create-schema-set.ts';
import { loadCrdSchemas } from './schema/load-crd-schemas.ts';
import type { KindSchema, SchemaAdditions } from './schema/schema-node.ts';
import { SCHEMA_RULE, type SchemaFinding, validateSchema } from './schema/validate-schema.ts';
import { REQUIRED_FIELD_MISSING } from './schema/validate-value.ts';

export interface ValidateOptions {
  /** The target's Kubernetes version, e.g. "1.34" (rules such as deprecations read it). */
  kubernetesVersion: string;
  rules: readonly Rule[];
  /** `.github/ferry.yml` `rules:`: `off` drops a rule's findings, a severity replaces theirs. `schema` too. */
  ruleConfig?: Readonly<Record<string, Severity | 'off'>>;
  /** Schemas from the target's configured files (`parseSchemaFiles`); CRDs in `resources` are always used. */
  extraSchemas?: SchemaAdditions | readonly SchemaAdditions[];
  /** Released CRDs from the built-in catalogue (`loadCatalogueSchemas`); the two above override them. */
  catalogue?: SchemaAdditions;
}

/**
 * Validates one target's rendered set: the schema of every object (built-in kinds, CRDs in the set,
 * configured schemas), then every rule over the whole set. Returns findings sorted by file, line, rule.
 *
 * A finding's severity is the configured override for its rule, else the finding's own, else the rule's.
 * Schema findings are errors when the API server would reject the object, so they stay errors unless
 * `rules: { schema: ... }` says otherwise. A rule that throws is a bug in that rule: it becomes one
 * error finding and the other rules still run.
 */
export function validateResources(resources: readonly Resource[], opts: ValidateOptions): Finding[] {
  const validation = createValidation({ ...opts, crds: loadCrdSchemas(resources) });
  validation.add(resources, opts.catalogue);
  return validation.finish();
}

export interface ValidationOptions extends Omit<ValidateOptions, 'catalogue'> {
  /** The schemas of every CRD in the target (`loadCrdSchemas`), known before its first part is added. */
  crds: SchemaAdditions;
}

/** A target validated in parts, in order (`createValidation`). */
export interface Validation {
  /**
   * Validates the next part of the target. `catalogue` holds the catalogue schemas of its kinds
   * (`loadCatalogueSchemas(resources)`); the part's resources may be dropped once this returns.
   */
  add(resources: readonly Resource[], catalogue?: SchemaAdditions): void;
  /** Every finding, as `validateResources` gives them for the whole set at once. */
  finish(): Finding[];
}

/** A kind without a schema, found in a part: explained at finish, in its slot among the schema findings. */
interface MissingKind {
  slot: number;
  resource: Resource;
  path: readonly (string | number)[];
  apiVersion: string;
  kind: string;
}

interface RuleRun {
  rule: Rule;
  stream?: RuleStream;
  findings: Finding[];
  crashed: boolean;
}

/**
 * `validateResources` fed a target in parts, so that a large one need not be held whole: each part's
 * schemas and per-resource rules are checked as it comes, cross-resource rules keep only what they
 * need (RuleStream), and what depends on the whole set waits for `finish`: how a kind without a
 * schema is explained (that depends on which catalogue kinds the target uses) and the said-once
 * "not validated" notes. Fed a set's parts in order, it gives what validating the set at once gives.
 */
export function createValidation(opts: ValidationOptions): Validation {
  const config = opts.ruleConfig ?? {};
  const extras = listOf(opts.extraSchemas);
  const schemaSetting = config[SCHEMA_RULE];
  const schemaOverride = schemaSetting === 'off' ? undefined : schemaSetting;
  const schemaSlots: (Finding | undefined)[] = [];
  const missing: MissingKind[] = [];
  const catalogue = new Map<string, KindSchema>();
  const schemasNow = (): SchemaSet =>
    createSchemaSet({
      additions: [opts.crds, ...extras],
      catalogue: { kinds: [...catalogue.values()], findings: [] },
    });
  let schemas: SchemaSet | undefined;
  const runs: RuleRun[] = opts.rules
    .filter((rule) => config[rule.id] !== 'off')
    .map((rule) => ({
      rule,
      stream: rule.stream?.({ kubernetesVersion: opts.kubernetesVersion }),
      findings: [],
      crashed: false,
    }));
  let firstFile: string | undefined;

  if (schemaSetting !== 'off') {
    for (const additions of extras) {
      for (const f of additions.findings) {
        const severity = config[f.rule] ?? f.severity;
        if (severity !== 'off') schemaSlots.push({ ...f, severity });
      }
    }
  }

  const run = (entry: RuleRun, produce: (stream?: RuleStream) => RuleFinding[]): void => {
    if (entry.crashed) return;
    const setting = config[entry.rule.id];
    const override = setting === 'off' ? undefined : setting;
    try {
      for (const f of produce(entry.stream)) {
        entry.findings.push(toFinding(f, entry.rule.id, override ?? f.severity ?? entry.rule.severity));
      }
    } catch (err) {
      // A crashed rule says only that it crashed, as when the whole set is checked at once.
      entry.crashed = true;
      entry.findings = [crashFinding(entry.rule, err, firstFile)];
    }
  };

  const checkSchemas = (resources: readonly Resource[], part?: SchemaAdditions): void => {
    let grew = false;
    for (const k of part?.kinds ?? []) {
      const key = `${k.apiVersion}/${k.kind}`;
      if (catalogue.has(key)) continue;
      catalogue.set(key, k);
      grew = true;
    }
    if (!schemas || grew) schemas = schemasNow();
    for (const resource of resources) {
      for (const f of validateSchema(resource, schemas)) {
        if (resource.unrendered && isTheBuildsToSet(resource, f)) continue;
        if (f.missing) {
          // Explained again at finish, in this slot: the explanation depends on the whole target.
          missing.push({
            slot: schemaSlots.length,
            resource: standInFor(resource),
            path: f.path ?? [],
            ...f.missing,
          });
          schemaSlots.push(undefined);
        } else {
          schemaSlots.push(toFinding(f, SCHEMA_RULE, schemaOverride ?? f.severity ?? 'error'));
        }
      }
    }
  };

  /** Every part's catalogue kinds are known at finish: each noted kind is explained as for the whole target. */
  const explainMissing = (): void => {
    const final = schemasNow();
    const said = new Set<string>();
    for (const m of missing) {
      const explained = final.explainMissing(m.apiVersion, m.kind);
      // "Not validated" is said once per apiVersion and kind (the message names both), not per object.
      if (explained.message.startsWith('not validated: ')) {
        if (said.has(explained.message)) continue;
        said.add(explained.message);
      }
      schemaSlots[m.slot] = toFinding(
        { resource: m.resource, path: m.path, message: explained.message },
        SCHEMA_RULE,
        schemaOverride ?? explained.severity,
      );
    }
  };

  return {
    add(resources, part) {
      if (resources.length === 0) return;
      firstFile ??= resources[0]?.file;
      if (schemaSetting !== 'off') checkSchemas(resources, part);
      const ctx: RuleContext = { resources, kubernetesVersion: opts.kubernetesVersion };
      // A failed build's sources are not what the cluster gets: judged on their own only (Resource.unrendered).
      const unrendered = resources.filter((r) => r.unrendered);
      const rendered = unrendered.length > 0 ? resources.filter((r) => !r.unrendered) : resources;
      for (const entry of runs) {
        run(entry, (stream) => (stream ? stream.add(rendered) : entry.rule.check(ctx)));
        if (entry.stream && entry.rule.judgesEachResource && unrendered.length > 0) {
          run(entry, () => entry.rule.check({ ...ctx, resources: unrendered }));
        }
      }
    },
    finish() {
      for (const entry of runs) if (entry.stream) run(entry, (stream) => stream?.finish() ?? []);
      if (missing.length > 0) explainMissing();
      const findings = schemaSlots.filter((f): f is Finding => f !== undefined);
      for (const entry of runs) findings.push(...entry.findings);
      return findings.sort(compareFindings);
    },
  };
}

/**
 * A schema finding on a failed build's source that the build would have made moot: a field missing that
 * its kustomization adds (a selector from `labels`), or a value it substitutes, a kustomize var `$(name)`
 * (kubeflow/pipelines names its cluster-scoped Namespace `$(kfp-cluster-scoped-namespace)`, which its
 * `replacements` rewrite).
 */
function isTheBuildsToSet(resource: Resource, f: SchemaFinding): boolean {
  return f.message.endsWith(REQUIRED_FIELD_MISSING) || holdsKustomizeVar(resource.object, f.path);
}

/** A kustomize var reference, `$(name)`, as `vars` and kubeflow's `replacements` placeholders write it. */
const KUSTOMIZE_VAR = /\$\([\w.-]+\)/;

/** Whether the value at `path` in `object` is a string holding a kustomize var reference. */
function holdsKustomizeVar(object: unknown, path: FieldPath | undefined): boolean {
  if (path === undefined) return false;
  const at = valueAt(object, path);
  return typeof at === 'string' && KUSTOMIZE_VAR.test(at);
}

function listOf(extra: ValidateOptions['extraSchemas']): readonly SchemaAdditions[] {
  if (extra === undefined) return [];
  return 'kinds' in extra ? [extra] : extra;
}

/**
 * A finding is kept until the set is done: its words are copies (detachedString), since a name or value
 * quoted from a document is a view of the document's text, and the document a view of its file's: a
 * few findings per file kept every file of a 50,000-resource set in memory.
 */
function toFinding(f: RuleFinding, rule: string, severity: Severity): Finding {
  const id = f.resource.id.name ? f.resource.id : { ...f.resource.id, name: '(no name)' };
  return {
    rule,
    severity,
    resource: detachedString(formatResourceId(id)),
    ...locationOf(f.resource, f.path ?? []),
    message: detachedString(f.message),
  };
}

/**
 * A crash has no resource; it is pinned to the first file of the set so that every consumer (check-run
 * annotations need a path) can show it.
 */
function crashFinding(rule: Rule, err: unknown, firstFile: string | undefined): Finding {
  const message = err instanceof Error ? err.message : String(err);
  return {
    rule: rule.id,
    severity: 'error',
    file: firstFile ?? '',
    line: 1,
    message: `rule ${rule.id} crashed: ${message}`,
  };
}

function compareFindings(a: Finding, b: Finding): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  if (a.line !== b.line) return a.line - b.line;
  if (a.rule !== b.rule) return a.rule < b.rule ? -1 : 1;
  return 0;
}
