/**
 * V8 makes a substring of 13 characters or more a view of the string it was cut from, and js-yaml cuts
 * every scalar from its document's text: a label value kept from a parsed document keeps the whole
 * document's text alive. What a check keeps across the files of a target (it reads them one at a time,
 * `createValidation`) is copied through here, so that only the words are kept, not their documents.
 */
const SLICE_MIN_LENGTH = 13;

/**
 * `s` as a string of its own: the same characters, keeping no larger string alive. V8's JSON parser
 * makes a fresh flat string of them (any string, lone surrogates too: JSON.stringify escapes them). The
 * copy used to be a slice of a flattened concatenation (`` ` ${s}`.slice(1) ``), itself a view with a
 * 32-byte header beside the copy it views: at 50,000 resources the kept words were 224,000 such views,
 * 6.8 MiB of a worker's 50 MiB live heap (`ferry validate DIR`, heap snapshot).
 */
export function detachedString(s: string): string {
  return s.length < SLICE_MIN_LENGTH ? s : (JSON.parse(JSON.stringify(s)) as string);
}
