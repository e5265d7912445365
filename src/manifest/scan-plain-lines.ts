import { quotedEnd } from './quoted-end.ts';

/**
 * The field lines of a plain block-style document (what the fast path of parseManifests reads), found by
 * scanning its lines instead of composing it with the `yaml` package: JSON pointer → 1-based line of
 * each map key and sequence item, as `parseNode` gives them. Composing the few documents that have a
 * finding cost more than validating all the others (the `yaml` package's code runs cold there).
 *
 * Only the shapes manifests are written in are read: block maps and sequences, plain keys that are
 * strings in YAML 1.1, quoted keys without escapes, one-line scalars and flow collections, block
 * scalars. Anything else (multi-line plain or quoted scalars and flow collections, `-` alone on a line,
 * keys YAML 1.1 reads as booleans or numbers, tabs, CRs, …) returns undefined and the caller composes
 * the document. A differential test holds the result to the `yaml` package's.
 */
export function scanPlainLines(chunk: string, lineOffset: number): Record<string, number> | undefined {
  const track = new AllPointers();
  return scanWith(chunk, lineOffset, track) ? track.pointers : undefined;
}

/**
 * The lines of one pointer and its ancestors, as scanPlainLines would give them, without building the
 * document's whole map: `path` is the pointer's keys (parsePointer), and the answer holds at index
 * `k - 1` the line of the pointer made of its first `k` keys (undefined where the document has no such
 * field). The whole document is still read, so a document scanPlainLines refuses is refused here too
 * (undefined). A finding needs one field's line; the map of every field (~45 pointer strings in a
 * 40-line manifest, kept as long as the resource) cost more than the scan, and memory beside.
 */
export function scanPlainLinesAlong(
  chunk: string,
  lineOffset: number,
  path: readonly string[],
): (number | undefined)[] | undefined {
  const track = new AlongPath(path);
  return scanWith(chunk, lineOffset, track) ? track.lines : undefined;
}

/** Whether the scan reads the whole document, telling `track` what it finds. */
function scanWith<S>(chunk: string, lineOffset: number, track: Track<S>): boolean {
  if (chunk.includes('\t') || chunk.includes('\r')) return false;
  return new LineScan(chunk.split('\n'), lineOffset, track).document();
}

/**
 * What the scan does with each key and item it reads: `S` stands for where it is in the document
 * (a JSON pointer, or how far along one path).
 */
interface Track<S> {
  readonly root: S;
  /** Where a map key `name` of `parent` is. */
  key(parent: S, name: string): S;
  /** Where item `index` of `parent` is. */
  item(parent: S, index: number): S;
  /** The key or item at `at` is on `line`. */
  record(at: S, line: number): void;
}

/** Every pointer → line. */
class AllPointers implements Track<string> {
  readonly pointers: Record<string, number> = {};
  readonly root = '';
  key(parent: string, name: string): string {
    return `${parent}/${escapeToken(name)}`;
  }
  item(parent: string, index: number): string {
    return `${parent}/${index}`;
  }
  record(at: string, line: number): void {
    this.pointers[at] = line;
  }
}

/** The lines along one path: where is the number of its keys matched so far, -1 off the path. */
class AlongPath implements Track<number> {
  readonly lines: (number | undefined)[];
  readonly root = 0;
  constructor(private readonly path: readonly string[]) {
    this.lines = path.map(() => undefined);
  }
  key(parent: number, name: string): number {
    return parent >= 0 && parent < this.path.length && this.path[parent] === name ? parent + 1 : -1;
  }
  item(parent: number, index: number): number {
    return parent >= 0 && parent < this.path.length && this.path[parent] === String(index) ? parent + 1 : -1;
  }
  record(at: number, line: number): void {
    if (at > 0) this.lines[at - 1] = line;
  }
}

/** Plain keys that are strings to every YAML 1.1 resolver (no booleans, nulls or numbers). */
const PLAIN_KEY = /^([A-Za-z_][A-Za-z0-9_./-]*):(?= |$)/;
const NOT_A_STRING =
  /^(?:[yYnN]|[Yy]es|YES|[Nn]o|NO|[Tt]rue|TRUE|[Ff]alse|FALSE|[Oo]n|ON|[Oo]ff|OFF|[Nn]ull|NULL)$/;
