import { Buffer } from 'node:buffer';
import type { Finding, KubeObject, Resource } from '../types.ts';
import { redactCredentials } from './redact-credentials.ts';
import { isSecret, REDACTED } from './redact-secret.ts';

/** Shorter strings are too common to replace without mangling ordinary text. */
const MIN_SCRUB_LENGTH = 4;

/**
 * Findings with every Secret value of `resources` (plain, base64, JSON-escaped, and each line of a
 * multi-line value) and every credential in a URL (see redactCredentials) replaced by `<redacted>`
 * in their messages. Diffs are redacted by construction; a finding's
 * message is written by a rule or a schema validator that may quote the offending value, so the
 * engine passes findings through here before they reach a report (defence in depth).
 */
export function redactFindings(opts: {
  findings: readonly Finding[];
  resources: readonly Resource[];
}): Finding[] {
  const values = secretValuesOf(opts.resources);
  return opts.findings.map((f) => {
    const message = redactCredentials(scrubText(f.message, values));
    return message === f.message ? f : { ...f, message };
  });
}

/**
 * Every string form a Secret value of `resources` could take in text, longest first; forms shorter
 * than `minLength` are left out (too common to replace without mangling ordinary text).
 */
export function secretValuesOf(resources: readonly Resource[], minLength = MIN_SCRUB_LENGTH): string[] {
  const forms = new Set<string>();
  for (const r of resources) {
    for (const secret of secretsIn(r.object)) {
      for (const [field, raw] of secretEntries(secret)) {
        for (const form of formsOf(field, raw)) {
          if (form.length >= minLength) forms.add(form);
        }
      }
    }
  }
  return [...forms].sort((a, b) => b.length - a.length);
}

function secretEntries(secret: KubeObject): ['data' | 'stringData', unknown][] {
  const entries: ['data' | 'stringData', unknown][] = [];
  for (const field of ['data', 'stringData'] as const) {
    const map = secret[field];
    if (isMap(map)) for (const raw of Object.values(map)) entries.push([field, raw]);
  }
  return entries;
}

/** The value as written, decoded or encoded, and line by line. */
function formsOf(field: 'data' | 'stringData', raw: unknown): string[] {
  const text = raw === null || raw === undefined ? '' : String(raw);
  const plain = field === 'data' ? Buffer.from(text, 'base64').toString('utf8') : text;
  const encoded = field === 'data' ? text : Buffer.from(text, 'utf8').toString('base64');
  const lines = plain.split('\n');
  // A message may quote the value JSON-escaped (`"a\"b"`), as schema validators do.
  const escaped = JSON.stringify(plain).slice(1, -1);
  return [plain, encoded, escaped, ...lines, ...lines.map((l) => l.trim())];
}

/** `text` with each of `values` (longest first, so a value's substrings cannot shadow it) replaced. */
export function scrubText(text: string, values: readonly string[]): string {
  let out = text;
  for (const value of values) {
    if (out.includes(value)) out = out.split(value).join(REDACTED);
  }
  return out;
}

function secretsIn(obj: KubeObject): KubeObject[] {
  if (isSecret(obj)) return [obj];
  if (obj.kind.endsWith('List') && Array.isArray(obj.items)) {
    return (obj.items as unknown[]).filter(
      (item): item is KubeObject =>
        isMap(item) && typeof item.kind === 'string' && isSecret(item as KubeObject),
    );
  }
  return [];
}

function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
