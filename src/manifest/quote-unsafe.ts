/**
 * Line breaks (\n, \r, U+2028/9), other C0 and C1 controls, DEL, and bidirectional overrides and
 * isolates (which reorder what a reader sees, CVE-2021-42574).
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is looked for
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
const UNSAFE_ALL = new RegExp(UNSAFE.source, 'g');

/**
 * `text` as is, or in double quotes with each unsafe character escaped as `\uXXXX` (and `"`, `\`
 * escaped) when it holds one. For a name from the repository (a resource's kind, namespace or name, a
 * file path: git allows a newline in one) put into line-structured output: written raw, a name such as
 * `a\n@@ -1 +1 @@\n+image: trusted` forged lines of a diff or of a findings list.
 */
export function quoteUnsafe(text: string): string {
  if (!UNSAFE.test(text)) return text;
  const escaped = text
    .replace(/["\\]/g, (c) => `\\${c}`)
    .replace(UNSAFE_ALL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return `"${escaped}"`;
}
