import { redactCredentials } from '../diff/redact-credentials.ts';
import { replaceControlCharacters } from '../report/replace-control-characters.ts';

/**
 * Text from a repository, a tool or an error, made fit to print: credentials in URLs scrubbed and
 * control characters replaced (keeping newlines and tabs). Apply it to the pieces before colouring.
 */
export function toTerminal(text: string): string {
  return replaceControlCharacters(redactCredentials(text));
}
