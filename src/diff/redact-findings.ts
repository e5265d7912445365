import { Buffer } from 'node:buffer';
import { detachedString } from '../manifest/detached.ts';
import type { Finding, KubeObject, Resource } from '../types.ts';
import { ValueFinder } from './find-values.ts';
import { redactCredentials } from './redact-credentials.ts';
import { isSecret, REDACTED } from './redact-secret.ts';

/** Shorter strings are too common to replace without mangling ordinary text. */
const MIN_SCRUB_LENGTH = 4;
/**
 * Shorter values are masked only as whole words: `test` or `katib` (kubeflow/katib's database
 * passwords) inside `latest` or `katib-ui`'s neighbour `katibx` is another word, not the value, and a
 * message that quotes a value quotes it whole. Longer values are masked wherever they occur.
 */
const MIN_ANYWHERE_LENGTH = 12;

/**
 * Findings with every Secret value of `resources` (plain, base64, JSON-escaped, and each line of a
 * multi-line value) and every credential in a URL (see redactCredentials) replaced by `<redacted>`
 * in their messages. Diffs are redacted by construction; a finding's
 * message is written by a rule or a schema validator that may quote the offending value, so the
 * engine passes findings through here before they reach a report (defence in depth).
 *
 * Values are masked, not words: a Secret value that is also a word of the manifests (`admin` in a
 * Secret named `ceph-secret-admin`, `pool` under `rbd:`) is left alone where the message writes a field
 * path, a resource name or a file — text every report shows anyway — and masked everywhere else.
 */
export function redactFindings(opts: {
  findings: readonly Finding[];
  resources: readonly Resource[];
}): Finding[] {
  const values = secretValuesOf(opts.resources);
  const words = values.length > 0 ? publicWordsOf(opts.resources) : undefined;
  return redactWith(opts.findings, values, words);
}

function redactWith(findings: readonly Finding[], values: readonly string[], words?: PublicWords): Finding[] {
  return findings.map((f) => {
    const message = redactCredentials(values.length > 0 ? scrubText(f.message, values, words) : f.message);
    return message === f.message ? f : { ...f, message };
  });
}

/** `redactFindings` for a target seen in parts: `add` each part, then `redact` every finding. */
export interface Redaction {
  add(resources: readonly Resource[]): void;
  redact(findings: readonly Finding[]): Finding[];
}

/**
 * Keeps only the Secrets and the public words of each part, not the parts. `publicWords: false` when
 * the target surely holds no Secret (the caller scanned its text): the words are then not gathered,
 * and should a Secret come after all, its values are masked everywhere (never less).
 */
export function createRedaction(opts: { publicWords: boolean }): Redaction {
  const secrets: KubeObject[] = [];
  const words = noWords();
  return {
    add(resources) {
      for (const r of resources) secrets.push(...secretsIn(r.object));
      if (opts.publicWords) addPublicWords(words, resources);
    },
    redact(findings) {
      const values = secretValuesOfObjects(secrets);
      return redactWith(findings, values, values.length > 0 && opts.publicWords ? words : undefined);
    },
  };
}

/**
 * What reports show whatever the Secret values are: `names` (resource names, namespaces, `ns/name`,
 * files) and `keys` (every field name in the manifests, kinds, name parts), from which field paths
 * (`spec.volumes[0].rbd.pool`) are made.
 */
export interface PublicWords {
  names: ReadonlySet<string>;
  keys: ReadonlySet<string>;
  /**
   * Image repositories the manifests run (`ghcr.io/kubeflow/katib/katib-ui`): a reference to one, with
   * any tag or digest (`…:latest`, `…@sha256:<digest>`), is what an image rule quotes, never a secret.
   */
  images?: ReadonlySet<string>;
  /** The manifests' files, which findings also write as `file:line` and `file:line:column`. */
  files?: ReadonlySet<string>;
}

/** Nesting past this is not walked for field names (aliases are expanded; depth is capped at parse). */
const MAX_KEY_DEPTH = 64;

function noWords() {
  return {
    names: new Set<string>(),
    keys: new Set<string>(),
    images: new Set<string>(),
    files: new Set<string>(),
  };
}

export function publicWordsOf(resources: readonly Resource[]): PublicWords {
  const words = noWords();
  addPublicWords(words, resources);
  return words;
}

