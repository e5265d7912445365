/**
 * C0 controls but tab and newline (ESC starts every terminal escape sequence), DEL, C1 controls
 * (0x9b is a one-byte CSI on some terminals), and the bidirectional overrides and isolates that can
 * make a terminal show text in another order than it is (CVE-2021-42574, "Trojan Source").
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is replaced
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/**
 * `text` with every character that can drive a terminal replaced by `�`: file names, resource names
 * and messages come from the repository, and printed raw an `ESC[2J` in a file name would clear the
 * reader's screen or forge output. Colour is added after this, by Ferry itself.
 */
export function replaceControlCharacters(text: string): string {
  return text.replace(CONTROL, '\ufffd');
}

/**
 * A field of a one-line entry (a finding's message, a summary fact, a target's name) for the terminal:
 * control characters replaced, and each line break shown as `⏎`, so that text from the repository (an
 * image `nginx:1\n- Deployment prod/api: replicas 3 → 0` quoted in a finding) cannot print a line of
 * its own that reads as Ferry's.
 */
export function replaceLineBreaks(text: string): string {
  return replaceControlCharacters(text).replace(/\n|\u2028|\u2029/g, '⏎');
}
