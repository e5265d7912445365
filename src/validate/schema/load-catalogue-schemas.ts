import type { Resource } from '../../types.ts';
import catalogueIndex from '../schemas/crds/index.json' with { type: 'json' };
import { compileOpenApiSchema } from './compile-openapi-schema.ts';
import { getBuiltinSchemas } from './get-builtin-schemas.ts';
import { customRoot } from './load-crd-schemas.ts';
import type { KindSchema, SchemaAdditions, SchemaNode } from './schema-node.ts';

/** One kind of the built-in CRD catalogue (`scripts/gen-crd-catalogue.ts` writes the index). */
export interface CatalogueEntry {
  /** File name in `src/validate/schemas/crds/`, without `.json`. */
  file: string;
  /** Served versions, e.g. `["v1beta1"]`. */
  versions: string[];
  scope: 'Namespaced' | 'Cluster';
  /** Project and release, e.g. `KServe v0.20.0`. */
  source: string;
  /**
   * Versions another project's release supplies, e.g. `{"v2beta1": "MPI Operator v0.8.0"}` beside the
   * Training Operator's v1 MPIJob: a cluster installs one or the other CRD, so each version is
   * checked against (and named after) the release that serves it.
   */
  sources?: Record<string, string>;
}

/** A kind file: each served version's reduced openAPIV3Schema, shared subtrees under `d`. */
interface CatalogueFile {
  versions: Record<string, unknown>;
  d: unknown[];
}

type Json = Record<string, unknown>;

/** `group/Kind` → entry; small, read at start-up. The kind files are read only when a target uses them. */
export const CATALOGUE_INDEX: Readonly<Record<string, CatalogueEntry>> = catalogueIndex as Record<
  string,
  CatalogueEntry
>;

/** Compiled kinds, per `group/Kind`, shared by every target of the process. */
const loaded = new Map<string, Promise<KindSchema[]>>();

function isJsonObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `group/Kind` of every object (and `List` item) whose kind the catalogue has. */
export function catalogueKindsOf(resources: readonly Resource[]): string[] {
  const keys = new Set<string>();
  const visit = (obj: Json): void => {
    const { apiVersion, kind } = obj;
    if (typeof kind === 'string' && kind.endsWith('List') && Array.isArray(obj.items)) {
      for (const item of obj.items) if (isJsonObject(item)) visit(item);
      return;
    }
    if (typeof apiVersion !== 'string' || typeof kind !== 'string') return;
    const slash = apiVersion.indexOf('/');
    if (slash < 0) return;
    const key = `${apiVersion.slice(0, slash)}/${kind}`;
    if (Object.hasOwn(CATALOGUE_INDEX, key)) keys.add(key);
  };
  for (const r of resources) visit(r.object);
  return [...keys].sort();
}

/**
 * Schemas from the built-in catalogue of released CRDs (KServe, Argo Rollouts, Istio, Gateway API…)
 * for the kinds `resources` use, and only those: each kind's file is imported on first use (in the
 * bundled CLI it is a chunk of its own) and compiled once per process. Every served version of a used
 * kind is loaded, so an unserved version is reported with the served ones. CRDs in the repo and
 * configured schema files override these (see createSchemaSet).
 */
export async function loadCatalogueSchemas(resources: readonly Resource[]): Promise<SchemaAdditions> {
  const keys = catalogueKindsOf(resources);
  const kinds = (await Promise.all(keys.map(loadCatalogueKind))).flat();
  return { kinds, findings: [] };
}

/** The compiled versions of one catalogue kind (`group/Kind`); [] when the catalogue lacks it. */
export function loadCatalogueKind(key: string): Promise<KindSchema[]> {
  let promise = loaded.get(key);
  if (!promise) {
    promise = compileEntry(key);
    loaded.set(key, promise);
  }
  return promise;
}

async function compileEntry(key: string): Promise<KindSchema[]> {
  const entry = Object.hasOwn(CATALOGUE_INDEX, key) ? CATALOGUE_INDEX[key] : undefined;
  if (!entry) return [];
  // A template literal with a fixed folder and extension: esbuild bundles every matching file and,
  // with code splitting (the CLI), makes each its own chunk, read only when imported.
  const mod = (await import(`../schemas/crds/${entry.file}.json`, { with: { type: 'json' } })) as {
    default: CatalogueFile;
  };
  const file = mod.default;
  const group = key.slice(0, key.indexOf('/'));
  const kind = key.slice(key.indexOf('/') + 1);
  const { objectMeta } = getBuiltinSchemas();
  // Versions share subtrees (often the whole schema): each is compiled once for all of them.
  const memo = new Map<object, SchemaNode>();
  const resolveRef = (ref: string): unknown => {
    const match = /^#\/d\/(\d+)$/.exec(ref);
    return match ? file.d[Number(match[1])] : undefined;
  };
  return entry.versions.map((version) => ({
    apiVersion: `${group}/${version}`,
    kind,
    root: customRoot(compileOpenApiSchema(file.versions[version], { objectMeta, resolveRef, memo }), {
      objectMeta,
      preserveUnknown: false,
    }),
    clusterScoped: entry.scope === 'Cluster',
    // apiextensions-apiserver validates custom resource names with NameIsDNSSubdomain.
    nameFormat: 'dns-subdomain',
    origin: 'catalogue',
    source: `${entry.sources?.[version] ?? entry.source} CRD`,
  }));
}
