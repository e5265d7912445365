import { Buffer } from 'node:buffer';
import type { KubeObject } from '../types.ts';

export type SecretKeyStatus = 'added' | 'removed' | 'changed' | 'unchanged';

export interface SecretKeyChange {
  key: string;
  status: SecretKeyStatus;
}

/** What a redacted value reads as. The `-` side of a changed key is the plain marker. */
export const REDACTED = '<redacted>';
export const REDACTED_MARKERS: Readonly<Record<SecretKeyStatus, string>> = {
  added: '<redacted, added>',
  removed: '<redacted, removed>',
  changed: '<redacted, changed>',
  unchanged: REDACTED,
};

/** Fields of a Secret that carry no value; everything else is replaced. */
const SECRET_KEPT_FIELDS = new Set(['apiVersion', 'kind', 'metadata', 'type', 'immutable']);
const VALUE_FIELDS = ['data', 'stringData'];

/**
 * A core-group Secret (apiVersion `v1`). The kind in any case: kubectl's REST mapper resolves
 * `kind: secret` to Secrets too, so a lower-case spelling must not slip past redaction.
 */
export function isSecret(obj: KubeObject | undefined): boolean {
  return (
    typeof obj?.kind === 'string' &&
    obj.kind.toLowerCase() === 'secret' &&
    typeof obj.apiVersion === 'string' &&
    !obj.apiVersion.includes('/')
  );
}

/**
 * Both sides of a pair with every Secret value replaced by a marker, so the formatted text cannot hold
 * a value whatever happens downstream: this is what gets normalised, formatted and diffed. A marker
 * says how the key moved (compared on decoded bytes, so `data` base64 and `stringData` plain text are
 * equivalent), never what it held. Secrets inside a `*List` are redacted too. Objects that are not
 * Secrets come back as they are.
 */
export function redactSecrets(pair: { before?: KubeObject; after?: KubeObject }): {
  before?: KubeObject;
  after?: KubeObject;
} {
  const { before, after } = pair;
  if (isList(before) || isList(after)) return redactLists(before, after);
  if (!isSecret(before) && !isSecret(after)) return pair;
  const out: { before?: KubeObject; after?: KubeObject } = {};
  if (before) out.before = redactSide(before, after, 'before');
  if (after) out.after = redactSide(after, before, 'after');
  return out;
}

/** One side of a Secret pair, redacted; `other` is the same Secret on the opposite side, if any. */
function redactSide(secret: KubeObject, other: KubeObject | undefined, side: 'before' | 'after'): KubeObject {
  const [before, after] = side === 'before' ? [secret, other] : [other, secret];
  const statuses = new Map(diffSecretKeys(before, after).map((c) => [c.key, c.status]));
  const both = isSecret(other);
  return redactOne(secret, (key) => markerFor(side, statuses.get(key), both));
}

/** Per key: added, removed, changed or unchanged, by effective value (stringData wins over data). */
export function diffSecretKeys(
  before: KubeObject | undefined,
  after: KubeObject | undefined,
): SecretKeyChange[] {
  const a = isSecret(before) && before ? effectiveValues(before) : new Map<string, string>();
  const b = isSecret(after) && after ? effectiveValues(after) : new Map<string, string>();
  const keys = [...new Set([...a.keys(), ...b.keys()])].sort();
  return keys.map((key) => {
    const x = a.get(key);
    const y = b.get(key);
    const status: SecretKeyStatus =
      x === undefined ? 'added' : y === undefined ? 'removed' : x === y ? 'unchanged' : 'changed';
    return { key, status };
  });
}

function markerFor(side: 'before' | 'after', status: SecretKeyStatus | undefined, both: boolean): string {
  // A Secret that only exists on one side: every key is new or gone, the marker would only repeat that.
  if (!both || status === undefined) return REDACTED;
  if (side === 'before') return status === 'removed' ? REDACTED_MARKERS.removed : REDACTED;
  return REDACTED_MARKERS[status];
}

function redactOne(obj: KubeObject, marker: (key: string) => string): KubeObject {
  const out: Record<string, unknown> = {};
  for (const field of Object.keys(obj)) {
    const value = obj[field];
    if (field === 'metadata') out.metadata = scrubMetadata(value);
    else if (SECRET_KEPT_FIELDS.has(field)) out[field] = value;
    else if (VALUE_FIELDS.includes(field) && isMap(value)) {
      out[field] = Object.fromEntries(Object.keys(value).map((key) => [key, marker(key)]));
    } else out[field] = REDACTED;
  }
  return out as KubeObject;
}

/** kubectl's last-applied annotation holds the whole object, values included. */
function scrubMetadata(metadata: unknown): unknown {
  if (!isMap(metadata) || !isMap(metadata.annotations)) return metadata;
  const annotations = metadata.annotations;
  const key = 'kubectl.kubernetes.io/last-applied-configuration';
  if (!(key in annotations)) return metadata;
  return { ...metadata, annotations: { ...annotations, [key]: REDACTED } };
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function effectiveValues(secret: KubeObject): Map<string, string> {
  const values = new Map<string, string>();
  if (isMap(secret.data)) {
    for (const [key, value] of Object.entries(secret.data)) values.set(key, canonicalData(value));
  }
  // The API server merges stringData into data, stringData winning.
  if (isMap(secret.stringData)) {
    for (const [key, value] of Object.entries(secret.stringData)) {
      values.set(key, `b:${Buffer.from(textOf(value), 'utf8').toString('base64')}`);
    }
  }
  return values;
}

function canonicalData(value: unknown): string {
  const text = textOf(value).replace(/\s+/g, '');
  // Invalid base64 is compared as written (Buffer's decoder would skip bad characters and equate them).
  return BASE64.test(text) ? `b:${Buffer.from(text, 'base64').toString('base64')}` : `r:${textOf(value)}`;
}

function textOf(value: unknown): string {
  return value === null || value === undefined ? '' : String(value);
}

function isList(obj: KubeObject | undefined): boolean {
  return obj?.kind.endsWith('List') === true && Array.isArray(obj.items);
}

function redactLists(
  before: KubeObject | undefined,
  after: KubeObject | undefined,
): { before?: KubeObject; after?: KubeObject } {
  const itemsOf = (obj: KubeObject | undefined): KubeObject[] =>
    obj && Array.isArray(obj.items) ? (obj.items as KubeObject[]) : [];
  const idOf = (item: KubeObject): string => {
    const m = isMap(item?.metadata) ? item.metadata : {};
    return `${String(m.namespace ?? '')}/${String(m.name ?? '')}`;
  };
  const beforeItems = new Map(itemsOf(before).map((item) => [idOf(item), item]));
  const afterItems = new Map(itemsOf(after).map((item) => [idOf(item), item]));
  const redactItems = (obj: KubeObject, side: 'before' | 'after'): KubeObject => ({
    ...obj,
    items: itemsOf(obj).map((item) => {
      if (!isSecret(item)) return item;
      return redactSide(item, (side === 'before' ? afterItems : beforeItems).get(idOf(item)), side);
    }),
  });
  const out: { before?: KubeObject; after?: KubeObject } = {};
  if (before) out.before = isList(before) ? redactItems(before, 'before') : redactSecrets({ before }).before;
  if (after) out.after = isList(after) ? redactItems(after, 'after') : redactSecrets({ after }).after;
  return out;
}

function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
