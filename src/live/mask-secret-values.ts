import { scrubText, secretValuesOfObjects } from '../diff/redact-findings.ts';
import { isSecret, REDACTED } from '../diff/redact-secret.ts';
import type { KubeObject } from '../types.ts';

/**
 * Values this short are still masked here (the text is the API server's answer about this one Secret,
 * not a report over many objects); shorter ones would mangle ordinary words, and the quoted-value rule
 * below covers them.
 */
const MIN_LENGTH = 3;

/**
 * `text` (an API server's answer about `secret`) with none of its values: each value, in every form
 * the project's Secret redaction knows (as written, decoded, encoded, JSON-escaped, line by line),
 * becomes `<redacted>`, and so does any quoted value after `Invalid value:` (the server echoes the
 * rejected value there). Objects that are not Secrets pass through. Pure.
 */
export function maskSecretValues(text: string, secret: KubeObject | undefined): string {
  if (!secret || !isSecret(secret)) return text;
  const out = scrubText(text, secretValuesOfObjects([secret], MIN_LENGTH));
  return out.replace(/(Invalid value: )("(?:[^"\\]|\\.)*"|\S+)/g, `$1"${REDACTED}"`);
}
