import { Buffer } from 'node:buffer';
import { REDACTED } from '../diff/redact-secret.ts';
import type { KubeObject } from '../types.ts';

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Every value a Secret carries, as written (base64 in `data`) and decoded; the longest first. */
function valuesOf(secret: KubeObject): string[] {
  const values = new Set<string>();
  if (isMap(secret.data)) {
    for (const v of Object.values(secret.data)) {
      const text = String(v ?? '');
      values.add(text);
      values.add(Buffer.from(text.replace(/\s+/g, ''), 'base64').toString('utf8'));
    }
  }
  if (isMap(secret.stringData)) for (const v of Object.values(secret.stringData)) values.add(String(v ?? ''));
  // Short values would mangle ordinary words; the quoted-value rule below still covers them.
  return [...values].filter((v) => v.length >= 3).sort((a, b) => b.length - a.length);
}

/**
 * `text` (an API server's answer about `secret`) with none of its values: each value, encoded or not,
 * becomes `<redacted>`, and so does any quoted value after `Invalid value:` (the server echoes the
 * rejected value there). Objects that are not Secrets pass through. Pure.
 */
export function maskSecretValues(text: string, secret: KubeObject | undefined): string {
  if (secret?.kind !== 'Secret' || secret.apiVersion !== 'v1') return text;
  let out = text;
  for (const value of valuesOf(secret)) out = out.split(value).join(REDACTED);
  return out.replace(/(Invalid value: )("(?:[^"\\]|\\.)*"|\S+)/g, `$1"${REDACTED}"`);
}
