import { groupOf } from '../../manifest/resource-id.ts';
import type { Severity } from '../../types.ts';
import { getBuiltinSchemas } from './get-builtin-schemas.ts';
import type { KindSchema, SchemaAdditions, SchemaNode } from './schema-node.ts';
import { suggestName } from './suggest-name.ts';

export interface SchemaSetOptions {
  /** Schemas for custom kinds (`loadCrdSchemas`, `parseSchemaFiles`). Earlier ones win; all win over built-ins. */
  additions?: readonly SchemaAdditions[];
}

/** Why an object has no schema, and how bad that is. */
export interface MissingSchema {
  severity: Severity;
  message: string;
}

/** Built-in and custom kinds, compiled once; validation only reads it. */
export interface SchemaSet {
  /** Kubernetes release of the pinned built-in schema, e.g. `1.36.0`. */
  readonly kubernetesVersion: string;
  readonly objectMeta: SchemaNode;
  readonly listMeta: SchemaNode;
  readonly labelSelector: SchemaNode;
  /** `group/Kind` of custom kinds declared cluster-scoped (feed to parseManifests' `clusterScoped`). */
  readonly clusterScoped: ReadonlySet<string>;
  find(apiVersion: string, kind: string): KindSchema | undefined;
  /** For an apiVersion/kind `find` does not know: an error when the API server would surely reject it. */
  explainMissing(apiVersion: string, kind: string): MissingSchema;
}

export function createSchemaSet(options: SchemaSetOptions = {}): SchemaSet {
  const builtin = getBuiltinSchemas();
  const custom = new Map<string, KindSchema>();
  for (const additions of options.additions ?? []) {
    for (const k of additions.kinds) {
      const key = `${k.apiVersion}/${k.kind}`;
      if (!custom.has(key)) custom.set(key, k);
    }
  }
  const clusterScoped = new Set<string>();
  for (const k of custom.values())
    if (k.clusterScoped) clusterScoped.add(`${groupOf(k.apiVersion)}/${k.kind}`);

  const find = (apiVersion: string, kind: string): KindSchema | undefined => {
    const key = `${apiVersion}/${kind}`;
    return custom.get(key) ?? builtin.kinds.get(key);
  };

  let index: KindIndex | undefined;
  const explainMissing = (apiVersion: string, kind: string): MissingSchema => {
    index ??= indexKinds([...custom.values(), ...builtin.kinds.values()]);
    return explain(index, apiVersion, kind);
  };

  return {
    kubernetesVersion: builtin.kubernetesVersion,
    objectMeta: builtin.objectMeta,
    listMeta: builtin.listMeta,
    labelSelector: builtin.labelSelector,
    clusterScoped,
    find,
    explainMissing,
  };
}

interface KindIndex {
  /** apiVersion → kinds it serves */
  byApiVersion: Map<string, Set<string>>;
  /** kind → schemas of it under any apiVersion */
  byKind: Map<string, KindSchema[]>;
  builtinKinds: Set<string>;
}

function indexKinds(all: readonly KindSchema[]): KindIndex {
  const byApiVersion = new Map<string, Set<string>>();
  const byKind = new Map<string, KindSchema[]>();
  const builtinKinds = new Set<string>();
  for (const k of all) {
    if (k.origin === 'built-in') builtinKinds.add(k.kind);
    const kinds = byApiVersion.get(k.apiVersion) ?? new Set<string>();
    kinds.add(k.kind);
    byApiVersion.set(k.apiVersion, kinds);
    const schemas = byKind.get(k.kind) ?? [];
    schemas.push(k);
    byKind.set(k.kind, schemas);
  }
  return { byApiVersion, byKind, builtinKinds };
}

/** Built-in apiVersions serving `kind`, GA ones only when there are any (betas are mostly removed). */
function builtinVersionsOf(index: KindIndex, kind: string): string[] {
  const all = (index.byKind.get(kind) ?? []).filter((k) => k.origin === 'built-in').map((k) => k.apiVersion);
  const ga = all.filter((v) => /(^|\/)v\d+$/.test(v));
  return [...new Set(ga.length > 0 ? ga : all)];
}

function explain(index: KindIndex, apiVersion: string, kind: string): MissingSchema {
  const group = groupOf(apiVersion);
  const sameGroup = (index.byKind.get(kind) ?? []).filter((k) => groupOf(k.apiVersion) === group);
  // A CRD in the set decides which versions the API server serves: any other version is rejected.
  const crd = sameGroup.find((k) => k.origin === 'crd');
  if (crd) {
    const served = sameGroup
      .filter((k) => k.origin === 'crd')
      .map((k) => k.apiVersion)
      .join(', ');
    return {
      severity: 'error',
      message: `${apiVersion} ${kind} is not served by ${crd.source} (served: ${served})`,
    };
  }
  const servedKinds = index.byApiVersion.get(apiVersion);
  if (servedKinds && sameGroup.length === 0) {
    // A known apiVersion without this kind: the API server answers "no matches for kind".
    const suggestion = suggestName(kind, servedKinds);
    if (suggestion) {
      return {
        severity: 'error',
        message: `unknown kind ${kind} in ${apiVersion} (did you mean "${suggestion}"?)`,
      };
    }
    const elsewhere = builtinVersionsOf(index, kind);
    if (elsewhere.length > 0) {
      return {
        severity: 'error',
        message: `${apiVersion} has no kind ${kind} (use ${elsewhere.join(' or ')})`,
      };
    }
    const other = suggestName(kind, index.builtinKinds);
    if (other) {
      const where = builtinVersionsOf(index, other).join(' or ');
      return {
        severity: 'error',
        message: `unknown kind ${kind} in ${apiVersion} (did you mean "${other}" in ${where}?)`,
      };
    }
  }
  return {
    severity: 'warning',
    message: `not validated: no schema for ${apiVersion} ${kind} (add its CRD to the repo or to schemas:)`,
  };
}
