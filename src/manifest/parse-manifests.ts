import jsYaml from 'js-yaml';
import {
  type Document,
  isMap,
  isScalar,
  LineCounter,
  type Node,
  parseAllDocuments,
  visit,
  type YAMLError,
  type YAMLWarning,
} from 'yaml';
import { type Finding, type KubeObject, type Resource, SEVERITY_RANK, type Severity } from '../types.ts';
import { closestMatch } from './closest-match.ts';
import { countNewlines } from './count-newlines.ts';
import type { ManifestText } from './decode-manifest-bytes.ts';
import { describeMisspeltIdentity } from './describe-misspelt-identity.ts';
import { describeYamlError } from './describe-yaml-error.ts';
import { detachedString } from './detached.ts';
import { expandAliases } from './expand-aliases.ts';
import { formatBytes, MIB } from './format-bytes.ts';
import { hasOddLines, hasOddStructure, NULL_WORDS } from './has-odd-lines.ts';
import { KUBE_JS_YAML_SCHEMA } from './kube-js-yaml-schema.ts';
import { KUBE_YAML_OPTIONS } from './kube-yaml-options.ts';
import { parseNode } from './parse-node.ts';
import { formatResourceId, type IdentityOptions, resourceIdOf } from './resource-id.ts';
import { scanPlainLines, scanPlainLinesAlong } from './scan-plain-lines.ts';
import { DocumentLines, SourceLines } from './source-lines.ts';
import { splitJsonStream } from './split-json-stream.ts';
import { utf8Length } from './utf8-length.ts';

export interface ParseOptions extends IdentityOptions {
  /** Largest input accepted, in UTF-8 bytes. Default 16 MiB. */
  maxBytes?: number;
  /** Said after "file is … over the …-byte limit": which setting raises the limit. */
  maxBytesHint?: string;
  /** Most alias expansions per document (alias-bomb guard), see yaml's `maxAliasCount`. Default 100. */
  maxAliasCount?: number;
  /** Deepest nesting accepted in a document (the root object is depth 1). Default 128. */
  maxDepth?: number;
  /** Line offset to add (when `text` is a slice of a larger file). */
  lineOffset?: number;
  /**
   * Read plain documents with js-yaml (YAML 1.1 scalars as kube-yaml-options.ts, see ADR 0005) and
   * anything unusual with the `yaml` package. Default true; false reads everything with `yaml`.
   */
  fastPath?: boolean;
  /**
   * Documents already read by this preview (the other side of a diff): a document whose text is the
   * same is not read again, and both sides share its (never changed) object. See ParsedDocuments.
   */
  documents?: ParsedDocuments;
}

/**
 * Plain documents read on js-yaml's fast path, by their exact text (with the `---` line): the base and
 * head of a diff are mostly the same documents, and reading them is most of a render's CPU. One per
 * preview of a target, dropped with it. Only documents js-yaml took whole are kept (the `yaml` path,
 * errors and odd documents are read each time), under the depth limit they were read with.
 */
export class ParsedDocuments {
  readonly #values = new Map<string, unknown>();
  #maxDepth: number | undefined;

  /** Whether `text` was read under `maxDepth` and kept (js-yaml took it, so it is not odd). */
  has(text: string, maxDepth: number): boolean {
    return maxDepth === this.#maxDepth && this.#values.has(text);
  }