const QUOTED_KEY = /^(?:"([^"\\]*)"|'([^']*)'):(?= |$)/;
const BLOCK_SCALAR_HEADER = /^[|>][-+]?(?: +#.*)?$/;
/** A trailing comment or nothing. */
const TRIVIA_REST = /^ *(?:#.*)?$/;
/** Where a plain scalar's first character would make it something else (YAML 1.2 §7.3.3, c-indicator). */
const PLAIN_UNSAFE_START = /^(?:[&*!|>%@`'"{}[\],#]|[-?:](?: |$))/;
const FLOW_PLAIN = /^[^,[\]{}:#'"]+/;

interface Key {
  name: string;
  /** Index in the line's content just after the `:`. */
  after: number;
}

class LineScan<S> {
  /** Index of the next line to read. */
  private at = 0;

  constructor(
    private readonly lines: readonly string[],
    private readonly lineOffset: number,
    private readonly track: Track<S>,
  ) {}

  document(): boolean {
    const first = this.lines[0] ?? '';
    if (first.startsWith('---')) this.at = 1;
    const j = this.nextContent();
    if (j >= this.lines.length) return false;
    const indent = indentOf(this.line(j));
    if (!this.blockMap(indent, this.track.root)) return false;
    return this.nextContent() >= this.lines.length;
  }

  private line(j: number): string {
    return this.lines[j] ?? '';
  }

  /** Index of the next line with content (blank and comment-only lines skipped), from `at`. */
  private nextContent(): number {
    let j = this.at;
    while (j < this.lines.length) {
      const text = this.line(j).trimStart();
      if (text !== '' && !text.startsWith('#')) break;
      j++;
    }
    this.at = j;
    return j;
  }

  private blockMap(indent: number, pointer: S): boolean {
    for (;;) {
      const j = this.nextContent();
      if (j >= this.lines.length) return true;
      const line = this.line(j);
      const ind = indentOf(line);
      if (ind < indent) return true;
      if (ind > indent) return false;
      const content = line.slice(ind);
      const key = keyOf(content);
      if (!key) return false;
      if (!this.entry({ key, content, j, indent: ind, pointer })) return false;
    }
  }

  /** One `key: value` of a block map whose keys sit at column `indent`; the key is on line `j`. */
  private entry(args: { key: Key; content: string; j: number; indent: number; pointer: S }): boolean {
    const { key, content, j, indent } = args;
    const child = this.track.key(args.pointer, key.name);
    this.track.record(child, j + 1 + this.lineOffset);
    this.at = j + 1;
    return this.value({ rest: content.slice(key.after), j, indent, pointer: child, compactSeq: true });
  }

  private blockSeq(indent: number, pointer: S): boolean {
    for (let index = 0; ; index++) {
      const j = this.nextContent();
      if (j >= this.lines.length) return true;
      const line = this.line(j);
      const ind = indentOf(line);
      if (ind < indent) return true;
      if (ind > indent) return false;
      const content = line.slice(ind);
      // A key at the sequence's column ends a compact sequence (`key:` then `- item` at the key's column).
      if (!content.startsWith('- ')) return Boolean(keyOf(content));
      let col = 1;
      while (content.charCodeAt(col) === 32) col++;
      const rest = content.slice(col);
      if (TRIVIA_REST.test(rest) || rest === '-' || rest.startsWith('- ')) return false;
      const child = this.track.item(pointer, index);
      this.track.record(child, j + 1 + this.lineOffset);
      this.at = j + 1;
      const key = keyOf(rest);
      if (key === null) return false;
      if (key === undefined) {
        if (!this.value({ rest: ` ${rest}`, j, indent, pointer: child, compactSeq: false })) return false;
        continue;
      }
      // A map starting on the item's line: its keys sit at the first key's column.
      const mapIndent = ind + col;
      if (!this.entry({ key, content: rest, j, indent: mapIndent, pointer: child })) return false;
      if (!this.blockMap(mapIndent, child)) return false;
    }
  }

  /**
   * What follows `key:` (or `- `) on line `j`, and the lines it takes; `indent` is the column of the
   * collection holding it. `compactSeq`: a sequence may start at `indent` itself (map values only).
   */
  private value(args: { rest: string; j: number; indent: number; pointer: S; compactSeq: boolean }): boolean {
    const { rest, j, indent, pointer } = args;
    const text = rest.trimStart();
    if (text === '' || text.startsWith('#')) return this.nested(indent, pointer, args.compactSeq);
    if (BLOCK_SCALAR_HEADER.test(text)) {
      // Content lines are those more indented than the collection, and blank lines among them.
      while (this.at < this.lines.length) {
        const next = this.line(this.at);
        if (next.trim() !== '' && indentOf(next) <= indent) break;
        this.at++;
      }
      return true;
    }
    const end = this.inlineEnd(text, pointer, j + 1 + this.lineOffset);
    if (end < 0 || !TRIVIA_REST.test(text.slice(end))) return false;
    // A scalar continued on a more indented line is a multi-line scalar: not read here.
    const k = this.nextContent();
    return k >= this.lines.length || indentOf(this.line(k)) <= indent;
  }

  /** A value on the lines after its key: a block map or sequence, or nothing (null). */
  private nested(indent: number, pointer: S, compactSeq: boolean): boolean {
    const k = this.nextContent();
    if (k >= this.lines.length) return true;
    const next = this.line(k);
    const ind = indentOf(next);
    const content = next.slice(ind);
    const isItem = content.startsWith('- ');
    if (ind > indent) {
      if (isItem) return this.blockSeq(ind, pointer);
      return keyOf(content) ? this.blockMap(ind, pointer) : false;
    }
    if (ind === indent && isItem) return compactSeq ? this.blockSeq(ind, pointer) : false;
    return content !== '-';
  }

  /** The end of a one-line scalar or flow collection starting `text`, or -1. */
  private inlineEnd(text: string, pointer: S, line: number): number {
    if (text.startsWith('"') || text.startsWith("'")) return quotedEnd(text, 0);
    if (text.startsWith('{') || text.startsWith('[')) return this.flow(text, 0, pointer, line);
    if (PLAIN_UNSAFE_START.test(text) || text.includes(': ') || /:(?: *#.*)?$/.test(text)) return -1;
    return text.length;
  }

  /** A one-line flow collection or scalar at `pos`: the index after it, or -1. */
  private flow(text: string, start: number, pointer: S, line: number): number {
    let pos = skipSpaces(text, start);
    const open = text[pos];
    if (open === '"' || open === "'") return quotedEnd(text, pos);
    if (open !== '[' && open !== '{') {
      const plain = FLOW_PLAIN.exec(text.slice(pos))?.[0].trimEnd() ?? '';
      if (plain === '' || PLAIN_UNSAFE_START.test(plain)) return -1;
      return pos + plain.length;
    }
    const close = open === '[' ? ']' : '}';
    pos = skipSpaces(text, pos + 1);
    if (text[pos] === close) return pos + 1;
    for (let index = 0; ; index++) {
      let child: S;
      if (open === '{') {
        const key = keyOf(text.slice(pos));
        if (!key) return -1;
        child = this.track.key(pointer, key.name);
        pos += key.after;
        if (text[pos] !== ' ') return -1;
      } else child = this.track.item(pointer, index);
      this.track.record(child, line);
      pos = this.flow(text, pos, child, line);
      if (pos < 0) return -1;
      pos = skipSpaces(text, pos);
      if (text[pos] === close) return pos + 1;
      if (text[pos] !== ',') return -1;
      pos = skipSpaces(text, pos + 1);
      if (text[pos] === close || text[pos] === ',') return -1;
    }
  }
}

/**
 * The key a line's content starts with; undefined when it has no `key: ` shape at all (a scalar),
 * null when it may be a key this scan does not read.
 */
function keyOf(content: string): Key | null | undefined {
  const plain = PLAIN_KEY.exec(content);
  if (plain) {
    const name = plain[1] ?? '';
    return NOT_A_STRING.test(name) ? null : { name, after: plain[0].length };
  }
  const quoted = QUOTED_KEY.exec(content);
  if (quoted) return { name: quoted[1] ?? quoted[2] ?? '', after: quoted[0].length };
  // A flow collection or quoted scalar followed by `:` is a key the value's scan refuses.
  if (/^["'{[]/.test(content)) return undefined;
  return content.includes(':') ? null : undefined;
}

function skipSpaces(text: string, pos: number): number {
  let i = pos;
  while (text.charCodeAt(i) === 32) i++;
  return i;
}

function indentOf(line: string): number {
  let i = 0;
  while (line.charCodeAt(i) === 32) i++;
  return i;
}

/** RFC 6901: `~` → `~0`, `/` → `~1`. */
function escapeToken(token: string): string {
  if (!token.includes('~') && !token.includes('/')) return token;
  return token.replaceAll('~', '~0').replaceAll('/', '~1');
}
