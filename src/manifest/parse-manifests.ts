import { isMap, isPair, isScalar, isSeq, LineCounter, type Node, parseAllDocuments } from 'yaml';
import type { Finding, KubeObject, Resource } from '../types.ts';
import { type IdentityOptions, resourceIdOf } from './resource-id.ts';

export interface ParseOptions extends IdentityOptions {
  /** Largest input accepted, in bytes. */
  maxBytes?: number;
  /** Most alias expansions per document (alias-bomb guard), see yaml's `maxAliasCount`. */
  maxAliasCount?: number;
  /** Line offset to add (when `text` is a slice of a larger file). */
  lineOffset?: number;
}

export interface ParseResult {
  resources: Resource[];
  findings: Finding[];
}

const DEFAULT_MAX_BYTES = 16 * 1024 * 1024;

/**
 * Multi-document YAML (or JSON, a YAML subset) → resources with file and line.
 * Documents without apiVersion/kind are not Kubernetes and are skipped silently.
 * Problems are findings (rule `parse`), never exceptions.
 */
export function parseManifests(text: string, file: string, opts: ParseOptions = {}): ParseResult {
  const resources: Resource[] = [];
  const findings: Finding[] = [];
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
  if (text.length > maxBytes) {
    findings.push({
      rule: 'parse',
      severity: 'error',
      file,
      line: 1,
      message: `file is ${text.length} bytes, over the ${maxBytes}-byte limit`,
    });
    return { resources, findings };
  }
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  const offset = opts.lineOffset ?? 0;
  for (const doc of Array.isArray(docs) ? docs : [docs]) {
    const docLine = lineCounter.linePos(doc.contents?.range?.[0] ?? doc.range[0]).line + offset;
    if (doc.errors.length > 0) {
      for (const err of doc.errors) {
        findings.push({
          rule: 'parse',
          severity: 'error',
          file,
          line: lineCounter.linePos(err.pos[0]).line + offset,
          message: err.message.split('\n')[0] ?? 'invalid YAML',
        });
      }
      continue;
    }
    if (!isMap(doc.contents)) continue;
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: opts.maxAliasCount ?? 100 });
    } catch (err) {
      findings.push({
        rule: 'parse',
        severity: 'error',
        file,
        line: docLine,
        message: err instanceof Error ? err.message : String(err),
      });
      continue;
    }
    if (!isKubeObject(value)) continue;
    const pointers: Record<string, number> = {};
    collectPointers(doc.contents, '', (pos) => lineCounter.linePos(pos).line + offset, pointers);
    resources.push({
      id: resourceIdOf(value, opts),
      apiVersion: value.apiVersion,
      object: value,
      file,
      line: docLine,
      pointers,
    });
  }
  return { resources, findings };
}

export function isKubeObject(value: unknown): value is KubeObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.apiVersion === 'string' && typeof v.kind === 'string' && v.apiVersion !== '' && v.kind !== ''
  );
}

/** Records, for every map key and sequence item, the line it starts on, keyed by JSON pointer. */
function collectPointers(
  node: unknown,
  prefix: string,
  lineAt: (pos: number) => number,
  out: Record<string, number>,
): void {
  if (isMap(node)) {
    for (const pair of node.items) {
      if (!isPair(pair)) continue;
      const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
      const pointer = `${prefix}/${key.replaceAll('~', '~0').replaceAll('/', '~1')}`;
      const keyNode = pair.key as Node | null;
      const start = keyNode?.range?.[0];
      if (start !== undefined) out[pointer] = lineAt(start);
      collectPointers(pair.value, pointer, lineAt, out);
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, i) => {
      const pointer = `${prefix}/${i}`;
      const start = (item as Node | null)?.range?.[0];
      if (start !== undefined) out[pointer] = lineAt(start);
      collectPointers(item, pointer, lineAt, out);
    });
  }
}
