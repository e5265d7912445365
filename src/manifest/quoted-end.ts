/**
 * The index after the quoted scalar that starts at `pos` in `text` (a `"…"` with backslash escapes, or
 * a `'…'` where `''` is a quote), or -1 when it does not close before `end`.
 */
export function quotedEnd(text: string, pos: number, end = text.length): number {
  return quoteCloseFrom(text, pos + 1, end, text.charCodeAt(pos));
}

/**
 * The index after the `quote` (a character code) that closes a quoted scalar whose text goes on at
 * `from` (a later line of a multi-line one), or -1 when it does not close before `end`.
 */
export function quoteCloseFrom(text: string, from: number, end: number, quote: number): number {
  for (let k = from; k < end; k++) {
    const c = text.charCodeAt(k);
    if (quote === DOUBLE && c === BACKSLASH) k++;
    else if (c === quote) {
      if (quote === SINGLE && k + 1 < end && text.charCodeAt(k + 1) === SINGLE) k++;
      else return k + 1;
    }
  }
  return -1;
}

const DOUBLE = 0x22;
const SINGLE = 0x27;
const BACKSLASH = 0x5c;