function addPublicWords(
  {
    names,
    keys,
    images,
    files,
  }: { names: Set<string>; keys: Set<string>; images: Set<string>; files: Set<string> },
  resources: readonly Resource[],
): void {
  const addKeys = (value: unknown, depth: number): void => {
    if (depth > MAX_KEY_DEPTH) return;
    if (Array.isArray(value)) {
      for (const item of value) addKeys(item, depth + 1);
    } else if (isMap(value)) {
      for (const [key, item] of Object.entries(value)) {
        // Kept until the end when a target is redacted in parts: copies, not views of the document.
        if (!keys.has(key)) keys.add(detachedString(key));
        if (key === 'image' && typeof item === 'string') {
          const repository = imageRepositoryOf(item);
          if (repository !== '' && !images.has(repository)) images.add(detachedString(repository));
        }
        addKeys(item, depth + 1);
      }
    }
  };
  for (const r of resources) {
    const { kind, namespace, name } = r.id;
    for (const n of [name, namespace, `${namespace}/${name}`, r.file]) {
      if (n && !names.has(n)) names.add(detachedString(n));
    }
    if (!files.has(r.file)) files.add(detachedString(r.file));
    if (!keys.has(kind)) keys.add(detachedString(kind));
    addKeys(r.object, 0);
  }
}

/**
 * Spans of `text` that are structure, not values: whitespace-separated tokens (quotes and punctuation
 * around them stripped) that are a public name, or a path of two or more public keys joined by `.`
 * or `/` with `[n]` indexes; or a single public key, which keeps only a value shorter than itself
 * (`strict`): `username` and `root_password` stay whole beside the values `user` and `password`
 * (kubeflow/pipelines' Secrets read "keys: <redacted>name" and "root_<redacted>"), while a key that is
 * itself a value (`pool` beside `pool`) may be that value quoted, and is masked. The repository of an
 * image the manifests run is kept the same way (strict): `katib` stays in
 * `ghcr.io/kubeflow/katib/katib-ui:latest`, but a value in the tag or digest is masked, and a repository
 * that is a whole value is masked even when an image is named so.
 */
