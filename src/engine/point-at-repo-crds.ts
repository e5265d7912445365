import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { asRecord, asString } from '../manifest/as-record.ts';
import { documentsTaken, parseManifests } from '../manifest/parse-manifests.ts';
import { isManifestName } from '../render/plain-renderer.ts';
import type { Finding } from '../types.ts';
import { kindWithNoSchema, noSchemaMessage } from '../validate/schema/create-schema-set.ts';
import { CATALOGUE_INDEX } from '../validate/schema/load-catalogue-schemas.ts';
import { servedVersions } from '../validate/schema/load-crd-schemas.ts';

/**
 * A repository is searched no further than this many YAML and JSON files, or characters of them (no
 * file over it is read): the hint is worth a fraction of a second (on kubeflow/manifests' root, 28 MB
 * of YAML and 10 such kinds, the search costs 0.2–0.4 CPU-s).
 */
const MAX_FILES = 5_000;
const MAX_CHARS = 16 * 1024 * 1024;

/**
 * "not validated: no schema for nvidia.com/v1 ClusterPolicy (add its CRD to the repo or to schemas:)"
 * is wrong advice when the CRD is in the repository already, outside what was checked (an operator's
 * `config/samples` beside its `config/crd/bases`): such a finding names the file instead, with how to
 * use it. `scope` says what was checked: a target (whose `schemas:` take the file) or the PATHs of
 * `ferry validate` (which take it as one more path). The repository is searched only when such a
 * finding exists, once per call, skipping `.git`, `node_modules` and links.
 */
export async function pointAtRepoCrds<T extends { findings: Finding[] }>(
  checked: T,
  opts: { root: string; scope: 'target' | 'paths' },
): Promise<T> {
  const { findings } = checked;
  const wanted = new Set<string>();
  for (const f of findings) {
    const key = crdWanted(f);
    if (key) wanted.add(key);
  }
  if (wanted.size === 0) return checked;
  const found = await findCrdFiles(opts.root, wanted);
  if (found.size === 0) return checked;
  const how =
    opts.scope === 'target'
      ? `list it under the target's schemas: in .github/ferry.yml`
      : 'add it to the paths checked';
  const pointed = findings.map((f) => {
    const key = crdWanted(f);
    const file = key && found.get(key);
    if (!key || !file) return f;
    const k = kindWithNoSchema(f.message);
    if (k) {
      const hint = `its CRD is in ${file}, which was not checked with it: ${how}`;
      return { ...f, message: noSchemaMessage(k.apiVersion, k.kind, hint) };
    }
    // A catalogue kind checked against the release Ferry holds, when the repository has its own CRD
    // (an operator's samples beside config/crd/bases, newer than that release): the advice to add the
    // CRD to the repo would be wrong.
    const hint = `the repository's own CRD for it, ${file}, was not checked with it: ${how}`;
    return { ...f, message: f.message.replace(CATALOGUE_HINT, hint) };
  });
  return { ...checked, findings: pointed };
}

/** The tail of a catalogue kind's finding that tells to add its CRD (validate-value, create-schema-set). */
const CATALOGUE_HINT =
  /if your cluster runs (?:another release|a release that serves it), add its CRD to the repo or to schemas:(?=\)?$)/;

/**
 * The CRD a schema finding wants, when the repository may hold it: `group/version kind` for a kind
 * with no schema or a catalogue kind at a version its release does not serve; `group kind` (any
 * version) for a field a catalogue kind's release lacks, its group found from the catalogue's index
 * by the release the message names and the kind of the finding's resource.
 */
