import { quoteCloseFrom, quotedEnd } from './quoted-end.ts';

/**
 * Whether a document has lines js-yaml reads where the `yaml` package (the reference, ADR 0002) reports
 * an error, decided line by line outside block scalars:
 *
 * - a quoted scalar or flow collection that runs past its line: js-yaml takes the later lines at any
 *   indentation, `yaml` (and YAML 1.2 §7) wants them indented past the block collection around them
 *   (`a: [\nb]`, `x:\n  y: "a\n  b"`);
 * - an empty block sequence item (`-` alone): js-yaml takes a less indented `-` after it as its sibling
 *   (`x:\n  y:\n    -\n  - b`);
 * - a block scalar at the document's root, which `yaml` reads to the end of the stream and js-yaml does not.
 *
 * Found by the differential fuzz of the fast path. It must never say false where such a line is there;
 * saying true of a plain document only sends it the `yaml` way (slower, same result). So whatever this
 * scanner does not read exactly (an explicit indentation indicator, a root scalar, text after a closed
 * quote or collection) is counted as odd. Anchors, tags, complex and collection keys, tabs in
 * indentation and glued comments are odd before this runs (`isOddDocument`).
 */
export function hasOddLines(chunk: string): boolean {
  // Only lines with a quote, bracket, block scalar indicator, reserved character or trailing `-` can be
  // odd: each is read whole, and a block scalar's lines are skipped (its text is not YAML structure).
  const candidates = CANDIDATE;
  candidates.lastIndex = 0;
  // test, not exec: no match object per line. Every match ends on its own line (none spans a \n).
  while (candidates.test(chunk)) {
    const last = candidates.lastIndex - 1;
    const lineStart = chunk.lastIndexOf('\n', last - 1) + 1;
    const end = lineEnd(chunk, last);
    const i = skipIndent(chunk, lineStart, end);
    if (chunk.charCodeAt(i) === HASH) {
      const next = afterComments(chunk, end + 1, i - lineStart);
      if (next < 0) return true;
      candidates.lastIndex = next;
      continue;
    }
    const verdict = readLine(chunk, i, end, lineStart);
    if (verdict === ODD) return true;
    const next = verdict >= 0 ? endOfBlockScalar(chunk, end + 1, verdict) : end + 1;
    if (next < 0) return true;
    candidates.lastIndex = next;
  }
  return false;
}

/**
 * Where to look: a quote, bracket or brace, `|`, `>`, a reserved character, a `#` (a comment line, or an
 * empty item before a comment), or a `-` ending its line. One character class and one alternative:
 * V8 scans this ~1.5× faster than with an alternative per kind of line.
 */
