import { asRecord } from '../../manifest/as-record.ts';
import { MIB } from '../../manifest/format-bytes.ts';
import { formatResourceId, groupOf } from '../../manifest/resource-id.ts';
import { utf8Length } from '../../manifest/utf8-length.ts';
import type { Rule, RuleFinding } from '../rule.ts';

/** core.MaxSecretSize: the most data the API server keeps in one ConfigMap or Secret. */
export const MAX_DATA_BYTES = MIB;
/** etcd's default `--max-request-bytes` (1.5 MiB): a larger write fails with "etcdserver: request is too large". */
export const MAX_ETCD_REQUEST_BYTES = 1.5 * MIB;

/**
 * Objects the cluster cannot store. The API server refuses a ConfigMap or Secret with over 1 MiB of data
 * (`ValidateConfigMap`, `ValidateSecret`: "Too long: must have at most 1048576 bytes"), which the agent
 * learns only when it applies the merge; an error here. Any object over etcd's 1.5 MiB request limit
 * passes validation and then fails with a 500 ("etcdserver: request is too large"); a warning, since the
 * size is measured on the manifest's JSON (the API server adds managedFields, and stores built-in kinds
 * as protobuf) and a cluster's etcd may allow more.
 */
export const objectSizeRule: Rule = {
  id: 'object-size',
  severity: 'error',
  description:
    'ConfigMaps and Secrets hold at most 1 MiB of data; no object is over etcd’s 1.5 MiB request limit.',
  check(ctx) {
    const findings: RuleFinding[] = [];
    for (const resource of ctx.resources) {
      const kind = resource.object.kind;
      const core = groupOf(resource.apiVersion) === '';
      const data = core && (kind === 'ConfigMap' || kind === 'Secret') ? dataBytes(resource.object, kind) : 0;
      const id = formatResourceId(resource.id);
      if (data > MAX_DATA_BYTES) {
        findings.push({
          resource,
          message: `${id} holds ${formatSize(data)} of data; the API server refuses more than 1 MiB (${MAX_DATA_BYTES} bytes) in one ${kind}: split it into several ${kind}s, or ship the file in the image or on a volume`,
        });
        continue;
      }
      const json = jsonBytesOver(resource.object, MAX_ETCD_REQUEST_BYTES);
      if (json === undefined) continue;
      findings.push({
        resource,
        severity: 'warning',
        message: `${id} is ${formatSize(json)} as JSON, over etcd's default request limit of 1.5 MiB (${MAX_ETCD_REQUEST_BYTES} bytes): the API server would answer 500 "etcdserver: request is too large"; split it into smaller objects, or move large data into the image or a volume`,
      });
    }
    return findings;
  },
};

/** `1363148 bytes (1.3 MiB)`. */
function formatSize(bytes: number): string {
  return `${bytes} bytes (${(bytes / MIB).toFixed(1)} MiB)`;
}

/**
 * The bytes the API server counts: a ConfigMap's `data` values (UTF-8) and `binaryData` values (decoded);
 * a Secret's `data` values (decoded), with `stringData` (UTF-8) merged over them key by key, as the API
 * server merges it before validating.
 */
function dataBytes(object: Record<string, unknown>, kind: string): number {
  if (kind === 'ConfigMap') {
    return total(sizesOf(object.data, utf8Length)) + total(sizesOf(object.binaryData, base64DecodedLength));
  }
  return total(
    new Map([...sizesOf(object.data, base64DecodedLength), ...sizesOf(object.stringData, utf8Length)]),
  );
}

/** Each string value's size by key. */
function sizesOf(field: unknown, measure: (value: string) => number): Map<string, number> {
  const sizes = new Map<string, number>();
  for (const [key, value] of Object.entries(asRecord(field) ?? {})) {
    if (typeof value === 'string') sizes.set(key, measure(value));
  }
  return sizes;
}

function total(sizes: ReadonlyMap<string, number>): number {
  let sum = 0;
  for (const size of sizes.values()) sum += size;
  return sum;
}

/** How many bytes base64 `text` decodes to (Go's decoder skips line breaks). */
function base64DecodedLength(text: string): number {
  const lines = text.includes('\n') || text.includes('\r');
  const compact = lines ? text.replace(/[\r\n]/g, '') : text;
  const padding = compact.endsWith('==') ? 2 : compact.endsWith('=') ? 1 : 0;
  const chars = compact.length;
  return Math.max(0, Math.floor((chars * 3) / 4) - padding);
}

/**
 * The UTF-8 length of `JSON.stringify(object)` when it is over `max`, else undefined. A cheap bound comes
 * first (a UTF-16 unit is at most 6 bytes of JSON, `\u0000`), so only objects near the limit are measured.
 */
function jsonBytesOver(object: unknown, max: number): number | undefined {
  if (jsonBytes(object, (s) => s.length * 6 + 2, new Set()) <= max) return undefined;
  const exact = jsonBytes(object, jsonStringBytes, new Set());
  return exact > max ? exact : undefined;
}

/** The bytes of a value's JSON with strings measured by `measure`; a cycle (a YAML alias loop) counts once. */
function jsonBytes(value: unknown, measure: (s: string) => number, path: Set<object>): number {
  if (typeof value === 'string') return measure(value);
  if (typeof value === 'number') return String(value).length;
  if (typeof value === 'boolean') return value ? 4 : 5;
  if (value === null || typeof value !== 'object') return 4;
  if (path.has(value)) return 0;
  path.add(value);
  let bytes = 2;
  if (Array.isArray(value)) {
    for (const item of value) bytes += jsonBytes(item, measure, path) + 1;
  } else {
    const record = value as Record<string, unknown>;
    for (const key in record) {
      const item = record[key];
      if (item === undefined || !Object.hasOwn(record, key)) continue;
      bytes += measure(key) + 1 + jsonBytes(item, measure, path) + 1;
    }
  }
  path.delete(value);
  // One comma fewer than items.
  return bytes > 2 ? bytes - 1 : bytes;
}

/** A string's bytes in JSON: its UTF-8, its quotes and what its escapes add (`\"` 1, `\n` 1, `\u0001` 5). */
function jsonStringBytes(text: string): number {
  let extra = 2;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 || c === 0x5c) extra += 1;
    else if (c < 0x20) extra += c === 0x08 || c === 0x09 || c === 0x0a || c === 0x0c || c === 0x0d ? 1 : 5;
  }
  return utf8Length(text) + extra;
}
