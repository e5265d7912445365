import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { asRecord, asString } from '../manifest/as-record.ts';
import { parseManifests } from '../manifest/parse-manifests.ts';
import type { Finding } from '../types.ts';
import { kindWithNoSchema, noSchemaMessage } from '../validate/schema/create-schema-set.ts';
import { servedVersions } from '../validate/schema/load-crd-schemas.ts';

/** A repository is searched no further than this many files, or YAML and JSON bytes. */
const MAX_FILES = 20_000;
const MAX_BYTES = 64 * 1024 * 1024;

/**
 * "not validated: no schema for nvidia.com/v1 ClusterPolicy (add its CRD to the repo or to schemas:)"
 * is wrong advice when the CRD is in the repository already, outside what was checked (an operator's
 * `config/samples` beside its `config/crd/bases`): such a finding names the file instead, with how to
 * use it. `scope` says what was checked: a target (whose `schemas:` take the file) or the PATHs of
 * `ferry validate` (which take it as one more path). The repository is searched only when such a
 * finding exists, once per call, skipping `.git`, `node_modules` and links.
 */
export async function pointAtRepoCrds(
  findings: Finding[],
  opts: { root: string; scope: 'target' | 'paths' },
): Promise<Finding[]> {
  const wanted = new Map<string, { apiVersion: string; kind: string }>();
  for (const f of findings) {
    const k = f.rule === 'schema' ? kindWithNoSchema(f.message) : undefined;
    if (k) wanted.set(`${k.apiVersion} ${k.kind}`, k);
  }
  if (wanted.size === 0) return findings;
  const kinds = new Set([...wanted.values()].map((k) => k.kind));
  const found = await findCrdFiles(opts.root, kinds);
  if (found.size === 0) return findings;
  return findings.map((f) => {
    const k = f.rule === 'schema' ? kindWithNoSchema(f.message) : undefined;
    const file = k && found.get(`${k.apiVersion} ${k.kind}`);
    if (!k || !file) return f;
    const how =
      opts.scope === 'target'
        ? `list it under the target's schemas: in .github/ferry.yml`
        : 'add it to the paths checked';
    const hint = `its CRD is in ${file}, which was not checked with it: ${how}`;
    return { ...f, message: noSchemaMessage(k.apiVersion, k.kind, hint) };
  });
}

/** `apiVersion kind` → the first repo-relative file (in path order) whose CRD serves it. */
async function findCrdFiles(root: string, kinds: ReadonlySet<string>): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  for (const path of await listYamlFiles(root)) {
    const text = await readFile(join(root, path), 'utf8').catch(() => '');
    if (!text.includes('CustomResourceDefinition')) continue;
    if (![...kinds].some((kind) => text.includes(kind))) continue;
    for (const key of crdKindsIn(text, path, kinds)) if (!found.has(key)) found.set(key, path);
  }
  return found;
}

/** The `group/version kind` keys the CRDs of a file serve, for the wanted kinds. */
function crdKindsIn(text: string, path: string, kinds: ReadonlySet<string>): string[] {
  const keys: string[] = [];
  for (const r of parseManifests(text, path).resources) {
    if (r.object.kind !== 'CustomResourceDefinition') continue;
    const spec = asRecord(r.object.spec);
    const group = asString(spec?.group);
    const kind = asString(asRecord(spec?.names)?.kind);
    if (!spec || !group || !kind || !kinds.has(kind)) continue;
    for (const v of servedVersions(spec as Parameters<typeof servedVersions>[0])) {
      keys.push(`${group}/${v.name} ${kind}`);
    }
  }
  return keys;
}

/** The repository's YAML and JSON files in path order, up to MAX_FILES and MAX_BYTES. */
async function listYamlFiles(root: string): Promise<string[]> {
  const files: string[] = [];
  let bytes = 0;
  const walk = async (rel: string): Promise<boolean> => {
    const entries = await readdir(join(root, rel), { withFileTypes: true }).catch(() => []);
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const path = rel === '' ? entry.name : `${rel}/${entry.name}`;
      if (entry.isDirectory() && entry.name !== '.git' && entry.name !== 'node_modules') {
        if (!(await walk(path))) return false;
      } else if (entry.isFile() && /\.(ya?ml|json)$/i.test(entry.name)) {
        bytes += (await stat(join(root, path)).catch(() => undefined))?.size ?? 0;
        if (files.length >= MAX_FILES || bytes > MAX_BYTES) return false;
        files.push(path);
      }
    }
    return true;
  };
  await walk('');
  return files;
}
