/**
 * Generates `src/validate/schemas/k8s-<version>.json`, the pinned schema of Kubernetes built-in kinds,
 * from the typed declarations in `kubernetes-models` (no OpenAPI JSON needed).
 *
 *   npm run gen:schemas
 *
 * The package version is pinned in `scripts/k8s-schema-source.json`. It is not a devDependency: its
 * 5.x releases declare `engines: node >= 22`, which would make `npm ci` warn on every Node 20 install
 * for a tool that runs once per Kubernetes release. The script installs that exact version into a
 * temporary folder from the npm registry (or uses FERRY_K8S_MODELS_DIR, a folder whose node_modules
 * holds it).
 *
 * How: the TypeScript compiler API parses every `<group>/<version>/<Type>.d.ts` (and the apimachinery
 * package) and reads each interface's properties: `?:` makes a field optional, the type node gives its
 * type. TypeScript has a single `number`, so integer fields and `int32`/`int64`/`byte` formats are read by
 * probing the package's ajv-compiled validators (`_schemas/<Name>.js`) with values only a given format
 * rejects. Only types reachable from a kind are kept, and `status` is free-form (Ferry ignores it).
 *
 * Type codes (one string per field, `!` prefix = required):
 *   s string · i int32 · l int64 · n number · b boolean · q quantity (string or number) ·
 *   x int-or-string · t date-time · y byte (base64 string) · a free-form (any JSON) ·
 *   [T array of T · {T map of string to T · =A|B|C string enum · anything else: a type id.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const SOURCE = JSON.parse(readFileSync(join(ROOT, 'scripts/k8s-schema-source.json'), 'utf8')) as {
  package: string;
  version: string;
  apimachinery: string;
};

/** A folder whose node_modules holds the pinned kubernetes-models, installed on demand. */
function modelsPrefix(): string {
  const given = process.env.FERRY_K8S_MODELS_DIR;
  if (given) return given;
  const prefix = mkdtempSync(join(tmpdir(), 'ferry-k8s-models-'));
  const spec = `${SOURCE.package}@${SOURCE.version}`;
  console.log(`installing ${spec} into ${prefix}`);
  execFileSync(
    'npm',
    ['install', '--no-save', '--ignore-scripts', '--engine-strict=false', '--prefix', prefix, spec],
    {
      stdio: 'inherit',
    },
  );
  return prefix;
}

const PREFIX = modelsPrefix();
const MODELS = join(PREFIX, 'node_modules', SOURCE.package);
const MACHINERY = join(PREFIX, 'node_modules', SOURCE.apimachinery);
if (!existsSync(join(MODELS, 'package.json'))) throw new Error(`${SOURCE.package} not found under ${PREFIX}`);

/**
 * kubernetes-models 5.0.0's changelog: "Update to Kubernetes v1.36.0"; 5.1.0 carries the same API
 * (PodSpec.schedulingGroup, NodeStatus.declaredFeatures and ListMeta.shardInfo are 1.35/1.36 fields).
 * The package also keeps removed versions (extensions/v1beta1, apps/v1beta1...) from older specs.
 */
const KUBERNETES_VERSION = '1.36.0';

/** Types that hold arbitrary JSON (the API server keeps them as-is): never an unknown-field error. */
const FREE_FORM = new Set([
  'IoK8sApimachineryPkgRuntimeRawExtension',
  'IoK8sApimachineryPkgApisMetaV1FieldsV1',
  'IoK8sApiextensionsApiserverPkgApisApiextensionsV1JSON',
  'IoK8sApiextensionsApiserverPkgApisApiextensionsV1JSONSchemaProps',
  'IoK8sApiextensionsApiserverPkgApisApiextensionsV1JSONSchemaPropsOrArray',
  'IoK8sApiextensionsApiserverPkgApisApiextensionsV1JSONSchemaPropsOrBool',
  'IoK8sApiextensionsApiserverPkgApisApiextensionsV1JSONSchemaPropsOrStringArray',
  'IoK8sApiextensionsApiserverPkgApisApiextensionsV1beta1JSON',
  'IoK8sApiextensionsApiserverPkgApisApiextensionsV1beta1JSONSchemaProps',
  'IoK8sApiextensionsApiserverPkgApisApiextensionsV1beta1JSONSchemaPropsOrArray',
  'IoK8sApiextensionsApiserverPkgApisApiextensionsV1beta1JSONSchemaPropsOrBool',
  'IoK8sApiextensionsApiserverPkgApisApiextensionsV1beta1JSONSchemaPropsOrStringArray',
]);

