import { parseDocument } from 'yaml';
import { parseManifests } from '../../manifest/parse-manifests.ts';
import type { Finding } from '../../types.ts';
import { compileOpenApiSchema } from './compile-openapi-schema.ts';
import { getBuiltinSchemas } from './get-builtin-schemas.ts';
import { crdKindSchemas, customRoot } from './load-crd-schemas.ts';
import type { KindSchema, SchemaAdditions } from './schema-node.ts';

export interface SchemaFile {
  /** Repository-relative path, for findings and messages. */
  path: string;
  text: string;
}

type Json = Record<string, unknown>;

function isJsonObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Schemas from configured files (a target's `schemas:`), read by the adapter: CRD manifests (YAML or
 * JSON, several per file, or a `List`), JSON Schema files with `x-kubernetes-group-version-kind` at the
 * root, and OpenAPI documents whose `definitions` / `components.schemas` carry it (what
 * `kubectl get --raw /openapi/v3/apis/<group>/<version>` returns). Local `$ref`s are followed.
 * Kubernetes semantics apply to all of them: a field the schema does not declare is unknown.
 */
export function parseSchemaFiles(files: readonly SchemaFile[]): SchemaAdditions {
  const kinds: KindSchema[] = [];
  const findings: Finding[] = [];
  for (const file of files) {
    const parsed = parseManifests(file.text, file.path);
    findings.push(...parsed.findings);
    if (parsed.findings.length > 0) continue;
    const fromCrds = parsed.resources.flatMap((r) => crdKindSchemas(r.object, file.path));
    const found = fromCrds.length > 0 ? fromCrds : jsonSchemaKinds(file);
    if (found.length === 0) {
      findings.push({
        rule: 'schema',
        severity: 'warning',
        file: file.path,
        line: 1,
        message:
          'no CustomResourceDefinition or JSON Schema with x-kubernetes-group-version-kind in this file',
      });
    }
    kinds.push(...found);
  }
  return { kinds, findings };
}

interface Gvk {
  group: string;
  version: string;
  kind: string;
}

function jsonSchemaKinds(file: SchemaFile): KindSchema[] {
  const doc: unknown = parseDocument(file.text, { prettyErrors: false }).toJS({ maxAliasCount: 100 });
  if (!isJsonObject(doc)) return [];
  const candidates: Json[] = [doc];
  const definitions = isJsonObject(doc.definitions) ? doc.definitions : {};
  const components =
    isJsonObject(doc.components) && isJsonObject(doc.components.schemas) ? doc.components.schemas : {};
  for (const value of [...Object.values(definitions), ...Object.values(components)]) {
    if (isJsonObject(value)) candidates.push(value);
  }
  const resolveRef = (ref: string): unknown => {
    if (!ref.startsWith('#/')) return undefined;
    let at: unknown = doc;
    for (const raw of ref.slice(2).split('/')) {
      const part = decodeURIComponent(raw).replaceAll('~1', '/').replaceAll('~0', '~');
      at = isJsonObject(at) ? at[part] : undefined;
    }
    return at;
  };
  const { objectMeta } = getBuiltinSchemas();
  const out: KindSchema[] = [];
  for (const schema of candidates) {
    for (const gvk of gvksOf(schema)) {
      const apiVersion = gvk.group ? `${gvk.group}/${gvk.version}` : gvk.version;
      out.push({
        apiVersion,
        kind: gvk.kind,
        root: customRoot(compileOpenApiSchema(schema, { objectMeta, resolveRef }), {
          objectMeta,
          preserveUnknown: false,
        }),
        clusterScoped: false,
        nameFormat: 'dns-subdomain',
        origin: 'schema-file',
        source: file.path,
      });
    }
  }
  return out;
}

/** `x-kubernetes-group-version-kind` (a list or one object), else single-valued apiVersion/kind enums. */
function gvksOf(schema: Json): Gvk[] {
  const raw = schema['x-kubernetes-group-version-kind'];
  const list = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
  const out: Gvk[] = [];
  for (const item of list) {
    if (!isJsonObject(item) || typeof item.version !== 'string' || typeof item.kind !== 'string') continue;
    out.push({
      group: typeof item.group === 'string' ? item.group : '',
      version: item.version,
      kind: item.kind,
    });
  }
  if (out.length > 0 || !isJsonObject(schema.properties)) return out;
  const apiVersion = singleEnum(schema.properties.apiVersion);
  const kind = singleEnum(schema.properties.kind);
  if (!apiVersion || !kind) return out;
  const slash = apiVersion.indexOf('/');
  return [
    slash < 0
      ? { group: '', version: apiVersion, kind }
      : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1), kind },
  ];
}

function singleEnum(s: unknown): string | undefined {
  if (!isJsonObject(s)) return undefined;
  if (typeof s.const === 'string') return s.const;
  return Array.isArray(s.enum) && s.enum.length === 1 && typeof s.enum[0] === 'string'
    ? s.enum[0]
    : undefined;
}