const CANDIDATE = /["'[{|>%@`#]|-[ \t\r]*$/gm;

/**
 * Past a comment (at `commentIndent`) and the blank and comment lines after it: the start of the next
 * line with content, or -1 when that line is more indented than the least indented of those comments
 * and a plain scalar: a key's value on its own line after a less indented comment, which the `yaml`
 * package may refuse ("Implicit keys need to be on a single line" for `b:\n#a\n    x\nc: 1`) and
 * js-yaml reads. A run of comments is read once (one call per comment line made a long commented-out
 * block quadratic: 200,000 comment lines ran for minutes).
 */
function afterComments(chunk: string, from: number, commentIndent: number): number {
  let least = commentIndent;
  let at = from;
  while (at < chunk.length) {
    const end = lineEnd(chunk, at);
    const i = skipIndent(chunk, at, end);
    if (isBlankFrom(chunk, i, end)) {
      at = end + 1;
      continue;
    }
    if (chunk.charCodeAt(i) === HASH) {
      least = Math.min(least, i - at);
      at = end + 1;
      continue;
    }
    return isPlainValueLine(chunk, i, end, i - at > least) ? -1 : at;
  }
  return chunk.length;
}

/** A line (content from `i`) more indented than a comment before it that is a plain scalar. */
function isPlainValueLine(chunk: string, i: number, end: number, deeper: boolean): boolean {
  if (!deeper) return false;
  const c = chunk.charCodeAt(i);
  if (isFlowStart(c) || isBlockIndicator(c) || isNodeProperty(c)) return false;
  if (c === DASH && isSpaceOrEnd(chunk, i + 1, end)) return false;
  return afterPlainKey(chunk, i, end) < 0;
}

/**
 * Whether a document that isOddDocument's quick expressions flagged (a `&`, `*`, `!`, `?`, `<<`, `#` or
 * `:` somewhere) has a construct js-yaml reads differently from the `yaml` package, decided by reading
 * every line: the expressions look at the whole text, so a CRD whose descriptions say "in *any*
 * namespace", a CEL rule `'has(self.a) ? 1 : 0'` or a shell command `a && b` went the `yaml` way (about
 * five times slower) though none of it is YAML structure. Here those characters count only where a node
 * or a key starts; quoted, block and plain scalars (over several lines too) and comments are text.
 *
 * As hasOddLines, it must never say false where such a construct is there; whatever it does not read
 * exactly is odd: a key that is empty, a null word, `<<`, ends in a space or an indicator; a node
 * property or reserved indicator where a node starts; a flow collection over several lines or with a
 * property, a null, merge or collection key inside; a quoted or plain scalar whose later lines are not
 * indented past its key or item, or that a comment or `: ` cuts; a double-quoted line break escaped.
 */
export function hasOddStructure(chunk: string): boolean {
  const state = new LineState();
  let at = 0;
  while (at < chunk.length) {
    const end = lineEnd(chunk, at);
    const i = skipIndent(chunk, at, end);
    if (isBlankFrom(chunk, i, end)) {
      at = end + 1;
      continue;
    }
    const indent = i - at;
    let next = end + 1;
    if (state.mode === QUOTED) {
      if (indent <= state.owner || !readQuotedLine(chunk, i, end, state)) return true;
    } else if (state.mode === PLAIN && indent > state.owner) {
      // A later line of a plain scalar: text, unless it could be read as structure.
      if (state.cut || plainTail(chunk, i, end) !== 0 || isIndicatorAt(chunk, i, end)) return true;
    } else {
      const verdict = readStructureLine(chunk, i, end, at, state);
      if (verdict === ODD) return true;
      if (verdict >= 0) {
        next = endOfBlockScalar(chunk, end + 1, verdict);
        if (next < 0) return true;
      }
    }
    at = next;
  }
  return state.mode === QUOTED;
}

/** hasOddStructure: the line is structure. */
const NONE = 0;
/** hasOddStructure: inside a quoted scalar that runs past its line. */
const QUOTED = 1;
/** hasOddStructure: after a plain scalar, whose later lines are indented past `owner`. */
const PLAIN = 2;

/** What hasOddStructure carries from one line to the next. */
class LineState {
  mode = NONE;
  /** QUOTED, PLAIN: the column of the key or `-` whose value the scalar is; later lines go past it. */
  owner = -1;
  /** QUOTED: the quote's character code. */
  quote = 0;
  /** PLAIN: a comment ended the scalar's line (a later line would be an error). */
  cut = false;
  /** The column of a key whose value starts on a later line (`key:` and nothing else), or -1. */
  openKey = -1;
  /** A comment line came after that key (a plain value after it: see isPlainAfterComment). */
  commentAfterKey = false;
}

/** A later line of a quoted scalar, from its first non-space `i`: false when odd. */
function readQuotedLine(chunk: string, i: number, end: number, state: LineState): boolean {
  const close = quoteCloseFrom(chunk, i, end, state.quote);
  if (close < 0) return !escapesLineBreak(chunk, i, end, state.quote);
  state.mode = NONE;
  return isClosedNode(chunk, close, end);
}

/**
 * One line outside any scalar, from its first non-space `i`: ODD, CLOSED, or the parent column of the
 * block scalar its header opens; `state` says what the next lines continue.
 */
function readStructureLine(
  chunk: string,
  i: number,
  end: number,
  lineStart: number,
  state: LineState,
): number {
  const openKey = state.openKey;
  const commentAfterKey = state.commentAfterKey;
  state.mode = NONE;
  if (chunk.charCodeAt(i) === HASH) {
    // A comment keeps the key before it open (its value may follow).
    state.commentAfterKey = openKey >= 0;
    return CLOSED;
  }
  state.openKey = -1;
  state.commentAfterKey = false;
  if (i === lineStart && chunk.startsWith('---', i)) return CLOSED;
  const item = skipDashes(chunk, i, end, lineStart);
  if (!item) return ODD;
  const { p, dash } = item;
  // The column a value starting here belongs to: the item's `-`, or a key on the line before.
  const owner = dash >= 0 ? dash : openKey >= 0 && i - lineStart > openKey ? openKey : -1;
  const c = chunk.charCodeAt(p);
  if (isQuote(c) || isOpener(c)) return readFlowStart(chunk, { p, end, lineStart, owner }, state);
  if (isBlockIndicator(c)) return dash >= 0 && isBlockHeader(chunk, p, end) ? dash : ODD;
  if (isNodeProperty(c)) return ODD;
  const value = afterPlainKey(chunk, p, end);
  if (value < 0) {
    // A plain scalar: an item, or the value of the key on the line before (not after a comment).
    if (owner < 0 || (dash < 0 && commentAfterKey)) return ODD;
    return startPlain(chunk, p, end, owner, state);
  }
  if (isOddKey(chunk, p, value - 1)) return ODD;
  return readStructureValue(chunk, skipSpaces(chunk, value, end), end, p - lineStart, state);
}

/**
 * A line whose node starts with a quote or bracket at `p`: a value (of its item or of the key on the
 * line before, `owner`), or a quoted key.
 */
function readFlowStart(
  chunk: string,
  at: { p: number; end: number; lineStart: number; owner: number },
  state: LineState,
): number {
  const { p, end, owner } = at;
  const quoted = isQuote(chunk.charCodeAt(p));
  const after = quoted ? quotedEnd(chunk, p, end) : skipFlow(chunk, p, end, true);
  if (after < 0) return quoted && owner >= 0 ? startQuoted(chunk, p, end, owner, state) : ODD;
  const k = skipSpaces(chunk, after, end);
  if (isTrivia(chunk, k, end)) return owner >= 0 && isClosedNode(chunk, after, end) ? CLOSED : ODD;
  // A quoted key (a collection as a key is odd).
  if (!quoted || k !== after || chunk.charCodeAt(k) !== COLON || !isSpaceOrEnd(chunk, k + 1, end)) return ODD;
  if (chunk.startsWith('<<', p + 1)) return ODD;
  return readStructureValue(chunk, skipSpaces(chunk, k + 1, end), end, p - at.lineStart, state);
}

/** A key's value from `v` (its key at `keyColumn`): ODD, CLOSED or a block scalar's parent column. */
function readStructureValue(
  chunk: string,
  v: number,
  end: number,
  keyColumn: number,
  state: LineState,
): number {
  if (isTrivia(chunk, v, end)) {
    state.openKey = keyColumn;
    return CLOSED;
  }
  const c = chunk.charCodeAt(v);
  if (isBlockIndicator(c)) return isBlockHeader(chunk, v, end) ? keyColumn : ODD;
  if (isQuote(c) || isOpener(c)) {
    const after = isQuote(c) ? quotedEnd(chunk, v, end) : skipFlow(chunk, v, end, true);
    if (after >= 0) return isClosedNode(chunk, after, end) ? CLOSED : ODD;
    return isQuote(c) ? startQuoted(chunk, v, end, keyColumn, state) : ODD;
  }
  if (isNodeProperty(c) || (c === DASH && isSpaceOrEnd(chunk, v + 1, end))) return ODD;
  return startPlain(chunk, v, end, keyColumn, state);
}

/** A quoted scalar opened at `p` that does not close on its line. */
function startQuoted(chunk: string, p: number, end: number, owner: number, state: LineState): number {
  const quote = chunk.charCodeAt(p);
  if (escapesLineBreak(chunk, p + 1, end, quote)) return ODD;
  state.mode = QUOTED;
  state.owner = owner;
  state.quote = quote;
  return CLOSED;
}

/** A plain scalar from `p` (not a key): ODD when `: ` cuts it, else it may go on below `owner`. */
function startPlain(chunk: string, p: number, end: number, owner: number, state: LineState): number {
  const tail = plainTail(chunk, p, end);
  if (tail < 0) return ODD;
  state.mode = PLAIN;
  state.owner = owner;
  state.cut = tail > 0;
  return CLOSED;
}

/** After a closed quoted scalar or flow collection at `after`: only spaces and a comment after a space. */
function isClosedNode(chunk: string, after: number, end: number): boolean {
  const k = skipSpaces(chunk, after, end);
  return isTrivia(chunk, k, end) && (k === end || k > after);
}

/** In a plain scalar from `p`: -1 at a `: ` (a key's indicator), 1 at a ` #` comment, else 0. */
function plainTail(chunk: string, p: number, end: number): number {
  for (let k = p; k < end; k++) {
    const ch = chunk.charCodeAt(k);
    if (ch === COLON && isSpaceOrEnd(chunk, k + 1, end)) return -1;
    if (ch === HASH && k > p && isSpace(chunk.charCodeAt(k - 1))) return 1;
  }
  return 0;
}

/**
 * A later line of a plain scalar starting with `: ` or `#`: odd (js-yaml refuses the first, which the
 * `yaml` package reads as an empty key). Any other character is text there (YAML 1.2 ns-plain-char;
 * js-yaml reads on alike): quotes, brackets, `*`, and `- ` or `? ` too, as controller-gen folds a CRD
 * description listing "- <domain>:<port>" (both parsers read the line into the scalar; a property test
 * holds them to it).
 */
function isIndicatorAt(chunk: string, i: number, end: number): boolean {
  const c = chunk.charCodeAt(i);
  if (c === COLON) return isSpaceOrEnd(chunk, i + 1, end);
  return c === HASH;
}

/**
 * A plain key from `p` to its `:` at `colon` that the two parsers may read apart: empty, a null word,
 * the merge key, or ending in a space or an indicator.
 */
function isOddKey(chunk: string, p: number, colon: number): boolean {
  if (colon === p) return true;
  const last = chunk.charCodeAt(colon - 1);
  if (isSpace(last) || last === 0x2c || last === 0x3f || last === DASH || isOpener(last) || isCloser(last)) {
    return true;
  }
  const length = colon - p;
  if (length > 4) return false;
  const key = chunk.slice(p, colon);
  return key === '<<' || NULL_WORDS.includes(key);
}

/** A double-quoted line from `from` ending in an odd run of backslashes (an escaped line break). */
function escapesLineBreak(chunk: string, from: number, end: number, quote: number): boolean {
  if (quote !== 0x22) return false;
  let k = end;
  if (k > from && chunk.charCodeAt(k - 1) === CR) k--;
  while (k > from && isSpace(chunk.charCodeAt(k - 1))) k--;
  let run = 0;
  while (k - run > from && chunk.charCodeAt(k - run - 1) === 0x5c) run++;
  return run % 2 === 1;
}

/**
 * The start of the first line after the block scalar whose content starts at `from` (its parent at
 * column `parent`): its lines are blank or indented as its first non-blank line, which is past `parent`.
 * -1 when a blank line before that first line is longer than its indentation: the `yaml` package wants
 * an explicit indentation indicator there and js-yaml reads on (it may take the line for a comment).
 */
function endOfBlockScalar(chunk: string, from: number, parent: number): number {
  let contentIndent = -1;
  let longestBlank = 0;
  let at = from;
  while (at < chunk.length) {
    const end = lineEnd(chunk, at);
    const indent = skipIndent(chunk, at, end) - at;
    if (isBlankFrom(chunk, at + indent, end)) {
      if (contentIndent < 0 && indent > longestBlank) longestBlank = indent;
    } else if (contentIndent < 0) {
      if (indent <= parent) return at;
      if (longestBlank > indent) return -1;
      contentIndent = indent;
    } else if (indent < contentIndent) return at;
    at = end + 1;
  }
  return chunk.length;
}

/** The index of the `\n` ending the line that `at` is on, or the chunk's length. */
function lineEnd(chunk: string, at: number): number {
  const end = chunk.indexOf('\n', at);
  return end < 0 ? chunk.length : end;
}
/** The first index from `at` that is not a space (indentation is spaces: tabs are odd before this). */
function skipIndent(chunk: string, at: number, end: number): number {
  let i = at;
  while (i < end && chunk.charCodeAt(i) === SPACE) i++;
  return i;
}
/** Nothing but a CR from `i` to the line's end. */
function isBlankFrom(chunk: string, i: number, end: number): boolean {
  return i === end || (chunk.charCodeAt(i) === CR && i + 1 === end);
}

/** The words YAML reads as null where a key could be (`~:`, `null:`): js-yaml and `yaml` key them apart. */
export const NULL_WORDS: readonly string[] = ['~', 'null', 'Null', 'NULL'];

const SPACE = 32;
const TAB = 9;
const CR = 13;
const HASH = 35;
const DASH = 45;
const COLON = 58;
/** readLine: nothing runs past the line. */
const CLOSED = -1;
/** readLine: the document goes the `yaml` way. */
const ODD = -2;

/**
 * One line that is not a comment, from its first non-space `i` to `end`: CLOSED, ODD, or the parent
 * column of the block scalar its header opens.
 */
function readLine(chunk: string, i: number, end: number, lineStart: number): number {
  // `---` alone or before a comment (content after it is odd already: MARKER_WITH_CONTENT).
  if (i === lineStart && chunk.startsWith('---', i)) return CLOSED;
  const item = skipDashes(chunk, i, end, lineStart);
  if (!item) return ODD;
  const { p, dash: parent } = item;
  const q = chunk.charCodeAt(p);
  if (isFlowStart(q)) {
    const after = skipFlowNode(chunk, p, end);
    if (after < 0) return ODD;
    const k = skipSpaces(chunk, after, end);
    if (isTrivia(chunk, k, end)) return CLOSED;
    // A quoted key: its value follows.
    if (chunk.charCodeAt(k) === COLON && isSpaceOrEnd(chunk, k + 1, end)) {
      return readValue(chunk, skipSpaces(chunk, k + 1, end), end, p - lineStart);
    }
    return ODD;
  }
  if (isBlockIndicator(q)) return parent >= 0 && isBlockHeader(chunk, p, end) ? parent : ODD;
  if (isNodeProperty(q)) return ODD;
  const value = afterPlainKey(chunk, p, end);
  return value < 0 ? CLOSED : readValue(chunk, skipSpaces(chunk, value, end), end, p - lineStart);
}

/**
 * Past the block sequence indicators from `i` (`- - x`: the node starts after the last dash): where the
 * node starts and the last dash's column (-1 for none); undefined for an empty item (js-yaml takes a
 * less indented `-` after it as a sibling).
 */
function skipDashes(
  chunk: string,
  i: number,
  end: number,
  lineStart: number,
): { p: number; dash: number } | undefined {
  let p = i;
  let dash = -1;
  while (chunk.charCodeAt(p) === DASH && isSpaceOrEnd(chunk, p + 1, end)) {
    dash = p - lineStart;
    p = skipSpaces(chunk, p + 1, end);
    if (isTrivia(chunk, p, end)) return undefined;
  }
  return { p, dash };
}

/**
 * The index after the `:` that ends a plain key starting at `p`, or -1 when the line (up to a ` #`
 * comment) is a plain scalar.
 */
function afterPlainKey(chunk: string, p: number, end: number): number {
  for (let k = p; k < end; k++) {
    const ch = chunk.charCodeAt(k);
    if (ch === COLON && isSpaceOrEnd(chunk, k + 1, end)) return k + 1;
    if (ch === HASH && isSpace(chunk.charCodeAt(k - 1))) return -1;
  }
  return -1;
}

/** The index after the quoted scalar or flow collection at `p`, or -1 (see quotedEnd, skipFlow). */
function skipFlowNode(chunk: string, p: number, end: number): number {
  const c = chunk.charCodeAt(p);
  return isOpener(c) ? skipFlow(chunk, p, end) : quotedEnd(chunk, p, end);
}

/** A key's value from `v`; `keyColumn` is the parent of a block scalar there. */
function readValue(chunk: string, v: number, end: number, keyColumn: number): number {
  if (isTrivia(chunk, v, end)) return CLOSED;
  const c = chunk.charCodeAt(v);
  if (isBlockIndicator(c)) return isBlockHeader(chunk, v, end) ? keyColumn : ODD;
  if (isFlowStart(c)) {
    const after = skipFlowNode(chunk, v, end);
    return after >= 0 && isTrivia(chunk, skipSpaces(chunk, after, end), end) ? CLOSED : ODD;
  }
  // A block sequence or a second key on a key's line is an error: exactly reported the `yaml` way.
  if (isNodeProperty(c) || (c === DASH && isSpaceOrEnd(chunk, v + 1, end))) return ODD;
  return afterPlainKey(chunk, v, end) < 0 ? CLOSED : ODD;
}

/**
 * A block scalar header with auto-detected indentation (`|`, `>-`, `|+ # c`). An explicit indentation
 * indicator is not read here (false: odd).
 */
function isBlockHeader(chunk: string, p: number, end: number): boolean {
  let k = p + 1;
  const c = chunk.charCodeAt(k);
  if (k < end && (c === 0x2d || c === 0x2b)) k++;
  if (k < end && !isSpace(chunk.charCodeAt(k))) return false;
  return isTrivia(chunk, skipSpaces(chunk, k, end), end);
}

/**
 * The index after the flow collection at `p`, or -1 when it does not close on this line or has a
 * collection as a key of a flow map (`{a, {b: c}}`: js-yaml makes it the key "[object Object]"). Quotes
 * start a scalar only where a token starts (after `[`, `{`, `,` or a `:` indicator); inside a plain
 * scalar they are text, as YAML 1.2 §7.3.3 reads them. `strict` (hasOddStructure) also says -1 for what
 * isOddDocument's expressions find in a collection: a node property or reserved indicator where a token
 * starts, a `#` glued to a quote, bracket or comma, and a key that is empty, a null word, `<<`, a
 * collection or followed by a space before its `:`.
 */
function skipFlow(chunk: string, p: number, end: number, strict = false): number {
  const scan = new FlowScan();
  for (let k = p; k < end; k++) {
    const c = chunk.charCodeAt(k);
    if (isQuote(c) && scan.atToken()) {
      // Past the closing quote (the loop steps onto the character after it); -2 when it does not close.
      k = quotedEnd(chunk, k, end) - 1;
      if (k < 0) return -1;
      scan.state = AFTER_NODE;
      scan.collection = false;
    } else if (c === COLON) {
      if (!flowColon(chunk, k, end, scan, strict)) return -1;
    } else if (isOpener(c)) {
      if (!scan.open(c === 0x7b)) return -1;
    } else if (isCloser(c)) {
      if (scan.close()) return k + 1;
    } else if (c === 0x2c) scan.comma();
    else if (!isSpace(c) && !flowText(chunk, k, end, scan, strict)) return -1;
  }
  return -1;
}

/** skipFlow at a `:`: false when strict and it ends an odd key. */
function flowColon(chunk: string, k: number, end: number, scan: FlowScan, strict: boolean): boolean {
  const indicator = isSpaceOrEnd(chunk, k + 1, end) || isFlowIndicator(chunk.charCodeAt(k + 1));
  if (strict && (indicator || scan.state === AFTER_NODE) && isOddFlowKey(chunk, k, scan)) return false;
  scan.colon(indicator);
  return true;
}

/**
 * skipFlow at a character of a plain token: false at a comment (` #`: the collection runs past its
 * line), and when strict and it starts a token oddly.
 */
function flowText(chunk: string, k: number, end: number, scan: FlowScan, strict: boolean): boolean {
  if (chunk.charCodeAt(k) === HASH && isSpace(chunk.charCodeAt(k - 1))) return false;
  if (strict && (scan.atToken() || scan.state === AFTER_NODE) && isOddTokenStart(chunk, k, end)) return false;
  if (scan.state !== IN_PLAIN) scan.tokenStart = k;
  scan.state = IN_PLAIN;
  return true;
}

/** skipFlow, strict: a `:` indicator at `k` after an empty, null, merge or collection key, or a space. */
function isOddFlowKey(chunk: string, k: number, scan: FlowScan): boolean {
  if (scan.atToken() || isSpace(chunk.charCodeAt(k - 1))) return true;
  if (scan.state === AFTER_NODE) return scan.collection;
  return isOddKey(chunk, scan.tokenStart, k);
}

/** skipFlow, strict: a token starting at `k` with a node property, a reserved indicator or a `#`. */
function isOddTokenStart(chunk: string, k: number, end: number): boolean {
  const c = chunk.charCodeAt(k);
  if (c === 0x3f) return isSpaceOrEnd(chunk, k + 1, end) || isFlowIndicator(chunk.charCodeAt(k + 1));
  return c === HASH || isBlockIndicator(c) || isNodeProperty(c);
}

/** Where skipFlow is: the open collections and what the next character can start. */
class FlowScan {
  depth = 0;
  /** Bit d: the collection at depth d is a map. */
  maps = 0;
  state = IN_PLAIN;
  /** Where the last plain token started. */
  tokenStart = 0;
  /** The last node closed was a collection (not a quoted scalar). */
  collection = false;

  atToken(): boolean {
    return this.state === AT_TOKEN || this.state === AT_KEY;
  }

  /** False for a collection as a flow map's key, or nesting past 30. */
  open(map: boolean): boolean {
    if (this.state === AT_KEY || this.depth >= 30) return false;
    this.depth++;
    this.maps = map ? this.maps | (1 << this.depth) : this.maps & ~(1 << this.depth);
    this.state = map ? AT_KEY : AT_TOKEN;
    return true;
  }

  /** True when the outermost collection closes. */
  close(): boolean {
    this.depth--;
    this.state = AFTER_NODE;
    this.collection = true;
    return this.depth === 0;
  }

  comma(): void {
    this.state = (this.maps & (1 << this.depth)) !== 0 ? AT_KEY : AT_TOKEN;
  }

  /**
   * `:` is an indicator before a space, a flow indicator or the end (`beforeBreak`), or right after a
   * JSON-like node; else it is text.
   */
  colon(beforeBreak: boolean): void {
    this.state = beforeBreak || this.state === AFTER_NODE ? AT_TOKEN : IN_PLAIN;
  }
}

/** skipFlow: inside a plain scalar (quotes are text). */
const IN_PLAIN = 0;
/** skipFlow: where a token starts (after `[`, `,` in a list, or a `:` indicator). */
const AT_TOKEN = 1;
/** skipFlow: where a flow map's key starts (after `{` or `,` in a map). */
const AT_KEY = 2;
/** skipFlow: after a quoted scalar or a collection (a JSON-like node: `:` right after it is an indicator). */
const AFTER_NODE = 3;

function isQuote(c: number): boolean {
  return c === 0x22 || c === 0x27;
}
/** `[` or `{`. */
function isOpener(c: number): boolean {
  return c === 0x5b || c === 0x7b;
}
/** `]` or `}`. */
function isCloser(c: number): boolean {
  return c === 0x5d || c === 0x7d;
}
/** `"`, `'`, `[`, `{`. */
function isFlowStart(c: number): boolean {
  return isQuote(c) || isOpener(c);
}
/** `|` or `>`. */
function isBlockIndicator(c: number): boolean {
  return c === 0x7c || c === 0x3e;
}
/** `,`, `[`, `]`, `{`, `}`. */
function isFlowIndicator(c: number): boolean {
  return c === 0x2c || c === 0x5b || c === 0x5d || c === 0x7b || c === 0x7d;
}
/** Anchors, aliases, tags, complex keys, directives and reserved indicators: read the `yaml` way. */
function isNodeProperty(c: number): boolean {
  return c === 0x26 || c === 0x2a || c === 0x21 || c === 0x3f || c === 0x25 || c === 0x40 || c === 0x60;
}
function isSpace(c: number): boolean {
  return c === SPACE || c === TAB || c === CR;
}
function isSpaceOrEnd(chunk: string, k: number, end: number): boolean {
  return k >= end || isSpace(chunk.charCodeAt(k));
}
function skipSpaces(chunk: string, k: number, end: number): number {
  let j = k;
  while (j < end && isSpace(chunk.charCodeAt(j))) j++;
  return j;
}
/** The line ends at `k`, or a comment starts there. */
function isTrivia(chunk: string, k: number, end: number): boolean {
  return k >= end || chunk.charCodeAt(k) === HASH;
}