  /** What `read` gives for `text`, read once per text; a read that throws is not kept. */
  read(text: string, maxDepth: number, read: () => unknown): unknown {
    // One depth per cache: a document read under another limit might not have been taken.
    this.#maxDepth ??= maxDepth;
    if (maxDepth !== this.#maxDepth) return read();
    if (this.#values.has(text)) return this.#values.get(text);
    const value = read();
    this.#values.set(text, value);
    return value;
  }
}

export interface ParseResult {
  resources: Resource[];
  findings: Finding[];
}

const DEFAULT_MAX_BYTES = 16 * 1024 * 1024;
const DEFAULT_MAX_ALIAS_COUNT = 100;
/**
 * Real manifests stay far below this (a large CRD's openAPIV3Schema reaches ~60); yaml's composer itself
 * runs out of stack near 1,000 levels (and reports RESOURCE_EXHAUSTION), and every consumer walks objects
 * recursively, so refuse early.
 */
const DEFAULT_MAX_DEPTH = 128;
/** After alias expansion; a 16 MiB manifest without aliases has well under a million nodes. */
const MAX_EXPANDED_NODES = 1_000_000;
/** Findings per file: a binary or badly broken file must not flood a check run (GitHub shows 50 per call). */
const MAX_FINDINGS_PER_FILE = 50;

/**
 * Multi-document YAML (or JSON, also as a stream of objects) → resources with file, line and field lines.
 *
 * - Each document is read once. Plain documents (no anchors, aliases, tags, merge keys, complex or null
 *   keys, directives) are read by js-yaml with the same scalar rules, and their field lines are computed
 *   only when something asks for one (a finding); anything else, and any document js-yaml refuses, is
 *   read by the `yaml` package, which also makes the findings (ADR 0005).
 * - Values are decoded as kubectl decodes them (YAML 1.1 scalars, see kube-yaml-options.ts).
 * - A document without both apiVersion and kind is not a Kubernetes object and is skipped silently; one that
 *   has only one of them is a resource *and* an error finding, so schema validation still sees it.
 * - `kind: List` (and any `*List` with `items`) is flattened into its items, as kubectl does.
 * - A document with a YAML error yields findings and no resource: the set is then incomplete, and callers
 *   must not prune from it (the finding's severity is `error`).
 * - Problems are findings (rule `parse`), never exceptions.
 */
export function parseManifests(text: string, file: string, opts: ParseOptions = {}): ParseResult {
  return parseManifestText({ text }, file, opts);
}

/** parseManifests of a file as readManifestFile read it: bytes kubectl refuses are one error finding. */
export function parseManifestText(input: ManifestText, file: string, opts: ParseOptions = {}): ParseResult {
  const sink = new ParseSink(file, opts);
  if ('unreadable' in input) {
    sink.report('error', input.unreadable.line + (opts.lineOffset ?? 0), input.unreadable.message);
    return sink.result();
  }
  const { text } = input;
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
  const bytes = utf8LengthOver(text, maxBytes);
  if (bytes !== undefined) {
    sink.report(
      'error',
      1 + (opts.lineOffset ?? 0),
      `file is ${formatFileSize(bytes)}, over the ${formatSizeLimit(maxBytes)} limit${opts.maxBytesHint ? `; ${opts.maxBytesHint}` : ''}`,
    );
    return sink.result();
  }
  const source = normaliseText(text);
  const offset = opts.lineOffset ?? 0;
  const spans = splitJsonStream(source);
  if (spans) {
    let line = offset;
    let from = 0;
    for (const span of spans) {
      line += countNewlines(source, from, span.start);
      from = span.start;
      parseStream(source.slice(span.start, span.end), line, sink);
    }
  } else {
    parseStream(source, offset, sink);
  }
  return sink.result();
}

/**
 * The documents of a YAML stream that `take` accepts, as one stream, for a reader that needs only some
 * of a file before its turn (streamUnits: the CRDs among a file's workloads); undefined when every
 * document is taken, or when the stream is read whole (a JSON stream, directives, `...`, a marker
 * glued to text). Each document is parsed alone anyway, so the taken ones read as in the whole file.
 */
export function documentsTaken(text: string, take: (document: string) => boolean): string | undefined {
  if (STREAM_ODD.test(text) || splitJsonStream(text)) return undefined;
  const starts = documentStarts(text);
  let taken = '';
  let all = true;
  for (let i = 0; i < starts.length; i++) {
    const document = text.slice(starts[i], starts[i + 1] ?? text.length);
    if (take(document)) taken += document;
    else all = false;
  }
  return all ? undefined : taken;
}

/** Collects resources and findings for one file, with the per-file finding cap. */
class ParseSink {
  readonly resources: Resource[] = [];
  private readonly findings: Finding[] = [];
  private dropped = 0;
  private droppedSeverity: Severity = 'info';
  readonly maxDepth: number;
  readonly maxAliasCount: number;
  readonly fastPath: boolean;

  constructor(
    readonly file: string,
    readonly identity: ParseOptions,
  ) {
    this.maxDepth = identity.maxDepth ?? DEFAULT_MAX_DEPTH;
    this.maxAliasCount = identity.maxAliasCount ?? DEFAULT_MAX_ALIAS_COUNT;
    this.fastPath = identity.fastPath ?? true;
  }

  /** Where the sink is now, to go back to with `restore`. */
  mark(): { resources: number; findings: number; dropped: number; droppedSeverity: Severity } {
    const { dropped, droppedSeverity } = this;
    return { resources: this.resources.length, findings: this.findings.length, dropped, droppedSeverity };
  }

  restore(mark: ReturnType<ParseSink['mark']>): void {
    this.resources.length = mark.resources;
    this.findings.length = mark.findings;
    this.dropped = mark.dropped;
    this.droppedSeverity = mark.droppedSeverity;
  }

  report(severity: Severity, line: number, message: string, resource?: string): void {
    if (this.findings.length >= MAX_FINDINGS_PER_FILE) {
      this.dropped++;
      if (SEVERITY_RANK[severity] > SEVERITY_RANK[this.droppedSeverity]) this.droppedSeverity = severity;
      return;
    }
    // Copies: a finding outlives its file, and a quoted word is a view of the file's text (detached.ts).
    const finding: Finding = {
      rule: 'parse',
      severity,
      file: this.file,
      line,
      message: detachedString(message),
    };
    if (resource !== undefined) finding.resource = detachedString(resource);
    this.findings.push(finding);
  }

  result(): ParseResult {
    const findings = [...this.findings];
    if (this.dropped > 0) {
      const last = findings[findings.length - 1];
      findings.push({
        rule: 'parse',
        // As severe as the worst finding left out: the summary must not hide an error.
        severity: this.droppedSeverity,
        file: this.file,
        line: last?.line ?? 1,
        message: `${this.dropped} more parse problems in this file not shown`,
      });
    }
    return { resources: this.resources, findings };
  }
}

type LineAt = (offset: number) => number;

/**
 * Directives, document-end markers and `---` glued to text: the whole stream goes the `yaml` package's way.
 */
const STREAM_ODD = /^(?:%|\.\.\.|---[^ \t\r\n])/m;
/**
 * What js-yaml would read differently from the `yaml` package as configured (or what needs its limits):
 * anchors, aliases and tags (`&a`, `*a`, `!x` after a separator), merge keys, complex (`? `), null
 * (`~:`, `null:`, `: x`) and collection (`]:`, `}:`) keys, tabs in indentation, `#` glued to a quote or
 * bracket. Expressions over the whole text find where those characters are at all; a document they
 * flag is read line by line (hasOddStructure), since in most such documents the characters are text
 * (a CRD's descriptions and CEL rules, a shell command in an argument). False alarms only cost speed.
 */
export function isOddDocument(chunk: string): boolean {
  if (chunk.includes('\t') && TAB_INDENT.test(chunk)) return true;
  // One alternation tried at every offset cost ~5% of `validate`; each part is gated on a character it
  // needs, and the null-key part is one forward expression (same documents as the single expression).
  const flagged =
    (chunk.includes('#') && GLUED_COMMENT.test(chunk)) ||
    ((chunk.includes('&') || chunk.includes('*') || chunk.includes('!')) && ANCHOR_ALIAS_TAG.test(chunk)) ||
    chunk.includes('<<') ||
    (chunk.includes('?') && COMPLEX_KEY.test(chunk)) ||
    ((chunk.includes(']') || chunk.includes('}')) && COLLECTION_KEY.test(chunk)) ||
    hasNullKey(chunk);
  // hasOddLines is the quick look and counts as odd all it does not read exactly (a quoted scalar over
  // several lines among them: kustomize folds a CRD's long CEL rules that way, and a 1.4 MB CRD went
  // the yaml way, ~5x slower); what it flags, hasOddStructure reads line by line. Each is sound alone.
  return flagged ? hasOddStructure(chunk) : hasOddLines(chunk) && hasOddStructure(chunk);
}
const TAB_INDENT = /^[ \t]*\t/m;
const GLUED_COMMENT = /["'[\]{},]#/;
const ANCHOR_ALIAS_TAG = /(?:^|[\s[{,])(?:[&*]\S|!)/m;
const COMPLEX_KEY = /(?:^|[\s[{,])\?(?:[ \t\r]|$)/m;
/** After a collection, `:` is an indicator whatever follows (a JSON-like key, YAML 1.2 §7.4.1). */
const COLLECTION_KEY = /[\]}][ \t]*:/;
/**
 * Whether `chunk` matches `/(?:^|[\s[{,?-])(?:~|null|Null|NULL)?[ \t]*:(?=[ \t\r,[\]{}]|$)/m` (a null or
 * empty key, or a space before a key's colon), decided from each `:` instead of trying the expression
 * at every offset: most colons end a key and are rejected by the character before them. A property
 * test holds it to the expression.
 */
function hasNullKey(chunk: string): boolean {
  // Character codes, not a regular expression per colon: this runs over every key of every document.
  for (let i = chunk.indexOf(':'); i >= 0; i = chunk.indexOf(':', i + 1)) {
    if (i + 1 < chunk.length && !isColonFollower(chunk.charCodeAt(i + 1))) continue;
    let k = i;
    while (k > 0 && (chunk.charCodeAt(k - 1) === 32 || chunk.charCodeAt(k - 1) === 9)) k--;
    // No null word: a space or tab before the colon is itself the separator, else the line's start or
    // a separator right before.
    if (k < i || k === 0) return true;
    const before = chunk.charCodeAt(k - 1);
    if (isKeySeparator(before)) return true;
    // A null word ends in `~`, `l` or `L`; any other key ends in an ordinary character.
    if (before !== 126 && before !== 108 && before !== 76) continue;
    for (const word of NULL_WORDS) {
      const at = k - word.length;
      if (at >= 0 && chunk.startsWith(word, at) && (at === 0 || isKeySeparator(chunk.charCodeAt(at - 1))))
        return true;
    }
  }
  return false;
}
/**
 * What may follow the colon: space, tab, or a line's end (`$` with the m flag: \n, \r, U+2028/9), or
 * a flow indicator (`[:{a: b}]` has a null key; in block context `a:,` is text, a false alarm).
 */
function isColonFollower(c: number): boolean {
  return (
    c === 32 ||
    c === 9 ||
    c === 13 ||
    c === 10 ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x2c ||
    c === 0x5b ||
    c === 0x5d ||
    c === 0x7b ||
    c === 0x7d
  );
}
/** `[\s[{,?-]`: JavaScript's white space and line terminators, or `[ { , ? -`. */
function isKeySeparator(c: number): boolean {
  if (c < 128) {
    // \t \n \v \f \r, space, [ { , ? -
    return (c >= 9 && c <= 13) || c === 32 || c === 91 || c === 123 || c === 44 || c === 63 || c === 45;
  }
  return WIDE_SPACE.test(String.fromCharCode(c));
}
const WIDE_SPACE = /^\s$/;
/** Content on the `---` line itself (`--- a: b` is an error to `yaml`, not to js-yaml). */
const MARKER_WITH_CONTENT = /^---[ \t]+[^\s#]/;
/** A document start marker line: `---` alone or followed by a space. */
const DOCUMENT_START = /^---(?=[ \t\r\n]|$)/gm;

/** Where each document of a YAML stream starts: 0, then each `---` marker line after it. */
function documentStarts(text: string): number[] {
  const starts = [0];
  for (const m of text.matchAll(DOCUMENT_START)) if (m.index > 0) starts.push(m.index);
  return starts;
}

function parseStream(source: string, lineOffset: number, sink: ParseSink): void {
  // js-yaml checks scalars for characters YAML does not allow, but not comments: a text holding one
  // anywhere is read by the yaml path, which refuses the documents that hold them (~1 GB/s to look).
  if (!sink.fastPath || STREAM_ODD.test(source) || nonPrintableIn(source, 0, source.length) >= 0) {
    parseStreamWithYaml(source, lineOffset, sink);
    return;
  }
  const starts = documentStarts(source);
  const mark = sink.mark();
  let line = lineOffset;
  for (let i = 0; i < starts.length; i++) {
    const start = starts[i] ?? 0;
    const end = starts[i + 1] ?? source.length;
    const chunk = source.slice(start, end);
    // The yaml package reads a document's last lines by what follows them (`a:\n\t\n` is valid alone and
    // an error before `---`): a document it reads gets the next one's marker, as in the stream.
    const next = i + 1 < starts.length ? '---' : '';
    if (!parseChunk(chunk, { lineOffset: line, next }, sink)) {
      // A broken document: the `yaml` package reads the whole stream again, so that errors (an unclosed
      // quote runs past a `---`) are reported exactly where it reports them. Only broken files pay.
      sink.restore(mark);
      parseStreamWithYaml(source, lineOffset, sink);
      return;
    }
    line += countNewlines(source, start, end);
  }
}

/**
 * One document (with its `---` line): js-yaml when it is plain and js-yaml takes it, else `yaml`.
 * False when the document is not valid YAML (the caller re-reads the stream).
 */
function parseChunk(chunk: string, at: { lineOffset: number; next: string }, sink: ParseSink): boolean {
  const { lineOffset } = at;
  const withYaml = () => parseStreamWithYaml(chunk + at.next, lineOffset, sink);
  const documents = sink.identity.documents;
  // A document the other side kept was plain: the same text need not be looked at again.
  const kept = documents?.has(chunk, sink.maxDepth) === true;
  if (!kept && (isOddDocument(chunk) || MARKER_WITH_CONTENT.test(chunk))) {
    return withYaml();
  }
  // maxDepth (js-yaml ≥ 4.3, not in its type definitions) counts scalars too: stricter than ours, so
  // a document near the limit falls through to `yaml`, which applies ours exactly.
  const options = { schema: KUBE_JS_YAML_SCHEMA, maxDepth: sink.maxDepth } as jsYaml.LoadOptions;
  const load = () => jsYaml.load(chunk, options);
  let value: unknown;
  try {
    value = documents ? documents.read(chunk, sink.maxDepth, load) : load();
  } catch {
    // Whatever js-yaml refuses (bad YAML, duplicate keys, depth) the `yaml` package reports exactly.
    return withYaml();
  }
  if (value === null || value === undefined) return true;
  // A document that is a scalar or a list: never a resource, and js-yaml reads some the yaml package
  // refuses (a block scalar at the root, a list whose later items are less indented).
  if (!isPlainObject(value)) return withYaml();
  const line = lineOffset + firstContentLine(chunk) + 1;
  const maxDepth = sink.maxDepth;
  const lines = new SourceLines(lazyPointers(chunk, lineOffset, maxDepth));
  emitObject({ object: value, lines, line, sink });
  return true;
}

/**
 * pointersOf on the first lookup. Made here, not in parseChunk: a closure keeps its whole scope (one V8
 * context), and parseChunk's holds the file's ParseSink, so one resource kept past its file (a
 * Service waiting for its workload, a finding's stand-in) kept every resource of the file alive.
 */
function lazyPointers(chunk: string, lineOffset: number, maxDepth: number): DocumentLines {
  return DocumentLines.fromText(
    chunk,
    (text) => pointersOf(text, lineOffset, maxDepth),
    lineOffset,
    (text, path) => scanPlainLinesAlong(text, lineOffset, path),
  );
}

/**
 * The field lines of a chunk's document (on a finding's first lookup): scanned from its lines, else
 * composed by the `yaml` package, whose code would otherwise run cold for the few documents with findings.
 */
function pointersOf(chunk: string, lineOffset: number, maxDepth: number): Record<string, number> {
  // Depth needs no check here: js-yaml read the document under a stricter limit.
  const scanned = scanPlainLines(chunk, lineOffset);
  if (scanned) return scanned;
  const lineCounter = new LineCounter();
  const lineAt: LineAt = (pos) => lineCounter.linePos(pos).line + lineOffset;
  for (const doc of parseAllDocuments(chunk, { ...KUBE_YAML_OPTIONS, lineCounter })) {
    if (isMap(doc.contents)) return parseNode(doc.contents, { lineAt, maxDepth }).pointers;
  }
  return {};
}

/** 0-based index of the chunk's first line with content (after its `---` marker, blanks and comments). */
function firstContentLine(chunk: string): number {
  let index = 0;
  for (let pos = 0; pos < chunk.length; index++) {
    let end = chunk.indexOf('\n', pos);
    if (end < 0) end = chunk.length;
    let text = chunk.slice(pos, end).trim();
    if (pos === 0 && text.startsWith('---')) text = text.slice(3).trim();
    if (text !== '' && !text.startsWith('#')) return index;
    pos = end + 1;
  }
  return 0;
}

/** Reads a stream with the `yaml` package; false when a document has a YAML error. */
function parseStreamWithYaml(source: string, lineOffset: number, sink: ParseSink): boolean {
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(source, { ...KUBE_YAML_OPTIONS, lineCounter });
  const lineAt: LineAt = (pos) => lineCounter.linePos(pos).line + lineOffset;
  let valid = true;
  let from = 0;
  for (const doc of docs) {
    // js-yaml refuses what go-yaml refuses; the yaml package lets these characters through.
    const bad = nonPrintableIn(source, from, doc.range[2]);
    from = doc.range[2];
    if (bad >= 0) {
      reportNonPrintable(source, bad, lineAt, sink);
      valid = false;
      continue;
    }
    if (doc.errors.length > 0) valid = false;
    const braces = source.indexOf('{{', doc.range[0]);
    parseDocument({ doc, lineAt, sink, source, templated: braces >= 0 && braces < doc.range[2] });
  }
  const trailing = nonPrintableIn(source, from, source.length);
  if (trailing >= 0) {
    reportNonPrintable(source, trailing, lineAt, sink);
    valid = false;
  }
  return valid;
}

/**
 * Characters a YAML stream may not hold (YAML 1.2's printable set, as js-yaml and go-yaml check it):
 * C0 controls but tab and line breaks, DEL, C1 controls but NEL, U+FFFE and U+FFFF.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is its purpose.
const NON_PRINTABLE = /[\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x84\x86-\x9F\uFFFE\uFFFF]/g;

/** Offset of the first character of `source[from, to)` that YAML does not allow, or -1. */
function nonPrintableIn(source: string, from: number, to: number): number {
  NON_PRINTABLE.lastIndex = from;
  const m = NON_PRINTABLE.exec(source);
  return m && m.index < to ? m.index : -1;
}

/** The document holding it is refused, as kubectl refuses it: its finding and no resource. */
function reportNonPrintable(source: string, at: number, lineAt: LineAt, sink: ParseSink): void {
  const code = `U+${source.charCodeAt(at).toString(16).toUpperCase().padStart(4, '0')}`;
  const written = `\\u${code.slice(2)}`;
  sink.report(
    'error',
    lineAt(at),
    `line ${lineAt(at)} holds the character ${code}, which YAML does not allow (kubectl refuses the document); remove it, or write it as "${written}" in a double-quoted string`,
  );
}

function parseDocument(args: {
  doc: Document.Parsed;
  lineAt: LineAt;
  sink: ParseSink;
  /** The text the document's offsets point into: an error's line is read from it. */
  source: string;
  /** The document holds `{{`: its errors say that a template is not YAML. */
  templated: boolean;
}): void {
  const { doc, lineAt, sink } = args;
  const hint = args.templated ? TEMPLATE_HINT : '';
  if (doc.errors.length > 0) {
    reportErrors(doc.errors, { doc, lineAt, sink, hint, source: args.source });
    return;
  }
  const contents = doc.contents;
  // Empty and comment-only documents, scalars and sequences are not Kubernetes objects.
  if (!isMap(contents)) return;
  const line = lineAt(contents.range[0]);
  const parsed = parseNode(contents, { lineAt, maxDepth: sink.maxDepth });
  if (parsed.tooDeep) {
    sink.report('error', line, `document nests deeper than ${sink.maxDepth} levels`);
    return;
  }
  if (parsed.collectionKeyLine !== undefined) {
    sink.report(
      'error',
      parsed.collectionKeyLine,
      `a map or list is used as a key here; Kubernetes objects are JSON, whose keys are strings, and kubectl refuses this document: write the key as a plain string${hint}`,
    );
    return;
  }
  let value = parsed.value;
  if (parsed.needsToJS) {
    value = resolveAliases(doc, line, sink);
    if (value === undefined) return;
  }
  if (isPlainObject(value)) {
    // Only a manifest's: other YAML beside manifests (an mkdocs.yml's `!!python/name:` tags) is skipped.
    if (Object.hasOwn(value, 'apiVersion') || Object.hasOwn(value, 'kind')) {
      for (const warning of doc.warnings)
        sink.report('warning', lineAt(warning.pos[0]), describeWarning(warning));
    }
    const lines = new SourceLines(DocumentLines.of(parsed.pointers));
    emitObject({ object: value, lines, line, sink });
  }
}

/** A YAML warning in words: an unknown tag by the name it is written with, and what to do. */
function describeWarning(warning: YAMLWarning): string {
  const tag = /^Unresolved tag: (.+)$/.exec(warning.message)?.[1];
  if (warning.code !== 'TAG_RESOLVE_FAILED' || tag === undefined) return `YAML: ${warning.message}`;
  const written = tag.startsWith('tag:yaml.org,2002:') ? `!!${tag.slice('tag:yaml.org,2002:'.length)}` : tag;
  return `unknown tag ${written}: its value is read as if untagged; remove the tag (Kubernetes objects are JSON, which has no tags)`;
}

/**
 * The first error of a document, then only further duplicate keys: later errors are usually cascades of
 * the first, duplicate keys are independent and each worth its own line.
 */
function reportErrors(
  errors: readonly YAMLError[],
  ctx: { doc: Document.Parsed; lineAt: LineAt; sink: ParseSink; hint: string; source: string },
) {
  let first = true;
  for (const err of errors) {
    if (!first && err.code !== 'DUPLICATE_KEY') continue;
    const line = ctx.lineAt(err.pos[0]);
    const text = lineTextAt(ctx.source, err.pos[0]);
    ctx.sink.report(
      'error',
      line,
      `${formatYamlError(err, ctx.doc, { line, text })}${first ? ctx.hint : ''}`,
    );
    first = false;
  }
}

/**
 * After the first error of a document that holds `{{`: a Go template (Helm's, a script's) in a plain
 * file is not YAML, and what YAML makes of it (a map as a key, an unclosed collection) does not say so.
 */
const TEMPLATE_HINT =
  ' ({{…}} is template syntax, not YAML: render the file first, as a Helm chart with a Chart.yaml, or keep it out of the target)';

/** The line of `source` holding `offset`. */
function lineTextAt(source: string, offset: number): string {
  const start = source.lastIndexOf('\n', offset - 1) + 1;
  const end = source.indexOf('\n', offset);
  return source.slice(start, end < 0 ? source.length : end);
}

function formatYamlError(err: YAMLError, doc: Document.Parsed, at: { line: number; text: string }): string {
  switch (err.code) {
    case 'DUPLICATE_KEY': {
      const key = keyAt(doc, err.pos[0]);
      const shown =
        key === undefined ? '' : ` ${JSON.stringify(key.length > 60 ? `${key.slice(0, 57)}...` : key)}`;
      return `duplicate key${shown} (a YAML map's keys must be unique)`;
    }
    case 'RESOURCE_EXHAUSTION':
      // yaml reports a stack overflow while composing deeply nested collections this way.
      return `document nests too deeply to parse (${firstLine(err.message)})`;
    default:
      return describeYamlError(err, at.line, at.text);
  }
}

/** The text of the scalar map key starting at `offset` (yaml points duplicate-key errors at the key). */
function keyAt(doc: Document.Parsed, offset: number): string | undefined {
  let found: string | undefined;
  visit(doc, {
    Pair(_, pair) {
      const key = pair.key as Node | null;
      if (key?.range?.[0] !== offset) return undefined;
      found = isScalar(key) ? String(key.value) : undefined;
      return visit.BREAK;
    },
  });
  return found;
}

/**
 * Aliases, merge keys and collection keys go through yaml's own toJS: it knows their semantics and enforces
 * `maxAliasCount` (the billion-laughs guard). Returns undefined after reporting when the document is refused.
 */
function resolveAliases(doc: Document.Parsed, line: number, sink: ParseSink): unknown {
  let shared: unknown;
  try {
    shared = doc.toJS({ maxAliasCount: sink.maxAliasCount });
  } catch (err) {
    // yaml throws ReferenceError for alias bombs and unresolved aliases (user input, so a finding).
    const message = err instanceof Error ? err.message : String(err);
    sink.report(
      'error',
      line,
      message.includes('resource exhaustion')
        ? `aliases expand more than ${sink.maxAliasCount} times (maxAliasCount): refused as a possible alias bomb`
        : `invalid YAML: ${firstLine(message)}`,
    );
    return undefined;
  }
  const expanded = expandAliases(shared, { maxDepth: sink.maxDepth, maxNodes: MAX_EXPANDED_NODES });
  if ('exceeded' in expanded) {
    sink.report(
      'error',
      line,
      expanded.exceeded === 'depth'
        ? `document nests deeper than ${sink.maxDepth} levels once aliases are expanded`
        : `aliases expand this document to more than ${MAX_EXPANDED_NODES} values: refused as a possible alias bomb`,
    );
    return undefined;
  }
  return expanded.value;
}

interface EmitArgs {
  object: Record<string, unknown>;
  lines: SourceLines;
  line: number;
  sink: ParseSink;
  /** Set for the items of a List: `items[3]`. */
  item?: string;
}

function emitObject(args: EmitArgs): void {
  const { object, lines, line, sink, item } = args;
  const hasApiVersion = Object.hasOwn(object, 'apiVersion');
  const hasKind = Object.hasOwn(object, 'kind');
  const what = item ?? 'document';
  if (!hasApiVersion && !hasKind) {
    // Plain YAML (values files, app config) next to manifests is normal; inside a List it is an error.
    if (item) sink.report('error', line, `${item} has no apiVersion and no kind`);
    // A document with metadata and a key one typo from apiVersion/kind is a manifest, not config.
    else {
      const misspelt = describeMisspeltIdentity(object);
      if (misspelt) sink.report('error', line, misspelt);
    }
    return;
  }
  if (isList(object)) {
    flattenList({ ...args, items: object.items });
    return;
  }
  const apiVersion = typeof object.apiVersion === 'string' ? object.apiVersion : '';
  const kind = typeof object.kind === 'string' ? object.kind : '';
  // Kept as written when both are strings (the schema then reports what the user wrote). Every reader
  // downstream takes kind and apiVersion as strings (KubeObject): one missing or of another type, which
  // is reported below and which kubectl cannot even decode, is kept as '' rather than as written.
  const typed = (
    object.apiVersion === apiVersion && object.kind === kind ? object : { ...object, apiVersion, kind }
  ) as KubeObject;
  const id = resourceIdOf(typed, sink.identity);
  // Named (formatResourceId) only for a finding: most documents have none.
  if (!hasApiVersion || !hasKind || apiVersion === '' || kind === '') {
    reportIdentity({ ...args, what, resource: formatResourceId(id), apiVersion, kind });
  }
  sink.resources.push({
    id,
    apiVersion,
    object: typed,
    file: sink.file,
    line,
    lines,
  });
}

/** The findings on a kind or apiVersion that is missing, empty or not a string. */
function reportIdentity(
  args: EmitArgs & { what: string; resource: string; apiVersion: string; kind: string },
): void {
  const { object, lines, line, sink, what, resource, apiVersion, kind } = args;
  const hasApiVersion = Object.hasOwn(object, 'apiVersion');
  const hasKind = Object.hasOwn(object, 'kind');
  if (!hasApiVersion && (object.kind === null || object.kind === '')) {
    sink.report(
      'error',
      lines.lineOf('/kind') ?? line,
      `${what} has an empty kind and no apiVersion: set both (for example apiVersion: apps/v1, kind: Deployment)`,
    );
  } else if (!hasApiVersion) {
    const message = `${what} has kind but no apiVersion${misspeltHint(object, 'apiVersion')}`;
    sink.report('error', lines.lineOf('/kind') ?? line, message, resource);
  } else if (apiVersion === '' && (hasKind || typeof object.apiVersion === 'string')) {
    // A numeric apiVersion without a kind is another tool's file: said once, below.
    sink.report(
      'error',
      lines.lineOf('/apiVersion') ?? line,
      'apiVersion must be a non-empty string',
      resource,
    );
  }
  if (!hasKind) {
    const message = `${what} has apiVersion but no kind${misspeltHint(object, 'kind') || notAManifestHint(object)}`;
    sink.report('error', lines.lineOf('/apiVersion') ?? line, message, resource);
  } else if (kind === '') {
    const empty = object.kind === null || object.kind === '';
    const message = empty
      ? "kind is empty: set it to the object's type (for example Deployment, Service)"
      : 'kind must be a non-empty string';
    // Without apiVersion, an empty kind was reported above already.
    if (hasApiVersion || !empty) sink.report('error', lines.lineOf('/kind') ?? line, message, resource);
  }
}

/**
 * What a well-known file with an apiVersion but no kind is, when it is one: a Helm repository index
 * (`helm repo index` writes `apiVersion: v1`, `entries:` and `generated:`; chart repositories publish
 * it from docs/) or a chart's Chart.yaml. Argo CD skips such files in a directory app; kubectl apply
 * refuses them.
 */
function notAManifestHint(object: Record<string, unknown>): string {
  const isMap = (v: unknown) => typeof v === 'object' && v !== null && !Array.isArray(v);
  const what =
    isMap(object.entries) && Object.hasOwn(object, 'generated')
      ? 'a Helm repository index'
      : typeof object.name === 'string' &&
          Object.hasOwn(object, 'version') &&
          !Object.hasOwn(object, 'metadata')
        ? "a Helm chart's Chart.yaml"
        : typeof object.apiVersion === 'number'
          ? GRAFANA_PROVISIONING.some((key) => Object.hasOwn(object, key))
            ? 'a Grafana provisioning file (its apiVersion is a number)'
            : "another tool's file (its apiVersion is a number; a Kubernetes one is group/version, such as apps/v1)"
          : undefined;
  return what ? ` (this is ${what}, not a Kubernetes manifest: keep it out of the target's path)` : '';
}
/** Top-level keys of Grafana's provisioning files (dashboards, data sources, plugins, alerting). */
const GRAFANA_PROVISIONING = [
  'providers',
  'datasources',
  'deleteDatasources',
  'apps',
  'notifiers',
  'contactPoints',
  'policies',
  'muteTimes',
  'templates',
  'groups',
];

/** ` (is "apiVerison" a misspelling?)` when a key of `object` is close to the missing `key`. */
function misspeltHint(object: Record<string, unknown>, key: string): string {
  const near = closestMatch(key, Object.keys(object));
  return near === undefined ? '' : ` (is "${near}" a misspelling?)`;
}

/** kubectl flattens `v1 List` and typed lists (`DeploymentList`, …): any `*List` kind with an `items` array. */
function isList(object: Record<string, unknown>): object is Record<string, unknown> & { items: unknown[] } {
  return typeof object.kind === 'string' && object.kind.endsWith('List') && Array.isArray(object.items);
}

function flattenList(args: EmitArgs & { items: unknown[] }): void {
  const { items, lines, line, sink } = args;
  items.forEach((entry, i) => {
    const itemLine = lines.lineOf(`/items/${i}`) ?? line;
    const name = `${args.item ? `${args.item}.` : ''}items[${i}]`;
    if (!isPlainObject(entry)) {
      sink.report('error', itemLine, `${name} is not an object`);
      return;
    }
    emitObject({ object: entry, lines: lines.within(`/items/${i}`), line: itemLine, sink, item: name });
  });
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * YAML allows a byte-order mark at the start of every document, and files concatenated from editors that
 * write one carry it mid-stream, where yaml would make it part of the first key. Lone CRs (classic Mac
 * line ends) are line breaks to YAML 1.2 and go-yaml but not to the yaml package. Both replacements keep
 * line numbers.
 */
function normaliseText(text: string): string {
  let out = text;
  if (out.includes('\uFEFF')) out = out.replace(/(^|\n)\uFEFF+/g, '$1');
  if (out.includes('\r')) out = out.replace(/\r(?!\n)/g, '\n');
  return out;
}

/** The UTF-8 length of `text` when it is over `max`, else undefined; exact only when it matters. */
function utf8LengthOver(text: string, max: number): number | undefined {
  // Every UTF-16 unit is 1..3 UTF-8 bytes (a surrogate pair, two units, is 4).
  if (text.length * 3 <= max) return undefined;
  const bytes = utf8Length(text);
  return bytes > max ? bytes : undefined;
}

/** `34603095 bytes (33.0 MiB)`: exact, and in the unit the setting (`maxRenderMiB`) is written in. */
function formatFileSize(bytes: number): string {
  return bytes >= MIB ? `${bytes} bytes (${(bytes / MIB).toFixed(1)} MiB)` : `${bytes} bytes`;
}

/** `32 MiB` for a whole number of MiB (every limit a user sets), else `100-byte`. */
function formatSizeLimit(bytes: number): string {
  return bytes % MIB === 0 ? formatBytes(bytes) : `${bytes}-byte`;
}

function firstLine(message: string): string {
  return message.split('\n')[0] ?? message;
}

/** True for an object with non-empty string apiVersion and kind. */
export function isKubeObject(value: unknown): value is KubeObject {
  if (!isPlainObject(value)) return false;
  return (
    typeof value.apiVersion === 'string' &&
    typeof value.kind === 'string' &&
    value.apiVersion !== '' &&
    value.kind !== ''
  );
}
