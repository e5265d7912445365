import { countNewlines } from './count-newlines.ts';
import { detachedString } from './detached.ts';
import { parsePointer } from './line-of.ts';

/**
 * The lines along one pointer's path (at index `k - 1`, the line of the pointer made of its first `k`
 * keys), computed from a document's text without its whole map; undefined when it cannot say (the
 * whole map is computed instead). scanPlainLinesAlong is one.
 */
export type LinesAlong = (text: string, path: readonly string[]) => (number | undefined)[] | undefined;

/** How many pointers of one document are looked up along their paths before its whole map is made. */
const MAX_LOOKUPS_ALONG = 4;

/**
 * Lines of a resource's fields, looked up by JSON pointer (`/spec/template/spec/containers/0/image`).
 *
 * Computing them means scanning the document's lines (scanPlainLines) or, for what that scan does not
 * read, composing the document with the `yaml` package and walking every node, which
 * costs more than parsing it; most documents never have a finding. So a document read by the fast path
 * keeps only its own text, and the map is built on the first lookup (once per document, shared by the
 * items of a List). Documents read by the `yaml` package already have the map.
 */
export class SourceLines {
  readonly #document: DocumentLines;
  readonly #prefix: string;

  constructor(document: DocumentLines, prefix = '') {
    this.#document = document;
    this.#prefix = prefix;
  }

  /** The 1-based line of the key or item at `pointer` (relative to this resource), if known. */
  lineOf(pointer: string): number | undefined {
    return this.#document.lineOf(this.#prefix + pointer);
  }

