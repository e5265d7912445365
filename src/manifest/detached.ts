/**
 * V8 makes a substring of 13 characters or more a view of the string it was cut from, and js-yaml cuts
 * every scalar from its document's text: a label value kept from a parsed document keeps the whole
 * document's text alive. What a check keeps across the files of a target (it reads them one at a time,
 * `createValidation`) is copied through here, so that only the words are kept, not their documents.
 */
const SLICE_MIN_LENGTH = 13;

/** `s` as a string of its own: the same characters, keeping no larger string alive. */
export function detachedString(s: string): string {
  // Flattening the concatenation copies the characters; the slice of that copy is at most one longer.
  return s.length < SLICE_MIN_LENGTH ? s : ` ${s}`.slice(1);
}