const SCALARS: Record<string, string> = {
  IoK8sApimachineryPkgApiResourceQuantity: 'q',
  IoK8sApimachineryPkgUtilIntstrIntOrString: 'x',
  IoK8sApimachineryPkgApisMetaV1Time: 't',
  IoK8sApimachineryPkgApisMetaV1MicroTime: 't',
};

/**
 * Cluster-scoped built-in kinds (`group/Kind`, '' = core), from `kubectl api-resources --namespaced=false`
 * of Kubernetes 1.34–1.36 plus removed kinds still in the package. The declarations carry no scope.
 */
const CLUSTER_SCOPED = [
  '/ComponentStatus',
  '/Namespace',
  '/Node',
  '/PersistentVolume',
  'admissionregistration.k8s.io/MutatingAdmissionPolicy',
  'admissionregistration.k8s.io/MutatingAdmissionPolicyBinding',
  'admissionregistration.k8s.io/MutatingWebhookConfiguration',
  'admissionregistration.k8s.io/ValidatingAdmissionPolicy',
  'admissionregistration.k8s.io/ValidatingAdmissionPolicyBinding',
  'admissionregistration.k8s.io/ValidatingWebhookConfiguration',
  'apiextensions.k8s.io/CustomResourceDefinition',
  'apiregistration.k8s.io/APIService',
  'authentication.k8s.io/SelfSubjectReview',
  'authentication.k8s.io/TokenReview',
  'authorization.k8s.io/SelfSubjectAccessReview',
  'authorization.k8s.io/SelfSubjectRulesReview',
  'authorization.k8s.io/SubjectAccessReview',
  'certificates.k8s.io/CertificateSigningRequest',
  'certificates.k8s.io/ClusterTrustBundle',
  'extensions/PodSecurityPolicy',
  'flowcontrol.apiserver.k8s.io/FlowSchema',
  'flowcontrol.apiserver.k8s.io/PriorityLevelConfiguration',
  'networking.k8s.io/IPAddress',
  'networking.k8s.io/IngressClass',
  'networking.k8s.io/ServiceCIDR',
  'node.k8s.io/RuntimeClass',
  'policy/PodSecurityPolicy',
  'rbac.authorization.k8s.io/ClusterRole',
  'rbac.authorization.k8s.io/ClusterRoleBinding',
  'resource.k8s.io/DeviceClass',
  'resource.k8s.io/DeviceTaintRule',
  'resource.k8s.io/ResourceSlice',
  'scheduling.k8s.io/PriorityClass',
  'storage.k8s.io/CSIDriver',
  'storage.k8s.io/CSINode',
  'storage.k8s.io/StorageClass',
  'storage.k8s.io/VolumeAttachment',
  'storage.k8s.io/VolumeAttributesClass',
];

interface FieldDraft {
  name: string;
  required: boolean;
  code: string;
}

interface TypeDraft {
  id: string;
  /** Name of the ajv validator in `_schemas/` (absent for inline object literals). */
  schemaFile?: string;
  fields: FieldDraft[];
  /** `apiVersion/kind` when both are string literals: a top-level kind. */
  gvk?: string;
}

interface FileInfo {
  id: string;
  canonical: string;
  /** local identifier → canonical name of the type it denotes */
  names: Map<string, string>;
}

function listDeclarations(dir: string, skip: (rel: string) => boolean): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.d.ts') || entry.name === 'index.d.ts') continue;
    const file = join(entry.parentPath, entry.name);
    if (!skip(relative(dir, file))) out.push(file);
  }
  return out.sort();
}