  /** Every pointer (relative to this resource) → line: computes the document's map. */
  all(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [pointer, line] of Object.entries(this.#document.all())) {
      if (this.#prefix === '') out[pointer] = line;
      else if (pointer === this.#prefix || pointer.startsWith(`${this.#prefix}/`))
        out[pointer.slice(this.#prefix.length)] = line;
    }
    return out;
  }

  /** FieldLines.peekMetadata: only for a document's own object (not a List's item). */
  peekMetadata(pointer: string): number | undefined {
    return this.#prefix === '' ? this.#document.peekMetadata(pointer) : undefined;
  }

  /** The lines of a part of this resource (a List's item: `/items/3`). */
  within(pointer: string): SourceLines {
    return new SourceLines(this.#document, this.#prefix + pointer);
  }

  /** The same lines for what outlives its file (standInFor): see DocumentLines.detached. */
  detached(): SourceLines {
    const document = this.#document.detached();
    return document === this.#document ? this : new SourceLines(document, this.#prefix);
  }
}

/** Pointer → line for one YAML document, given or computed on first use. */
export class DocumentLines {
  #pointers: Readonly<Record<string, number>> | undefined;
  #compute: (() => Readonly<Record<string, number>>) | undefined;
  /** The text fromText computes from, until it has. */
  #text: LinesText | undefined;
  /** Lines found along single pointers' paths (LinesAlong), before the whole map is made. */
  #along: Map<string, number | undefined> | undefined;
  /** How many LinesAlong scans made them. */
  #scans = 0;

  private constructor(
    pointers: Readonly<Record<string, number>> | undefined,
    compute: (() => Readonly<Record<string, number>>) | undefined,
  ) {
    this.#pointers = pointers;
    this.#compute = compute;
  }

  static of(pointers: Readonly<Record<string, number>>): DocumentLines {
    return new DocumentLines(pointers, undefined);
  }

  /** `compute` runs at most once, on the first lookup; it must not throw. */
  static lazy(compute: () => Readonly<Record<string, number>>): DocumentLines {
    return new DocumentLines(undefined, compute);
  }

  /**
   * Lines computed from the document's `text` on the first lookup (it must not throw). `before`, the
   * line before the text's first, lets peekMetadata count a key's line without computing. With
   * `along`, the first few lookups find only their pointer's line (and its ancestors'), as `compute`
   * would; the whole map is made when `along` cannot say, for all(), or after MAX_LOOKUPS_ALONG of them.
   */
  static fromText(
    text: string,
    compute: (text: string) => Readonly<Record<string, number>>,
    before?: number,
    along?: LinesAlong,
  ): DocumentLines {
    const lines = new DocumentLines(undefined, undefined);
    lines.#text = { text, compute, before, along };
    return lines;
  }

  /**
   * The same lines, holding a copy of the document's text instead of the text itself, which is a view of
   * its whole file's (V8 keeps a substring's string alive): a resource kept past its file would
   * otherwise keep the file (detached.ts). Already computed lines hold no text.
   */
  detached(): DocumentLines {
    if (this.#pointers !== undefined || this.#text === undefined) return this;
    const { text, compute, before, along } = this.#text;
    const copy = DocumentLines.fromText(detachedString(text), compute, before, along);
    copy.#along = this.#along;
    copy.#scans = this.#scans;
    return copy;
  }

  lineOf(pointer: string): number | undefined {
    const along = this.#lineAlong(pointer);
    return along === UNKNOWN ? this.all()[pointer] : along;
  }

  /** The line of `pointer` from a LinesAlong lookup (or one made before), or UNKNOWN. */
  #lineAlong(pointer: string): number | undefined | typeof UNKNOWN {
    const text = this.#text;
    if (this.#pointers !== undefined || text?.along === undefined || !pointer.startsWith('/')) return UNKNOWN;
    const known = this.#along;
    if (known?.has(pointer)) return known.get(pointer);
    if (this.#scans >= MAX_LOOKUPS_ALONG) return UNKNOWN;
    this.#scans++;
    const path = parsePointer(pointer);
    const lines = text.along(text.text, path);
    if (lines === undefined) {
      // Not for this document: every lookup makes the whole map.
      text.along = undefined;
      return UNKNOWN;
    }
    const map = known ?? new Map<string, number | undefined>();
    this.#along = map;
    // Each ancestor too: a finding on a field that is not there looks up its parents next (locationOf).
    let end = 0;
    for (let k = 0; k < path.length; k++) {
      end = pointer.indexOf('/', end + 1);
      map.set(end < 0 ? pointer : pointer.slice(0, end), lines[k]);
    }
    return lines[path.length - 1];
  }

  /**
   * The line of a `/metadata/…` pointer from the document's head: its text up to the end of a block
   * `metadata:` at the top level (apiVersion, kind and metadata come first in nearly every manifest),
   * computed as the whole would be but over those few lines, so a rule that needs every object's name
   * line (duplicate-resource) does not build each document's map. Undefined when the head does not
   * say (no such block, flow style, a computed or lazily mapped document not read from text).
   */
  peekMetadata(pointer: string): number | undefined {
    if (this.#pointers !== undefined) return this.#pointers[pointer];
    if (this.#along?.has(pointer)) return this.#along.get(pointer);
    if (this.#text === undefined || !pointer.startsWith('/metadata/')) return undefined;
    const { text, compute, before } = this.#text;
    const start = text.startsWith('metadata:') ? 0 : text.indexOf('\nmetadata:') + 1;
    if (start === 0 && !text.startsWith('metadata:')) return undefined;
    const lineEnd = text.indexOf('\n', start);
    if (lineEnd < 0) return compute(text)[pointer];
    // The block ends where a line starts at column 0 with anything but a comment.
    const next = /\n(?=[^ #\r\n])/g;
    next.lastIndex = lineEnd;
    const end = next.exec(text)?.index ?? text.length;
    const counted = before === undefined ? undefined : countKeyLine(text, { start, lineEnd, end, pointer });
    if (counted !== undefined && before !== undefined) return before + 1 + counted;
    return compute(text.slice(0, end))[pointer];
  }

  all(): Readonly<Record<string, number>> {
    if (this.#pointers === undefined) {
      this.#pointers = this.#compute?.() ?? this.#text?.compute(this.#text.text) ?? {};
      this.#compute = undefined;
      this.#text = undefined;
      this.#along = undefined;
    }
    return this.#pointers;
  }
}

interface LinesText {
  text: string;
  compute: (text: string) => Readonly<Record<string, number>>;
  /** The line before the text's first (its first line is `before + 1`), when known. */
  before: number | undefined;
  along: LinesAlong | undefined;
}

const UNKNOWN = Symbol('unknown');

/**
 * The 0-based line of `/metadata/<key>` in a block `metadata:` from `start` (its line ending at
 * `lineEnd`) to `end`, by counting lines: the key is the line at the block's own indentation that
 * starts `<key>:`. Every other line there is a key of its own or text indented past it (a block or
 * folded scalar goes past its key; what js-yaml reads apart from the yaml package is not on this path,
 * ADR 0002). Undefined for anything else (a flow `metadata: {…}`, a quoted or odd key, a line less
 * indented than the first): the caller computes the head's lines instead.
 */
function countKeyLine(
  text: string,
  at: { start: number; lineEnd: number; end: number; pointer: string },
): number | undefined {
  const key = at.pointer.slice('/metadata/'.length);
  if (!/^[A-Za-z][A-Za-z0-9]*$/.test(key)) return undefined;
  if (!/^metadata:[ \t]*(?:#.*)?\r?$/.test(text.slice(at.start, at.lineEnd))) return undefined;
  let line = countNewlines(text, 0, at.start) + 1;
  let indent = -1;
  for (let pos = at.lineEnd + 1; pos < at.end; line++) {
    let stop = text.indexOf('\n', pos);
    if (stop < 0 || stop > at.end) stop = at.end;
    let i = pos;
    while (i < stop && text.charCodeAt(i) === 32) i++;
    const c = text.charCodeAt(i);
    if (i < stop && c !== 35 && !(c === 13 && i + 1 === stop)) {
      if (indent < 0) indent = i - pos;
      if (i - pos < indent) return undefined;
      if (i - pos === indent && text.startsWith(key, i) && text.charCodeAt(i + key.length) === 58) {
        const after = text.charCodeAt(i + key.length + 1);
        if (i + key.length + 1 >= stop || after === 32 || after === 13) return line;
      }
    }
    pos = stop + 1;
  }
  return undefined;
}
