/**
 * Whether YAML or JSON text has an escape that can stand for a letter, so that a word may be spelled
 * in it without being written out: `\x`, `\u` and `\U` escapes (YAML double-quoted scalars, JSON
 * strings) and an escaped line break (a double-quoted line ending in `\`, which joins its neighbours
 * without a space). The other escapes stand for a quote, a backslash, a slash or a control or space
 * character, never a letter: a Grafana dashboard's `\"` or a Prometheus rule's `\\d` spell nothing.
 * A backslash in a block, plain or single-quoted scalar is not an escape at all, so this may say true
 * where no word is hidden (the callers then only do more work), never false where one is.
 */
export function hasLetterEscape(text: string): boolean {
  return LETTER_ESCAPE.test(text);
}

const LETTER_ESCAPE = /\\[xuU\r\n]/;
