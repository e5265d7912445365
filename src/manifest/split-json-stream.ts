/** A half-open range `[start, end)` of a text. */
export interface TextSpan {
  start: number;
  end: number;
}

const SPACE = 0x20;
const TAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

/**
 * kubectl reads a file whose first character is `{` as a stream of JSON values (`{…}{…}` or one per line);
 * YAML has no such form, so split it first. Returns the spans of two or more top-level JSON objects/arrays
 * separated only by whitespace, or undefined for anything else (one value, YAML, or broken JSON, which the
 * YAML parser then reports).
 */
export function splitJsonStream(text: string): TextSpan[] | undefined {
  const spans: TextSpan[] = [];
  let i = skipSpace(text, 0);
  if (text.charCodeAt(i) !== OPEN_BRACE) return undefined;
  while (i < text.length) {
    const end = endOfValue(text, i);
    if (end === undefined) return undefined;
    spans.push({ start: i, end });
    i = skipSpace(text, end);
  }
  return spans.length >= 2 ? spans : undefined;
}

/** The end of the JSON object or array starting at `start`, or undefined if there is none or it is unclosed. */
function endOfValue(text: string, start: number): number | undefined {
  const first = text.charCodeAt(start);
  if (first !== OPEN_BRACE && first !== OPEN_BRACKET) return undefined;
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) {
      inString = true;
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      depth++;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      depth--;
      if (depth === 0) return i + 1;
    }
  }
  return undefined;
}

function skipSpace(text: string, from: number): number {
  let i = from;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c !== SPACE && c !== TAB && c !== LF && c !== CR) break;
    i++;
  }
  return i;
}
