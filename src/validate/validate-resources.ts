import { locationOf } from '../manifest/line-of.ts';
import { formatResourceId } from '../manifest/resource-id.ts';
import type { Finding, Resource, Severity } from '../types.ts';
import type { Rule, RuleContext, RuleFinding } from './rule.ts';
import { createSchemaSet, type SchemaSet } from './schema/create-schema-set.ts';
import { loadCrdSchemas } from './schema/load-crd-schemas.ts';
import type { SchemaAdditions } from './schema/schema-node.ts';
import { SCHEMA_RULE, validateSchema } from './schema/validate-schema.ts';

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
  const config = opts.ruleConfig ?? {};
  const extras = listOf(opts.extraSchemas);
  const findings: Finding[] = [];

  const schemaOverride = config[SCHEMA_RULE];
  if (schemaOverride !== 'off') {
    const additions = [loadCrdSchemas(resources), ...extras];
    const schemas = createSchemaSet({ additions, catalogue: opts.catalogue });
    for (const additions of extras) {
      for (const f of additions.findings) {
        const severity = config[f.rule] ?? f.severity;
        if (severity !== 'off') findings.push({ ...f, severity });
      }
    }
    for (const f of schemaFindings(resources, schemas)) {
      findings.push(toFinding(f, SCHEMA_RULE, schemaOverride ?? f.severity ?? 'error'));
    }
  }

  const ctx: RuleContext = { resources, kubernetesVersion: opts.kubernetesVersion };
  for (const rule of opts.rules) {
    const override = config[rule.id];
    if (override === 'off') continue;
    try {
      const produced = rule
        .check(ctx)
        .map((f) => toFinding(f, rule.id, override ?? f.severity ?? rule.severity));
      findings.push(...produced);
    } catch (err) {
      findings.push(crashFinding(rule, err, resources));
    }
  }
  return findings.sort(compareFindings);
}

/** Schema findings of every object; "no schema" is an info said once per apiVersion/kind, not per object. */
function schemaFindings(resources: readonly Resource[], schemas: SchemaSet): RuleFinding[] {
  const out: RuleFinding[] = [];
  const said = new Set<string>();
  for (const resource of resources) {
    for (const f of validateSchema(resource, schemas)) {
      if (f.message.startsWith('not validated: ')) {
        // The message names the apiVersion and kind (explainMissing).
        if (said.has(f.message)) continue;
        said.add(f.message);
      }
      out.push(f);
    }
  }
  return out;
}

function listOf(extra: ValidateOptions['extraSchemas']): readonly SchemaAdditions[] {
  if (extra === undefined) return [];
  return 'kinds' in extra ? [extra] : extra;
}

function toFinding(f: RuleFinding, rule: string, severity: Severity): Finding {
  return {
    rule,
    severity,
    resource: formatResourceId(f.resource.id.name ? f.resource.id : { ...f.resource.id, name: '(no name)' }),
    ...locationOf(f.resource, f.path ?? []),
    message: f.message,
  };
}

/**
 * A crash has no resource; it is pinned to the first file of the set so that every consumer (check-run
 * annotations need a path) can show it.
 */
function crashFinding(rule: Rule, err: unknown, resources: readonly Resource[]): Finding {
  const message = err instanceof Error ? err.message : String(err);
  return {
    rule: rule.id,
    severity: 'error',
    file: resources[0]?.file ?? '',
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
