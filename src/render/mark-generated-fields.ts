import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isMaskableGenerated } from '../diff/is-maskable-generated.ts';
import { formatPointer, locationOf, parsePointer } from '../manifest/line-of.ts';
import { formatResourceId, resourceKey } from '../manifest/resource-id.ts';
import type { Finding, Resource } from '../types.ts';
import { renderFinding } from './render-finding.ts';

/**
 * Sprig and helm functions whose result differs on every call: random strings and numbers, UUIDs,
 * keys and certificates, salted hashes (bcrypt, htpasswd) and encryption with a random IV. A chart
 * that calls none renders the same output for the same inputs (`now` is left out: charts mostly format
 * it to a day or a year, which does not differ between two renders).
 */
const GENERATOR =
  /\b(?:randAlphaNum|randAlpha|randNumeric|randAscii|randBytes|randInt|uuidv4|genPrivateKey|genCA|genCAWithKey|genSelfSignedCert|genSelfSignedCertWithKey|genSignedCert|genSignedCertWithKey|bcrypt|htpasswd|encryptAES)\b/;

/** Template files read at most, and bytes in all: a chart past these is not looked into. */
const MAX_FILES = 2_000;
const MAX_BYTES = 16 * 1024 * 1024;

/**
 * Whether a template of the chart or of a subchart vendored as a folder (`templates/`, `charts/<x>/…`)
 * calls a function whose result differs on every render. Read only to decide whether a second render is
 * worth its cost; a vendored `.tgz` is not opened.
 */
export function callsGenerators(absDir: string): Promise<boolean> {
  return templatesMatch(absDir, (text) => GENERATOR.test(text));
}

/**
 * Whether one of a chart's own templates or its subcharts' files (not values.yaml or READMEs beside
 * them) holding `{{` passes `test`, within MAX_FILES files and MAX_BYTES read.
 */
export async function templatesMatch(absDir: string, test: (text: string) => boolean): Promise<boolean> {
  let files = 0;
  let bytes = 0;
  const walk = async (dir: string, depth: number): Promise<boolean> => {
    if (depth > 8) return false;
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name === 'templates' || entry.name === 'charts' || depth > 0) {
          if (await walk(path, depth + 1)) return true;
        }
        continue;
      }
      if (depth === 0 || !entry.isFile() || !/\.(?:ya?ml|tpl|txt|json)$/i.test(entry.name)) continue;
      if (++files > MAX_FILES || bytes > MAX_BYTES) return false;
      const text = await readFile(path, 'utf8').catch(() => '');
      bytes += text.length;
      if (text.includes('{{') && test(text)) return true;
    }
    return false;
  };
  return walk(absDir, 0);
}

/**
 * Sets `generated` on each resource of `first` to the JSON pointers of its leaf fields whose value
 * differs in `second`, another render of the same chart with the same inputs: what the chart generates
 * anew each time. A resource only one render has (a generated name) gets none.
 */
export function markGeneratedFields(first: readonly Resource[], second: readonly Resource[]): void {
  const again = new Map(second.map((r) => [resourceKey(r.id), r.object]));
  for (const resource of first) {
    const other = again.get(resourceKey(resource.id));
    if (other === undefined) continue;
    const differing: string[] = [];
    collectDifferences(resource.object, other, [], differing);
    if (differing.length > 0) resource.generated = differing;
  }
}

function collectDifferences(a: unknown, b: unknown, path: (string | number)[], out: string[]): void {
  if (a === b) return;
  if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) {
    for (let i = 0; i < a.length; i++) collectDifferences(a[i], b[i], [...path, i], out);
    return;
  }
  if (isMap(a) && isMap(b)) {
    const keys = Object.keys(a);
    if (keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k))) {
      for (const k of keys) collectDifferences(a[k], b[k], [...path, k], out);
      return;
    }
  }
  out.push(formatPointer(path));
}

function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Fields named in a finding at most; the rest are counted. */
const MAX_FIELDS_SHOWN = 3;

/**
 * One warning per resource with generated fields, at the template line of the first: a GitOps render
 * (Ferry's agent, Argo CD, Flux) gives a new value on every sync, so each deploy replaces it (a
 * Secret's password, a webhook's certificate) and restarts what hashes it.
 */
export function generatedFieldFindings(resources: readonly Resource[]): Finding[] {
  const out: Finding[] = [];
  for (const r of resources) {
    const paths = (r.generated ?? []).map(parsePointer);
    const first = paths[0];
    if (first === undefined) continue;
    const fields = paths.slice(0, MAX_FIELDS_SHOWN).map(describePath).join(', ');
    const more = paths.length > MAX_FIELDS_SHOWN ? ` and ${paths.length - MAX_FIELDS_SHOWN} more` : '';
    const at = locationOf(r, first);
    const [is, it] = paths.length === 1 ? ['is', 'it'] : ['are', 'them'];
    out.push({
      ...renderFinding(
        at.file,
        `${fields}${more} of ${formatResourceId(r.id)} ${is} generated anew by every render (the chart calls randAlphaNum, genCA, htpasswd or the like), so every deploy changes ${it}: set ${it} in the target's values files, or use an existing Secret. ${inDiffs(r)}`,
        at.line,
      ),
      severity: 'warning',
      resource: formatResourceId(r.id),
    });
  }
  return out;
}

/**
 * What diffs do with a resource's generated fields (diffResources): leave out those that can carry
 * nothing else (isMaskableGenerated); show the others changing on every render, as hiding them could
 * hide a change beside the random part.
 */
function inDiffs(r: Resource): string {
  const generated = r.generated ?? [];
  const hidden = generated.filter((p) => isMaskableGenerated(r.id, p)).length;
  if (hidden === generated.length) return hidden === 1 ? 'Diffs leave it out' : 'Diffs leave them out';
  if (hidden === 0)
    return generated.length === 1
      ? 'Diffs show it as changed in every PR'
      : 'Diffs show them as changed in every PR';
  return 'Diffs leave out the Secret values and checksums among them, and show the others as changed in every PR';
}

/** `data.api-key`; a key with a dot in it is quoted: `data["hub.config.x"]`, an index `[0]`. */
function describePath(path: readonly string[]): string {
  let out = '';
  for (const p of path) {
    if (/^\d+$/.test(p)) out += `[${p}]`;
    else if (/^[A-Za-z_][\w-]*$/.test(p)) out += out === '' ? p : `.${p}`;
    else out += `[${JSON.stringify(p)}]`;
  }
  return out;
}
