/**
 * formatYaml as it was before it was made cheaper (emitter, key order and quoting, copied verbatim):
 * the reference its property test compares the fast emitter with, byte for byte.
 */
const CIRCULAR_TEXT = '<circular alias>';

type KeyContext = 'root' | 'metadata' | 'item' | 'map';

const ROOT_FIRST = ['apiVersion', 'kind', 'metadata', 'spec', 'data', 'stringData'];
const METADATA_FIRST = ['name', 'namespace', 'labels', 'annotations'];
const ITEM_FIRST = ['name'];

const FIRST: Readonly<Record<KeyContext, readonly string[]>> = {
  root: ROOT_FIRST,
  metadata: METADATA_FIRST,
  item: ITEM_FIRST,
  map: [],
};

function orderKeys(keys: readonly string[], context: KeyContext): string[] {
  // The default sort compares UTF-16 code units: deterministic on every runtime, unlike locale-aware
  // comparison (and faster than a comparator).
  const sorted = keys.slice().sort();
  const first = FIRST[context];
  if (first.length === 0) return sorted;
  const head = first.filter((k) => sorted.includes(k));
  if (head.length === 0) return sorted;
  return [...head, ...sorted.filter((k) => !head.includes(k))];
}

function childContext(key: string): KeyContext {
  return key === 'metadata' ? 'metadata' : 'map';
}

export function formatYamlReference(value: unknown, opts: FormatYamlOptions = {}): string {
  const st: Emitter = { out: [], ancestors: new Set(), circularAsText: opts.circularAsText === true };
  if (isMap(value) && !isEmptyCollection(value)) emitMap(value, '', 'root', st);
  else if (Array.isArray(value) && value.length > 0) emitSeq(value, '', st);
  else emitRootScalar(value, st.out);
  return `${st.out.join('\n')}\n`;
}

export interface FormatYamlOptions {
  /**
   * Print a collection that refers back to its own ancestor as the plain scalar `<circular alias>`,
   * exactly as normalizeObject's copy (which puts that text there) prints, instead of the quoted
   * marker on its own line. With it, `formatYaml(stripNoise(obj), { circularAsText: true })` is
   * `formatYaml(normalizeObject(obj))` without the second copy of every object.
   */
  circularAsText?: boolean;
}

type Map = Record<string, unknown>;

interface Emitter {
  out: string[];
  /** Collections being printed: meeting one again means a YAML alias cycle, printed as a marker. */
  ancestors: Set<object>;
  circularAsText: boolean;
}

const CIRCULAR_MARKER = '"<circular alias>"';

function isMap(value: unknown): value is Map {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function definedKeys(map: Map): string[] {
  return Object.keys(map).filter((k) => map[k] !== undefined && typeof map[k] !== 'function');
}

function isEmptyCollection(value: unknown): boolean {
  if (Array.isArray(value)) return value.length === 0;
  return isMap(value) && definedKeys(value).length === 0;
}

function emitRootScalar(value: unknown, out: string[]): void {
  if (Array.isArray(value)) out.push('[]');
  else if (isMap(value)) out.push('{}');
  else {
    const block = blockLines(value, '  ');
    if (block) out.push(block.header, ...block.lines);
    else out.push(formatScalar(value));
  }
}

function emitMap(map: Map, indent: string, context: KeyContext, st: Emitter): void {
  const out = st.out;
  const keys = orderKeys(definedKeys(map), context);
  const inner = `${indent}  `;
  for (const key of keys) {
    const value = map[key];
    const formattedKey = formatKey(key);
    // YAML caps implicit keys at 1024 characters; longer ones need the explicit `? key` form.
    const explicit = formattedKey.length > 1000;
    const lead = explicit ? `${indent}? ${formattedKey}\n${indent}:` : `${indent}${formattedKey}:`;
    const isList = Array.isArray(value);
    if ((isList && value.length > 0) || (!isList && isMap(value) && !isEmptyCollection(value))) {
      const collection = value as object;
      if (st.ancestors.has(collection)) {
        if (st.circularAsText) out.push(`${lead} ${CIRCULAR_TEXT}`);
        else out.push(lead, `${inner}${CIRCULAR_MARKER}`);
        continue;
      }
      out.push(lead);
      st.ancestors.add(collection);
      if (isList) emitSeq(value, inner, st);
      else emitMap(value as Map, inner, childContext(key), st);
      st.ancestors.delete(collection);
    } else {
      const block = blockLines(value, inner);
      if (block) out.push(`${lead} ${block.header}`, ...block.lines);
      else out.push(`${lead} ${formatScalar(value)}`);
    }
  }
}

function emitSeq(items: readonly unknown[], indent: string, st: Emitter): void {
  const out = st.out;
  const inner = `${indent}  `;
  for (const item of items) {
    if (isEmptyCollection(item) || (!isMap(item) && !Array.isArray(item))) {
      const block = blockLines(item, inner);
      if (block) out.push(`${indent}- ${block.header}`, ...block.lines);
      else out.push(`${indent}- ${formatScalar(item)}`);
      continue;
    }
    const collection = item as object;
    if (st.ancestors.has(collection)) {
      out.push(`${indent}- ${st.circularAsText ? CIRCULAR_TEXT : CIRCULAR_MARKER}`);
      continue;
    }
    // Emit the collection one level deeper, then fold its first line onto the dash: `- name: x`.
    const first = out.length;
    st.ancestors.add(collection);
    if (Array.isArray(item)) emitSeq(item, inner, st);
    else emitMap(item as Map, inner, 'item', st);
    st.ancestors.delete(collection);
    out[first] = `${indent}- ${(out[first] ?? '').slice(inner.length)}`;
  }
}

/** Formatted keys: a target's objects share a few hundred keys, each checked once. */
const formattedKeys = new Map<string, string>();
const MAX_FORMATTED_KEYS = 10_000;

function formatKey(key: string): string {
  const known = formattedKeys.get(key);
  if (known !== undefined) return known;
  const formatted = key !== '<<' && isPlainSafe(key) ? key : quote(key);
  if (formattedKeys.size >= MAX_FORMATTED_KEYS) formattedKeys.clear();
  formattedKeys.set(key, formatted);
  return formatted;
}

function formatScalar(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return '.nan';
    if (!Number.isFinite(value)) return value > 0 ? '.inf' : '-.inf';
    return String(value);
  }
  if (typeof value === 'bigint') return value.toString();
  if (Array.isArray(value)) return '[]';
  if (isMap(value)) return '{}';
  const text = String(value);
  return isPlainSafe(text) ? text : quote(text);
}