function crdWanted(f: Finding): string | undefined {
  if (f.rule !== 'schema' || !CATALOGUE_HINT.test(f.message)) {
    const k = f.rule === 'schema' ? kindWithNoSchema(f.message) : undefined;
    return k && `${k.apiVersion} ${k.kind}`;
  }
  const unserved = /^(\S+\/\S+) (\S+) is not served by /.exec(f.message);
  if (unserved) return `${unserved[1]} ${unserved[2]}`;
  const release = /\(not in (.+) CRD, the release Ferry's catalogue holds: /.exec(f.message)?.[1];
  const kind = f.resource?.split(' ')[0];
  if (!release || !kind) return undefined;
  for (const [key, entry] of Object.entries(CATALOGUE_INDEX)) {
    const slash = key.indexOf('/');
    if (key.slice(slash + 1) !== kind) continue;
    if (entry.source === release || Object.values(entry.sources ?? {}).includes(release))
      return `${key.slice(0, slash)} ${kind}`;
  }
  return undefined;
}

/**
 * `apiVersion kind` or `group kind` (of `wanted`) → the first repo-relative file, in path order, whose CRD serves it.
 * Only the documents that name the CustomResourceDefinition kind and `kind: <a wanted kind>` are parsed
 * (a repository's CRDs can be tens of MB), and the search stops once every wanted key is found.
 */
async function findCrdFiles(root: string, wanted: ReadonlySet<string>): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  const kinds = new Set([...wanted].map((key) => key.slice(key.indexOf(' ') + 1)));
  const names = [...kinds].map(escapeRegExp).join('|');
  const named = new RegExp(`\\bkind["']?[ \\t]*:[ \\t]*["']?(?:${names})(?![\\w-])`);
  const declares = (text: string) => text.includes('CustomResourceDefinition') && named.test(text);
  let chars = 0;
  for (const path of await listYamlFiles(root)) {
    if (found.size === wanted.size || chars > MAX_CHARS) break;
    // At once: through the thread pool, reading many small files costs several times as much.
    const text = readText(join(root, path));
    chars += text.length;
    if (!declares(text)) continue;
    const taken = documentsTaken(text, declares) ?? text;
    for (const key of crdKindsIn(taken, path, kinds)) {
      if (wanted.has(key) && !found.has(key)) found.set(key, path);
    }
  }
  return found;
}

/** The `group/version kind` keys the CRDs of a text serve, for the wanted kinds. */
function crdKindsIn(text: string, path: string, kinds: ReadonlySet<string>): string[] {
  const keys: string[] = [];
  for (const r of parseManifests(text, path).resources) {
    if (r.object.kind !== 'CustomResourceDefinition') continue;
    const spec = asRecord(r.object.spec);
    const group = asString(spec?.group);
    const kind = asString(asRecord(spec?.names)?.kind);
    if (!spec || !group || !kind || !kinds.has(kind)) continue;
    // Served versions, and the group (a catalogue kind's newer CRD may serve another version).
    for (const v of servedVersions(spec as Parameters<typeof servedVersions>[0])) {
      keys.push(`${group}/${v.name} ${kind}`);
    }
    keys.push(`${group} ${kind}`);
  }
  return keys;
}

/** The repository's YAML and JSON files in path order, up to MAX_FILES. */
async function listYamlFiles(root: string): Promise<string[]> {
  const files: string[] = [];
  const walk = async (rel: string): Promise<void> => {
    const entries = await readdir(join(root, rel), { withFileTypes: true }).catch(() => []);
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      if (files.length >= MAX_FILES) return;
      const path = rel === '' ? entry.name : `${rel}/${entry.name}`;
      if (entry.isDirectory() && entry.name !== '.git' && entry.name !== 'node_modules') await walk(path);
      else if (entry.isFile() && isManifestName(entry.name)) files.push(path);
    }
  };
  await walk('');
  return files;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A file's text, or '' when it cannot be read or is over MAX_CHARS bytes (not read at all then). */
function readText(file: string): string {
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    const size = fstatSync(fd).size;
    if (size > MAX_CHARS) return '';
    const buffer = Buffer.alloc(size);
    const read = readSync(fd, buffer, 0, size, 0);
    return buffer.toString('utf8', 0, read);
  } catch {
    return '';
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
