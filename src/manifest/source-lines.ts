import { detachedString } from './detached.ts';

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
  #text: { text: string; compute: (text: string) => Readonly<Record<string, number>> } | undefined;

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

  /** Lines computed from the document's `text` on the first lookup (it must not throw). */
  static fromText(text: string, compute: (text: string) => Readonly<Record<string, number>>): DocumentLines {
    const lines = new DocumentLines(undefined, undefined);
    lines.#text = { text, compute };
    return lines;
  }

  /**
   * The same lines, holding a copy of the document's text instead of the text itself, which is a view of
   * its whole file's (V8 keeps a substring's string alive): a resource kept past its file would
   * otherwise keep the file (detached.ts). Already computed lines hold no text.
   */
  detached(): DocumentLines {
    if (this.#pointers !== undefined || this.#text === undefined) return this;
    return DocumentLines.fromText(detachedString(this.#text.text), this.#text.compute);
  }

  lineOf(pointer: string): number | undefined {
    return this.all()[pointer];
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
    if (this.#text === undefined || !pointer.startsWith('/metadata/')) return undefined;
    const { text, compute } = this.#text;
    const start = text.startsWith('metadata:') ? 0 : text.indexOf('\nmetadata:') + 1;
    if (start === 0 && !text.startsWith('metadata:')) return undefined;
    const lineEnd = text.indexOf('\n', start);
    if (lineEnd < 0) return compute(text)[pointer];
    // The block ends where a line starts at column 0 with anything but a comment.
    const next = /\n(?=[^ #\n])/g;
    next.lastIndex = lineEnd;
    const end = next.exec(text)?.index ?? text.length;
    return compute(text.slice(0, end))[pointer];
  }

  all(): Readonly<Record<string, number>> {
    if (this.#pointers === undefined) {
      this.#pointers = this.#compute?.() ?? this.#text?.compute(this.#text.text) ?? {};
      this.#compute = undefined;
      this.#text = undefined;
    }
    return this.#pointers;
  }
}
