/**
 * Generates the built-in CRD schema catalogue, `src/validate/schemas/crds/`, from the released
 * CustomResourceDefinitions listed in `scripts/crd-catalogue-sources.json` (project, repository, tag,
 * commit, licence, files). Run it when a pinned release changes:
 *
 *   npm run gen:crd-catalogue                          # reads raw.githubusercontent.com/<repo>/<commit>/<file>
 *   npm run gen:crd-catalogue -- --git-mirrors DIR     # reads `git show <commit>:<file>` from DIR/<owner>+<name>
 *   npm run gen:crd-catalogue -- --only "KAITO,AIBrix" # regenerates only these projects (names as in the JSON)
 *
 * `--only` (with either way of reading) regenerates the named sources' kinds and keeps every other kind's
 * file and index entry as committed; `index.json` and `SOURCES.md` are rewritten from the merged index,
 * and a kind a regenerated source no longer has (or that moved to another file) is removed. It is for
 * adding or bumping a project without fetching all the others: a run over every source, or over some
 * with `--only`, writes the same bytes for the same pins.
 *
 * Validation never needs the network: the output is committed. It is one compact JSON file per kind
 * (`<group>_<Kind>.json`, every served version of the kind) plus `index.json` (group/Kind → file,
 * versions, scope, source) and `SOURCES.md`. Each file keeps only what Ferry's schema compiler reads
 * (types, properties, required, items, additionalProperties, enums, bounds, patterns, the int32/byte
 * formats and the x-kubernetes-* markers); descriptions, defaults, CEL rules and `status` are dropped.
 * Repeated subtrees (a PodSpec used by five fields, identical versions) are stored once under `d` and
 * referred to as `{"$ref":"#/d/N"}`.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const OUT = join(ROOT, 'src/validate/schemas/crds');

interface Source {
  project: string;
  repository: string;
  tag: string;
  commit: string;
  licence: string;
  files: string[];
  /**
   * Kind → required fields the project's mutating webhook fills in (`spec.failurePolicy.rules[].name`):
   * the API server checks the schema after mutating admission, so leaving them out is valid.
   */
  webhookDefaults?: Record<string, string[]>;
}

interface IndexEntry {
  file: string;
  versions: string[];
  scope: 'Namespaced' | 'Cluster';
  source: string;
  /** Versions another source supplies (`{"v2beta1": "MPI Operator v0.8.0"}`); the rest are `source`'s. */
  sources?: Record<string, string>;
}

type Json = Record<string, unknown>;

/** How the index names a source: `KServe v0.20.0`. */
const sourceOf = (s: Source): string => `${s.project} ${s.tag}`;

/** The source of one version of an indexed kind. */
const sourceOfVersion = (e: IndexEntry, version: string): string => e.sources?.[version] ?? e.source;

const isJsonObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Keys the schema compiler (src/validate/schema/compile-openapi-schema.ts) reads. */
const KEEP = new Set([
  'type',
  'properties',
  'required',
  'items',
  'additionalProperties',
  'enum',
  'nullable',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'minLength',
  'maxLength',
  'minItems',
  'maxItems',
  'pattern',
  'x-kubernetes-int-or-string',
  'x-kubernetes-preserve-unknown-fields',
  'x-kubernetes-embedded-resource',
]);
/** Subtrees at least this long (as JSON) are shared when they occur twice or more. */
const MIN_SHARED = 64;

interface Args {
  mirrors?: string;
  /** Projects to regenerate (`--only`); every source when absent. */
  only?: string[];
}

function parseArgs(argv: string[]): Args {
  const flagValue = (flag: string): string | undefined => {
    const at = argv.indexOf(flag);
    if (at < 0) return undefined;
    const value = argv[at + 1];
    if (!value || value.startsWith('--')) throw new Error(`${flag} needs a value`);
    return value;
  };
  const mirrors = flagValue('--git-mirrors');
  const only = flagValue('--only')
    ?.split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  return { ...(mirrors && { mirrors }), ...(only && { only }) };
}