/** `apps/v1/DeploymentSpec.d.ts` → `apps/v1.DeploymentSpec`; apimachinery `apis/meta/v1/X` → `meta/v1.X`. */
function typeIdOf(file: string): string {
  const inMachinery = file.startsWith(MACHINERY);
  let rel = relative(inMachinery ? MACHINERY : MODELS, file).replace(/\.d\.ts$/, '');
  if (inMachinery) rel = rel.replace(/^apis\//, '');
  const slash = rel.lastIndexOf('/');
  return `${rel.slice(0, slash)}.${rel.slice(slash + 1)}`;
}

const canonicalById = new Map<string, string>();
const idByCanonical = new Map<string, string>();
const schemaDirByCanonical = new Map<string, string>();
const drafts = new Map<string, TypeDraft>();
const fail = (msg: string): never => {
  throw new Error(msg);
};

function readFile(file: string): { source: ts.SourceFile; info: FileInfo } {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
  const names = new Map<string, string>();
  let canonical = '';
  for (const stmt of source.statements) {
    // `export type { IDeployment as IIoK8sApiAppsV1Deployment, ... }`: the canonical name.
    if (
      ts.isExportDeclaration(stmt) &&
      stmt.isTypeOnly &&
      stmt.exportClause &&
      ts.isNamedExports(stmt.exportClause)
    ) {
      for (const el of stmt.exportClause.elements) {
        if (el.name.text.startsWith('IIo') && el.propertyName) {
          canonical = el.name.text.slice(1);
          names.set(el.propertyName.text, canonical);
        }
      }
    }
    // `import { IIoK8sApiAppsV1DeploymentSpec } from "./DeploymentSpec.js"`
    if (ts.isImportDeclaration(stmt) && stmt.importClause?.namedBindings) {
      const bindings = stmt.importClause.namedBindings;
      if (ts.isNamedImports(bindings)) {
        for (const el of bindings.elements) {
          if (el.name.text.startsWith('IIo')) names.set(el.name.text, el.name.text.slice(1));
        }
      }
    }
  }
  if (!canonical) fail(`${file}: no canonical export`);
  return { source, info: { id: typeIdOf(file), canonical, names } };
}

function codeOf(node: ts.TypeNode, info: FileInfo, ownerId: string, field: string): string {
  switch (node.kind) {
    case ts.SyntaxKind.StringKeyword:
      return 's';
    case ts.SyntaxKind.NumberKeyword:
      return 'n';
    case ts.SyntaxKind.BooleanKeyword:
      return 'b';
    case ts.SyntaxKind.ArrayType:
      return `[${codeOf((node as ts.ArrayTypeNode).elementType, info, ownerId, field)}`;
    case ts.SyntaxKind.LiteralType: {
      const lit = (node as ts.LiteralTypeNode).literal;
      return ts.isStringLiteral(lit) ? `=${lit.text}` : fail(`${ownerId}.${field}: literal ${lit.getText()}`);
    }
    case ts.SyntaxKind.UnionType: {
      const values = (node as ts.UnionTypeNode).types.map((t) =>
        ts.isLiteralTypeNode(t) && ts.isStringLiteral(t.literal)
          ? t.literal.text
          : fail(`${ownerId}.${field}: union member ${t.getText()}`),
      );
      if (values.some((v) => v.includes('|'))) fail(`${ownerId}.${field}: enum value with '|'`);
      return `=${values.join('|')}`;
    }
    case ts.SyntaxKind.TypeLiteral:
      return typeLiteralCode(node as ts.TypeLiteralNode, info, `${ownerId}.${field}`);
    case ts.SyntaxKind.TypeReference: {
      const ref = node as ts.TypeReferenceNode;
      const name = ref.typeName.getText();
      if (name === 'Array' && ref.typeArguments?.[0]) {
        return `[${codeOf(ref.typeArguments[0], info, ownerId, field)}`;
      }
      const canonical = info.names.get(name) ?? fail(`${ownerId}.${field}: unresolved ${name}`);
      return refCode(canonical);
    }
    default:
      return fail(`${ownerId}.${field}: unsupported type node ${ts.SyntaxKind[node.kind]}`);
  }
}

function refCode(canonical: string): string {
  const scalar = SCALARS[canonical];
  if (scalar) return scalar;
  if (FREE_FORM.has(canonical)) return 'a';
  return idByCanonical.get(canonical) ?? fail(`no declaration for ${canonical}`);
}

/** `{ [key: string]: T }` is a map; a literal with properties is an inline object type. */
function typeLiteralCode(node: ts.TypeLiteralNode, info: FileInfo, id: string): string {
  const index = node.members.find(ts.isIndexSignatureDeclaration);
  if (index) {
    if (node.members.length !== 1) fail(`${id}: index signature mixed with properties`);
    return `{${codeOf(index.type, info, id, '*')}`;
  }
  drafts.set(id, draftOf(node.members, info, id));
  return id;
}

function draftOf(
  members: ts.NodeArray<ts.TypeElement>,
  info: FileInfo,
  id: string,
  schemaFile?: string,
): TypeDraft {
  const fields: FieldDraft[] = [];
  let apiVersion: string | undefined;
  let kind: string | undefined;
  for (const member of members) {
    if (!ts.isPropertySignature(member) || !member.type) fail(`${id}: unexpected member ${member.getText()}`);
    const prop = member as ts.PropertySignature & { type: ts.TypeNode };
    const name = ts.isStringLiteral(prop.name) ? prop.name.text : prop.name.getText();
    const code = codeOf(prop.type, info, id, name);
    if (name === 'apiVersion' && code.startsWith('=')) apiVersion = code.slice(1);
    if (name === 'kind' && code.startsWith('=')) kind = code.slice(1);
    fields.push({ name, required: !prop.questionToken, code });
  }
  const draft: TypeDraft = { id, fields, ...(schemaFile ? { schemaFile } : {}) };
  if (apiVersion && kind) draft.gvk = `${apiVersion}/${kind}`;
  const hasTypeMeta = fields.some((f) => f.name === 'apiVersion') && fields.some((f) => f.name === 'kind');
  for (const f of fields) {
    if (f.name === 'apiVersion' || f.name === 'kind') {
      // The kind is chosen from these two; nested copies (list items, templates) may omit them.
      if (hasTypeMeta) {
        f.code = 's';
        f.required = false;
      }
    }
    // Status is written by controllers; Ferry ignores it in manifests.
    if (hasTypeMeta && f.name === 'status') f.code = 'a';
  }
  return draft;
}

type Validator = ((data: unknown) => boolean) & {
  errors?: { instancePath: string; keyword: string; params: Record<string, unknown> }[] | null;
};

/** The failing (instancePath → keyword:param) pairs when `data` is given to a type's ajv validator. */
function probe(validate: Validator, data: Record<string, unknown>): Set<string> {
  validate(data);
  const out = new Set<string>();
  for (const e of validate.errors ?? []) {
    out.add(`${e.instancePath} ${e.keyword}:${String(e.params.type ?? e.params.format ?? '')}`);
  }
  return out;
}

/** `n` → leaf, `[n` → [leaf], `{n` → {k: leaf} (same for `s`). */
function probeValue(code: string, leaf: unknown): unknown {
  if (code.startsWith('[')) return [leaf];
  if (code.startsWith('{')) return { k: leaf };
  return leaf;
}

function suffixOf(code: string): string {
  return code.startsWith('[') ? '/0' : code.startsWith('{') ? '/k' : '';
}

function withLeaf(code: string, leaf: string): string {
  return code.slice(0, -1) + leaf;
}

/** Refines `n` to `i` (int32) / `l` (int64) and `s` to `y` (byte) from the compiled validators. */
async function refineFormats(draft: TypeDraft): Promise<void> {
  const numeric = draft.fields.filter((f) => /^[[{]?n$/.test(f.code));
  const strings = draft.fields.filter((f) => /^[[{]?s$/.test(f.code));
  if (numeric.length === 0 && strings.length === 0) return;
  const canonical = draft.schemaFile ?? fail(`${draft.id}: no validator`);
  const dir = schemaDirByCanonical.get(canonical) ?? fail(`${canonical}: no schema dir`);
  const mod = (await import(pathToFileURL(join(dir, `${canonical}.js`)).href)) as { validate: Validator };
  const build = (leafN: unknown, leafS: unknown) => {
    const data: Record<string, unknown> = {};
    for (const f of numeric) data[f.name] = probeValue(f.code, leafN);
    for (const f of strings) data[f.name] = probeValue(f.code, leafS);
    return data;
  };
  const fractional = probe(mod.validate, build(0.5, '%'));
  const large = probe(mod.validate, build(2 ** 40, '%'));
  for (const f of numeric) {
    const at = `/${f.name}${suffixOf(f.code)}`;
    if (!fractional.has(`${at} type:integer`)) continue;
    f.code = withLeaf(f.code, large.has(`${at} format:int32`) ? 'i' : 'l');
  }
  for (const f of strings) {
    if (fractional.has(`/${f.name}${suffixOf(f.code)} format:byte`)) f.code = withLeaf(f.code, 'y');
  }
}

function referencedIds(code: string): string | undefined {
  const c = code.replace(/^!/, '').replace(/^[[{]+/, '');
  return c.length > 1 && !c.startsWith('=') ? c : undefined;
}

/** Parses every declaration into a draft; empty interfaces join FREE_FORM. */
function collectDrafts(): void {
  const files = [
    ...listDeclarations(MODELS, (rel) => rel.startsWith('_schemas') || !rel.includes('/')),
    ...listDeclarations(MACHINERY, (rel) => rel.startsWith('_schemas')),
  ];
  const parsed = files.map(readFile);
  for (const { info } of parsed) {
    canonicalById.set(info.id, info.canonical);
    idByCanonical.set(info.canonical, info.id);
    const dir = info.canonical.startsWith('IoK8sApimachinery') ? MACHINERY : MODELS;
    schemaDirByCanonical.set(info.canonical, join(dir, '_schemas'));
  }
  for (const { source, info } of parsed) {
    if (SCALARS[info.canonical] || FREE_FORM.has(info.canonical)) continue;
    const decl = source.statements.find(ts.isInterfaceDeclaration) ?? fail(`${info.id}: no interface`);
    info.names.set(decl.name.text, info.canonical);
    const draft = draftOf(decl.members, info, info.id, info.canonical);
    // An interface with no properties is an opaque JSON value in the OpenAPI spec.
    if (draft.fields.length === 0) FREE_FORM.add(info.canonical);
    else drafts.set(info.id, draft);
  }
}

/** References to empty interfaces (known only after every file is read) become free-form. */
function replaceLateFreeForms(draft: TypeDraft): void {
  for (const f of draft.fields) {
    const target = referencedIds(f.code);
    if (!target || drafts.has(target)) continue;
    const canonical = canonicalById.get(target);
    if (canonical && FREE_FORM.has(canonical)) f.code = f.code.replace(target, 'a');
  }
}

/** The type ids a kind reaches (status is already free-form, so status types drop out). */
function reachableTypes(kinds: Record<string, string>): Set<string> {
  const keep = new Set<string>();
  const queue = Object.values(kinds);
  while (queue.length > 0) {
    const id = queue.pop() as string;
    if (keep.has(id)) continue;
    keep.add(id);
    for (const f of drafts.get(id)?.fields ?? fail(`unknown type ${id}`)) {
      const target = referencedIds(f.code);
      if (target) queue.push(target);
    }
  }
  return keep;
}

function checkClusterScoped(kinds: Record<string, string>): void {
  const keys = Object.keys(kinds);
  const groups = new Set(keys.map(groupOfKey));
  for (const entry of CLUSTER_SCOPED) {
    const [group, kind] = entry.split('/') as [string, string];
    if (!groups.has(group)) fail(`cluster-scoped ${entry}: unknown group`);
    if (!keys.some((k) => groupOfKey(k) === group && k.endsWith(`/${kind}`))) {
      console.warn(`note: cluster-scoped ${entry} is not in the package (kept for newer clusters)`);
    }
  }
}

function render(kinds: Record<string, string>, keep: Set<string>): string {
  const typeLines = [...keep].sort().map((id) => {
    const draft = drafts.get(id) as TypeDraft;
    const fields: Record<string, string> = {};
    for (const f of draft.fields) fields[f.name] = (f.required ? '!' : '') + f.code;
    return `${JSON.stringify(id)}:${JSON.stringify(fields)}`;
  });
  const kindLines = Object.keys(kinds)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${JSON.stringify(kinds[k])}`);
  const version = JSON.parse(readFileSync(join(MODELS, 'package.json'), 'utf8')).version;
  return [
    '{',
    `"kubernetes":${JSON.stringify(KUBERNETES_VERSION)},`,
    `"source":"kubernetes-models@${version}",`,
    `"objectMeta":"meta/v1.ObjectMeta",`,
    `"listMeta":"meta/v1.ListMeta",`,
    `"clusterScoped":${JSON.stringify(CLUSTER_SCOPED)},`,
    `"kinds":{\n${kindLines.join(',\n')}\n},`,
    `"types":{\n${typeLines.join(',\n')}\n}`,
    '}',
    '',
  ].join('\n');
}

async function main(): Promise<void> {
  collectDrafts();
  for (const draft of drafts.values()) {
    replaceLateFreeForms(draft);
    if (draft.schemaFile) await refineFormats(draft);
  }
  const kinds: Record<string, string> = {};
  for (const d of drafts.values()) {
    if (d.gvk && !d.id.startsWith('meta/') && !d.id.startsWith('version.')) kinds[d.gvk] = d.id;
  }
  checkClusterScoped(kinds);
  const keep = reachableTypes(kinds);
  const text = render(kinds, keep);
  const minor = KUBERNETES_VERSION.split('.').slice(0, 2).join('.');
  const out = join(ROOT, `src/validate/schemas/k8s-${minor}.json`);
  writeFileSync(out, text);
  console.log(
    `wrote ${relative(ROOT, out)}: ${Object.keys(kinds).length} kinds, ${keep.size} types, ${text.length} bytes`,
  );
}

/** `apps/v1/Deployment` → `apps`; `v1/Pod` → ''. */
function groupOfKey(key: string): string {
  const parts = key.split('/');
  return parts.length === 3 ? (parts[0] as string) : '';
}

await main();