/** A multi-line string as a literal block (`|`, `|-`, `|+`), or undefined when it must be quoted. */
function blockLines(value: unknown, indent: string): { header: string; lines: string[] } | undefined {
  if (typeof value !== 'string' || !value.includes('\n')) return undefined;
  // Characters a literal block cannot carry verbatim, and a first content line starting with a space
  // (it would need an indentation indicator): quote those instead.
  if (BLOCK_UNSAFE.test(value)) return undefined;
  const body = value.replace(/\n+$/, '');
  const trailing = value.length - body.length;
  const firstContent = body.split('\n').find((line) => line.trim() !== '');
  if (firstContent === undefined || /^\s/.test(firstContent)) return undefined;
  const header = trailing === 0 ? '|-' : trailing === 1 ? '|' : '|+';
  const lines = body.split('\n').map((line) => (line === '' ? '' : `${indent}${line}`));
  for (let i = 1; i < trailing; i++) lines.push('');
  return { header, lines };
}

// C0 controls other than tab and line feed, DEL, C1 (NEL is a YAML 1.1 line break), line/paragraph
// separators, BOM and lone surrogates: escaped in a double-quoted scalar instead.
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is detected
const BLOCK_UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\ufeff]|\p{Cs}/u;
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is detected
const PLAIN_UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\ufeff]|\p{Cs}/u;
const INDICATOR_FIRST = /^[,[\]{}#&*!|>'"%@`]/;

// Strings YAML 1.2 core or YAML 1.1 would resolve to something else than a string.
const NON_STRING_WORD = /^(?:~|null|true|false|y|yes|n|no|on|off|=|<<)$/i;
const NON_STRING = [
  NON_STRING_WORD,
  /^[-+]?(?:\.[0-9]+|[0-9][0-9_]*(?:\.[0-9_]*)?)(?:[eE][-+]?[0-9]+)?$/,
  /^[-+]?0(?:x[0-9a-fA-F_]+|o?[0-7_]+|b[01_]+)$/,
  /^[-+]?\.(?:inf|nan)$/i,
  /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/,
  /^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}/,
];

/** Letters first, then only letters, digits and `_./-`: plain unless one of YAML's words (`yes`, `null`). */
const SIMPLE = /^[A-Za-z][\w./-]*$/;

function isPlainSafe(text: string): boolean {
  // Most keys and values (names, labels, paths); none of the checks below can refuse them but the first.
  if (SIMPLE.test(text)) return text.length > 5 || !NON_STRING_WORD.test(text);
  if (text === '' || PLAIN_UNSAFE.test(text)) return false;
  if (text.trim() !== text) return false;
  if (INDICATOR_FIRST.test(text)) return false;
  const first = text[0];
  if (first === '-' || first === '?' || first === ':') {
    const next = text[1];
    if (next === undefined || next === ' ' || text.startsWith('---')) return false;
  }
  if (text.startsWith('...')) return false;
  if (text.includes(': ') || text.includes(' #') || text.endsWith(':')) return false;
  return !NON_STRING.some((re) => re.test(text));
}

const QUOTE_EXTRA = /[\u007f-\u009f\u2028\u2029\ufeff]/g;

/** A YAML double-quoted scalar: JSON's escapes are YAML's, plus the few JSON leaves raw. */
function quote(text: string): string {
  return JSON.stringify(text).replace(
    QUOTE_EXTRA,
    (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