async function readSourceFile(source: Source, file: string, mirrors?: string): Promise<string> {
  if (mirrors) {
    const base = join(mirrors, source.repository.replace('/', '+'));
    const gitDir = existsSync(join(base, 'repo')) ? join(base, 'repo') : base;
    return execFileSync('git', ['-C', gitDir, 'show', `${source.commit}:${file}`], {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
  }
  const url = `https://raw.githubusercontent.com/${source.repository}/${source.commit}/${file}`;
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  return res.text();
}

/** The schema reduced to what validation reads; `status` (controller-written) is dropped at the root. */
function strip(schema: unknown, atRoot = false): unknown {
  if (Array.isArray(schema)) return schema.map((s) => strip(s));
  if (!isJsonObject(schema)) return schema;
  const out: Json = {};
  for (const [key, value] of Object.entries(schema)) {
    if (!KEEP.has(key)) continue;
    if (key === 'properties' && isJsonObject(value)) {
      const props: Json = {};
      for (const [name, sub] of Object.entries(value)) {
        // apiVersion, kind, metadata and status of the root are Ferry's own (customRoot).
        if (atRoot && ['apiVersion', 'kind', 'metadata', 'status'].includes(name)) continue;
        props[name] = strip(sub);
      }
      out[key] = props;
    } else if (key === 'items' || key === 'additionalProperties') {
      out[key] = typeof value === 'boolean' ? value : strip(value);
    } else {
      out[key] = value;
    }
  }
  if (schema.format === 'int32' || schema.format === 'byte') out.format = schema.format;
  dropDefaultedRequired(out, schema);
  if (
    schema.type === undefined &&
    schema.properties === undefined &&
    Array.isArray(schema.allOf) &&
    schema.allOf.length === 1
  ) {
    return strip(schema.allOf[0]);
  }
  return out;
}

/** The API server applies defaults before it validates: a required field with a default may be left out. */
function dropDefaultedRequired(out: Json, schema: Json): void {
  const props = schema.properties;
  if (!Array.isArray(out.required) || !isJsonObject(props)) return;
  const required = out.required.filter((name) => !(isJsonObject(props[name]) && 'default' in props[name]));
  if (required.length > 0) out.required = required;
  else delete out.required;
}

/** Stable JSON (sorted keys) so equal subtrees have equal text. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (!isJsonObject(value)) return JSON.stringify(value);
  const keys = Object.keys(value).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`).join(',')}}`;
}

/** Hoists repeated object subtrees into `defs`, largest first, replacing them by `$ref`s. */
function share(roots: Json): { roots: Json; defs: unknown[] } {
  const counts = new Map<string, number>();
  // Only schemas are shared: a `properties` map is walked through, `enum` values are left alone.
  const walk = (v: unknown): void => {
    if (!isJsonObject(v)) return;
    const text = canonical(v);
    if (text.length >= MIN_SHARED) counts.set(text, (counts.get(text) ?? 0) + 1);
    for (const [k, x] of Object.entries(v)) {
      if (k === 'properties' && isJsonObject(x)) for (const sub of Object.values(x)) walk(sub);
      else if (k === 'items' || k === 'additionalProperties') walk(x);
    }
  };
  for (const r of Object.values(roots)) walk(r);
  const ids = new Map<string, number>();
  const defs: unknown[] = [];
  const rewrite = (v: unknown, top: boolean): unknown => {
    if (!isJsonObject(v)) return v;
    const text = canonical(v);
    if (!top && (counts.get(text) ?? 0) > 1) {
      let id = ids.get(text);
      if (id === undefined) {
        id = defs.length;
        ids.set(text, id);
        defs.push(undefined);
        defs[id] = rewrite(v, true);
      }
      return { $ref: `#/d/${id}` };
    }
    const out: Json = {};
    for (const [k, x] of Object.entries(v)) {
      if (k === 'properties' && isJsonObject(x)) {
        out[k] = Object.fromEntries(Object.entries(x).map(([name, sub]) => [name, rewrite(sub, false)]));
      } else if (k === 'items' || k === 'additionalProperties') {
        out[k] = rewrite(x, false);
      } else {
        out[k] = x;
      }
    }
    return out;
  };
  const out: Json = {};
  for (const [version, root] of Object.entries(roots)) out[version] = rewrite(root, false);
  return { roots: out, defs };
}

interface KindDraft {
  group: string;
  kind: string;
  scope: 'Namespaced' | 'Cluster';
  source: string;
  versions: Json;
}

/** Drops a required field (`spec.rules[].name`) of a stripped schema; throws when it is not one. */
function unrequire(root: unknown, path: string, where: string): void {
  const steps = path.split('.');
  const field = steps.pop();
  let node = root;
  for (const step of steps) {
    const name = step.replace(/\[\]$/, '');
    node = isJsonObject(node) && isJsonObject(node.properties) ? node.properties[name] : undefined;
    if (step.endsWith('[]')) node = isJsonObject(node) ? node.items : undefined;
  }
  const required = isJsonObject(node) && Array.isArray(node.required) ? node.required : [];
  if (!isJsonObject(node) || field === undefined || !required.includes(field)) {
    throw new Error(`${where}: webhookDefaults ${path} is not a required field`);
  }
  const rest = required.filter((name) => name !== field);
  if (rest.length > 0) node.required = rest;
  else delete node.required;
}

function draftsOf(text: string, source: Source, file: string): KindDraft[] {
  const out: KindDraft[] = [];
  for (const doc of parseAllDocuments(text)) {
    if ('errors' in doc && doc.errors.length > 0)
      throw new Error(`${source.repository}/${file}: ${doc.errors[0]}`);
    const crd: unknown = doc.toJS({ maxAliasCount: -1 });
    if (!isJsonObject(crd) || crd.kind !== 'CustomResourceDefinition') continue;
    const spec = crd.spec as Json;
    const names = spec.names as Json;
    const versions: Json = {};
    for (const v of spec.versions as Json[]) {
      if (v.served === false) continue;
      const schema = (v.schema as Json | undefined)?.openAPIV3Schema;
      versions[v.name as string] =
        schema === undefined ? { 'x-kubernetes-preserve-unknown-fields': true } : strip(schema, true);
    }
    for (const path of source.webhookDefaults?.[names.kind as string] ?? []) {
      for (const root of Object.values(versions)) unrequire(root, path, `${source.repository}/${file}`);
    }
    out.push({
      group: spec.group as string,
      kind: names.kind as string,
      scope: spec.scope === 'Cluster' ? 'Cluster' : 'Namespaced',
      source: sourceOf(source),
      versions,
    });
  }
  return out;
}

function sourcesMarkdown(sources: Source[], index: Record<string, IndexEntry>): string {
  const lines = [
    '# Sources of the built-in CRD schema catalogue',
    '',
    'Generated by `scripts/gen-crd-catalogue.ts` from `scripts/crd-catalogue-sources.json`; do not edit.',
    'Each kind file keeps only the structural schema of the CRD (descriptions, defaults, CEL rules and',
    '`status` removed); the licence is that of the repository at the pinned commit.',
    '',
    '| project | repository | tag | commit | licence | kinds |',
    '|---|---|---|---|---|---|',
  ];
  for (const s of sources) {
    const kinds = Object.entries(index)
      .map(([key, e]) => [key, e.versions.filter((v) => sourceOfVersion(e, v) === sourceOf(s))] as const)
      .filter(([, versions]) => versions.length > 0)
      .map(([key, versions]) => `${key.slice(key.indexOf('/') + 1)} (${versions.join(', ')})`);
    lines.push(
      `| ${s.project} | [${s.repository}](https://github.com/${s.repository}) | ${s.tag} | \`${s.commit.slice(0, 12)}\` | ${s.licence} | ${kinds.join(', ')} |`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/**
 * The sources to regenerate and the committed index entries to keep. Without `only`: every source and
 * nothing kept. With it: the named sources, and the versions of every other source at its pinned tag (a
 * version of a regenerated source, or of a project no longer listed, is dropped). `partial` names the
 * kept kinds that lost a version that way: their file is rewritten from the versions kept.
 */
function planRun(
  sources: Source[],
  only?: string[],
): { selected: Source[]; kept: Record<string, IndexEntry>; partial: Set<string> } {
  if (!only) return { selected: sources, kept: {}, partial: new Set() };
  const unknown = only.filter((name) => !sources.some((s) => s.project === name));
  if (unknown.length > 0) {
    throw new Error(`--only: no source named ${unknown.map((n) => JSON.stringify(n)).join(', ')}`);
  }
  const selected = sources.filter((s) => only.includes(s.project));
  const others = new Set(sources.filter((s) => !selected.includes(s)).map(sourceOf));
  const committed = JSON.parse(readFileSync(join(OUT, 'index.json'), 'utf8')) as Record<string, IndexEntry>;
  const kept: Record<string, IndexEntry> = {};
  const partial = new Set<string>();
  for (const [key, entry] of Object.entries(committed)) {
    const versions = entry.versions.filter((v) => others.has(sourceOfVersion(entry, v)));
    if (versions.length === 0) continue;
    kept[key] = versions.length === entry.versions.length ? entry : { ...entry, versions };
    if (versions.length < entry.versions.length) partial.add(key);
  }
  for (const source of others) {
    if (!Object.values(kept).some((e) => e.versions.some((v) => sourceOfVersion(e, v) === source))) {
      throw new Error(`the committed catalogue has no kind of ${source}: regenerate it too (--only)`);
    }
  }
  return { selected, kept, partial };
}

/** The inverse of `share`: a committed kind file's version with every `$ref` replaced by its subtree. */
function unshare(value: unknown, defs: unknown[]): unknown {
  if (!isJsonObject(value)) return value;
  if (typeof value.$ref === 'string') {
    const id = /^#\/d\/(\d+)$/.exec(value.$ref)?.[1];
    if (id === undefined) throw new Error(`unexpected $ref ${value.$ref}`);
    return unshare(defs[Number(id)], defs);
  }
  const out: Json = {};
  for (const [k, x] of Object.entries(value)) {
    if (k === 'properties' && isJsonObject(x)) {
      out[k] = Object.fromEntries(Object.entries(x).map(([name, sub]) => [name, unshare(sub, defs)]));
    } else if (k === 'items' || k === 'additionalProperties') {
      out[k] = unshare(x, defs);
    } else {
      out[k] = x;
    }
  }
  return out;
}

/** A kept kind's versions read back from its committed file, one draft per source. */
function keptDrafts(key: string, entry: IndexEntry): KindDraft[] {
  const file = JSON.parse(readFileSync(join(OUT, `${entry.file}.json`), 'utf8')) as {
    versions: Json;
    d: unknown[];
  };
  const bySource = new Map<string, KindDraft>();
  for (const version of entry.versions) {
    const source = sourceOfVersion(entry, version);
    let draft = bySource.get(source);
    if (!draft) {
      const slash = key.indexOf('/');
      draft = {
        group: key.slice(0, slash),
        kind: key.slice(slash + 1),
        scope: entry.scope,
        source,
        versions: {},
      };
      bySource.set(source, draft);
    }
    draft.versions[version] = unshare(file.versions[version], file.d);
  }
  return [...bySource.values()];
}

/**
 * One kind from its drafts, in the order of the sources: a kind two projects define at different
 * versions (kubeflow.org MPIJob: v1 from the Training Operator, v2beta1 from the MPI Operator) is one
 * file with every version, and the index names the source of each version after the first's.
 */
function mergeDrafts(
  key: string,
  drafts: KindDraft[],
): { draft: KindDraft; sources: Record<string, string> } {
  const [first, ...rest] = drafts;
  if (!first) throw new Error(`${key}: no source`);
  const versions: Json = { ...first.versions };
  const sources: Record<string, string> = {};
  for (const draft of rest) {
    if (draft.source === first.source || draft.scope !== first.scope) {
      throw new Error(`${key} is listed twice (${first.source}, ${draft.source})`);
    }
    for (const [version, schema] of Object.entries(draft.versions)) {
      if (version in versions) {
        throw new Error(
          `${key} ${version} is listed twice (${sources[version] ?? first.source}, ${draft.source})`,
        );
      }
      versions[version] = schema;
      sources[version] = draft.source;
    }
  }
  return { draft: { ...first, versions }, sources };
}

async function main(): Promise<void> {
  const { mirrors, only } = parseArgs(process.argv.slice(2));
  const { sources } = JSON.parse(readFileSync(join(ROOT, 'scripts/crd-catalogue-sources.json'), 'utf8')) as {
    sources: Source[];
  };
  const { selected, kept, partial } = planRun(sources, only);
  const order = new Map(sources.map((s, i) => [sourceOf(s), i]));
  mkdirSync(OUT, { recursive: true });
  const drafts = new Map<string, KindDraft[]>();
  for (const source of selected) {
    for (const file of source.files) {
      const text = await readSourceFile(source, file, mirrors);
      for (const draft of draftsOf(text, source, file)) {
        const key = `${draft.group}/${draft.kind}`;
        drafts.set(key, [...(drafts.get(key) ?? []), draft]);
      }
    }
  }
  const index: Record<string, IndexEntry> = { ...kept };
  let bytes = 0;
  let regenerated = 0;
  for (const key of new Set([...drafts.keys(), ...partial])) {
    const keptEntry = Object.hasOwn(kept, key) ? kept[key] : undefined;
    const parts = [...(keptEntry ? keptDrafts(key, keptEntry) : []), ...(drafts.get(key) ?? [])].sort(
      (a, b) => (order.get(a.source) ?? 0) - (order.get(b.source) ?? 0),
    );
    const { draft, sources: versionSources } = mergeDrafts(key, parts);
    const name = `${draft.group}_${draft.kind}`;
    const { roots, defs } = share(draft.versions);
    const body = JSON.stringify({ versions: roots, d: defs });
    writeFileSync(join(OUT, `${name}.json`), `${body}\n`);
    bytes += body.length;
    regenerated += 1;
    index[key] = {
      file: name,
      versions: Object.keys(roots),
      scope: draft.scope,
      source: draft.source,
      ...(Object.keys(versionSources).length > 0 && { sources: versionSources }),
    };
  }
  // Kind files the merged index no longer names (a kind that vanished or moved) go.
  const files = new Set(Object.values(index).map((e) => `${e.file}.json`));
  const stale = readdirSync(OUT).filter((f) => f.endsWith('.json') && f !== 'index.json' && !files.has(f));
  for (const f of stale) rmSync(join(OUT, f));
  const sorted = Object.fromEntries(Object.entries(index).sort(([a], [b]) => (a < b ? -1 : 1)));
  const lines = Object.entries(sorted).map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`);
  writeFileSync(join(OUT, 'index.json'), `{\n${lines.join(',\n')}\n}\n`);
  writeFileSync(join(OUT, 'SOURCES.md'), sourcesMarkdown(sources, sorted));
  console.log(
    `wrote src/validate/schemas/crds: ${lines.length} kinds (${regenerated} regenerated from ${selected.length} sources, ${bytes} bytes of schemas; ${lines.length - regenerated} kept), ${stale.length} stale files removed`,
  );
}

await main();