function structuralSpans(text: string, words: PublicWords): [number, number, boolean][] {
  const spans: [number, number, boolean][] = [];
  for (const m of text.matchAll(/\S+/g)) {
    const raw = m[0];
    const lead = /^["'`(<{[]*/.exec(raw)?.[0].length ?? 0;
    const token = raw.slice(lead).replace(/["'`)>},;:!?.]+$/, '');
    if (token === '') continue;
    const start = (m.index ?? 0) + lead;
    const segments = token.split(/[./]|\[\d+\]/).filter((s) => s !== '');
    const isPath = segments.length >= 2 && segments.every((s) => words.keys.has(s) || words.names.has(s));
    // A file is written `file:line` (and `file:line:column`) as often as bare.
    const isName = words.names.has(token) || (words.files?.has(token.replace(/(?::\d+){1,2}$/, '')) ?? false);
    const repository = imageRepositoryOf(token);
    if (isName || isPath) spans.push([start, start + token.length, false]);
    else if (words.keys.has(token)) spans.push([start, start + token.length, true]);
    // Only the repository of an image the manifests run is public: a value in its tag or digest is
    // masked like anywhere else.
    else if (words.images?.has(repository)) spans.push([start, start + repository.length, true]);
  }
  return spans;
}

/**
 * `text` with each of `values` replaced (longest first, so a value's substrings cannot shadow it),
 * except where an occurrence lies wholly inside a field path or name made of `words`.
 */
export function scrubText(text: string, values: readonly string[], words?: PublicWords): string {
  const occurrences = finderOf(values).find(text);
  if (occurrences.length === 0) return text;
  const keep = words ? structuralSpans(text, words) : [];
  const taken: [number, number][] = [];
  for (const [index, i] of occurrences) {
    const value = values[index] as string;
    const end = i + value.length;
    if (value.length < MIN_ANYWHERE_LENGTH && isInsideWord(text, i, end)) continue;
    if (keep.some(([s, e, strict]) => s <= i && end <= e && !(strict && s === i && end === e))) continue;
    if (taken.some(([s, e]) => i < e && s < end)) continue;
    taken.push([i, end]);
  }
  if (taken.length === 0) return text;
  taken.sort((a, b) => a[0] - b[0]);
  let out = '';
  let at = 0;
  for (const [s, e] of taken) {
    out += text.slice(at, s) + REDACTED;
    at = e;
  }
  return out + text.slice(at);
}

/** Whether `text[start, end)` continues a letter or digit on either side: part of a longer word. */
function isInsideWord(text: string, start: number, end: number): boolean {
  const word = /[\p{L}\p{N}]/u;
  const joins = (a: string | undefined, b: string | undefined) =>
    a !== undefined && b !== undefined && word.test(a) && word.test(b);
  return joins(text[start - 1], text[start]) || joins(text[end - 1], text[end]);
}

/** `repo/name` of `repo/name:tag@digest` (a tag is a `:` after the last `/`, a digest an `@`). */
function imageRepositoryOf(image: string): string {
  const at = image.indexOf('@');
  const ref = at < 0 ? image : image.slice(0, at);
  const colon = ref.lastIndexOf(':');
  return colon > ref.lastIndexOf('/') ? ref.slice(0, colon) : ref;
}

/** One ValueFinder per list of values: a report scrubs every text with the same list. */
const finders = new WeakMap<readonly string[], ValueFinder>();

function finderOf(values: readonly string[]): ValueFinder {
  let finder = finders.get(values);
  if (!finder) {
    finder = new ValueFinder(values);
    finders.set(values, finder);
  }
  return finder;
}

/**
 * Every string form a Secret value of `resources` could take in text, longest first; forms shorter
 * than `minLength` are left out (too common to replace without mangling ordinary text).
 */
export function secretValuesOf(resources: readonly Resource[], minLength = MIN_SCRUB_LENGTH): string[] {
  return secretValuesOfObjects(
    resources.map((r) => r.object),
    minLength,
  );
}

/** The same for objects (a Secret, or a List holding Secrets) rather than rendered resources. */
export function secretValuesOfObjects(
  objects: readonly KubeObject[],
  minLength = MIN_SCRUB_LENGTH,
): string[] {
  const forms = new Set<string>();
  for (const object of objects) {
    for (const secret of secretsIn(object)) {
      for (const [field, raw] of secretEntries(secret)) {
        for (const form of formsOf(field, raw)) {
          if (form.length >= minLength) forms.add(form);
        }
      }
    }
  }
  return [...forms].sort((a, b) => b.length - a.length);
}

function secretEntries(secret: KubeObject): ['data' | 'stringData', unknown][] {
  const entries: ['data' | 'stringData', unknown][] = [];
  for (const field of ['data', 'stringData'] as const) {
    const map = secret[field];
    if (isMap(map)) for (const raw of Object.values(map)) entries.push([field, raw]);
  }
  return entries;
}

/**
 * A line of a multi-line value that can hold no secret: a bare key (`command:`), or a key or list item
 * whose value is empty, null or a boolean (`annotations: {}`, `- enabled: false`). A chart that keeps
 * its whole values file in a Secret (z2jh's hub) would otherwise have every `command:` and `args:` of
 * its Deployments masked.
 */
const VALUELESS_LINE = /^\s*(?:- +)?(?:[\w./"'-]+ *: *(?:\{\}|\[\]|null|~|true|false|""|'')?|-)\s*$/;

/** The value as written, decoded or encoded, and line by line (but for lines that hold no value). */
function formsOf(field: 'data' | 'stringData', raw: unknown): string[] {
  const text = raw === null || raw === undefined ? '' : String(raw);
  const plain = field === 'data' ? Buffer.from(text, 'base64').toString('utf8') : text;
  const encoded = field === 'data' ? text : Buffer.from(text, 'utf8').toString('base64');
  const lines = plain.split('\n').filter((l) => !VALUELESS_LINE.test(l));
  // A message may quote the value JSON-escaped (`"a\"b"`), as schema validators do.
  const escaped = JSON.stringify(plain).slice(1, -1);
  return [plain, encoded, escaped, ...lines, ...lines.map((l) => l.trim())];
}

function secretsIn(obj: KubeObject): KubeObject[] {
  if (isSecret(obj)) return [obj];
  if (obj.kind.endsWith('List') && Array.isArray(obj.items)) {
    return (obj.items as unknown[]).filter(
      (item): item is KubeObject =>
        isMap(item) && typeof item.kind === 'string' && isSecret(item as KubeObject),
    );
  }
  return [];
}

function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
