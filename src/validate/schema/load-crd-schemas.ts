import { detachedString } from '../../manifest/detached.ts';
import type { Resource } from '../../types.ts';
import { compileOpenApiSchema } from './compile-openapi-schema.ts';
import { getBuiltinSchemas } from './get-builtin-schemas.ts';
import type { KindSchema, SchemaAdditions, SchemaNode } from './schema-node.ts';

type Json = Record<string, unknown>;

const ANY: SchemaNode = { type: 'any' };
const STRING: SchemaNode = { type: 'string' };

function isJsonObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Schemas of the custom kinds declared by CustomResourceDefinitions in a rendered set (also inside a
 * `v1 List`): one per served version. The CRD itself is validated as a built-in kind, so a malformed one
 * yields no schema here and its problems are reported there.
 */
export function loadCrdSchemas(resources: readonly Resource[]): SchemaAdditions {
  const kinds: KindSchema[] = [];
  for (const r of resources) kinds.push(...crdKindSchemas(r.object));
  return { kinds, findings: [] };
}

/** The kind schemas a CRD (or a `List` of CRDs) declares; [] for any other object. */
export function crdKindSchemas(obj: Json, origin = ''): KindSchema[] {
  if (obj.kind === 'List' && Array.isArray(obj.items)) {
    return obj.items.flatMap((item) => (isJsonObject(item) ? crdKindSchemas(item, origin) : []));
  }
  if (obj.kind !== 'CustomResourceDefinition' || typeof obj.apiVersion !== 'string') return [];
  if (!obj.apiVersion.startsWith('apiextensions.k8s.io/')) return [];
  const spec = isJsonObject(obj.spec) ? obj.spec : {};
  const names = isJsonObject(spec.names) ? spec.names : {};
  const group = spec.group;
  const kind = names.kind;
  if (typeof group !== 'string' || typeof kind !== 'string' || group === '' || kind === '') return [];
  const metadata = isJsonObject(obj.metadata) ? obj.metadata : {};
  const name = typeof metadata.name === 'string' ? metadata.name : `${String(names.plural)}.${group}`;
  // A schema outlives its CRD's file: it keeps copies, not views of the file's text (detachedString).
  const source = detachedString(`CustomResourceDefinition ${name}${origin ? ` (${origin})` : ''}`);
  // apiextensions.k8s.io/v1beta1 (removed in 1.22) kept unknown fields unless told otherwise.
  const isV1beta1 = obj.apiVersion === 'apiextensions.k8s.io/v1beta1';
  const preserveRoot =
    spec.preserveUnknownFields === true || (isV1beta1 && spec.preserveUnknownFields !== false);
  const sharedSchema = isJsonObject(spec.validation) ? spec.validation.openAPIV3Schema : undefined;
  const { objectMeta } = getBuiltinSchemas();

  const out: KindSchema[] = [];
  for (const version of servedVersions(spec)) {
    const schema = isJsonObject(version.schema) ? version.schema.openAPIV3Schema : sharedSchema;
    out.push({
      apiVersion: detachedString(`${group}/${version.name}`),
      kind: detachedString(kind),
      root: customRoot(schema === undefined ? undefined : compileOpenApiSchema(schema, { objectMeta }), {
        objectMeta,
        preserveUnknown: preserveRoot || schema === undefined,
      }),
      clusterScoped: spec.scope === 'Cluster',
      // apiextensions-apiserver validates custom resource names with NameIsDNSSubdomain.
      nameFormat: 'dns-subdomain',
      origin: 'crd',
      source,
    });
  }
  return out;
}

export function servedVersions(spec: Json): { name: string; schema?: unknown }[] {
  if (Array.isArray(spec.versions) && spec.versions.length > 0) {
    return spec.versions.filter(
      (v): v is { name: string; schema?: unknown } =>
        isJsonObject(v) && typeof v.name === 'string' && v.served !== false,
    );
  }
  return typeof spec.version === 'string' ? [{ name: spec.version }] : [];
}

/**
 * The root of a custom kind: the schema's fields plus what every object has. The API server validates
 * `metadata` as ObjectMeta whatever the schema says, and Ferry ignores `status`.
 */
export function customRoot(
  compiled: SchemaNode | undefined,
  opts: { objectMeta: SchemaNode; preserveUnknown: boolean },
): SchemaNode {
  const base = compiled?.type === 'object' ? compiled : undefined;
  const properties = new Map(base?.properties ?? []);
  properties.set('apiVersion', STRING);
  properties.set('kind', STRING);
  properties.set('metadata', opts.objectMeta);
  properties.set('status', ANY);
  const root: SchemaNode = { ...base, type: 'object', properties };
  if (opts.preserveUnknown || (compiled !== undefined && compiled.type === 'any'))
    root.preserveUnknown = true;
  return root;
}
