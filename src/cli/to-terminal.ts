import { redactCredentials } from '../diff/redact-credentials.ts';
import { replaceControlCharacters, replaceLineBreaks } from '../report/replace-control-characters.ts';

/**
 * Text from a repository, a tool or an error, made fit to print: credentials in URLs scrubbed and
 * control characters replaced (keeping newlines and tabs). Apply it to the pieces before colouring.
 */
export function toTerminal(text: string): string {
  return replaceControlCharacters(redactCredentials(text));
}

/** The same for a field of a one-line entry (a finding's message): line breaks shown as `⏎` too. */
export function toTerminalLine(text: string): string {
  return replaceLineBreaks(redactCredentials(text));
}
