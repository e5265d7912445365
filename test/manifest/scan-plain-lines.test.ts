import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import jsYaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { isMap, LineCounter, parseAllDocuments } from 'yaml';
import { generateManifests } from '../../bench/generate-manifests.ts';
import { KUBE_JS_YAML_SCHEMA } from '../../src/manifest/kube-js-yaml-schema.ts';
import { KUBE_YAML_OPTIONS } from '../../src/manifest/kube-yaml-options.ts';
import { formatPointer, parsePointer } from '../../src/manifest/line-of.ts';
import { isOddDocument } from '../../src/manifest/parse-manifests.ts';
import { parseNode } from '../../src/manifest/parse-node.ts';
import { scanPlainLines, scanPlainLinesAlong } from '../../src/manifest/scan-plain-lines.ts';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures');

/** The field lines as the `yaml` package composes them (the reference); undefined for a broken document. */
function composedLines(chunk: string, lineOffset: number): Record<string, number> | undefined {
  const lineCounter = new LineCounter();
  const lineAt = (pos: number) => lineCounter.linePos(pos).line + lineOffset;
  for (const doc of parseAllDocuments(chunk, { ...KUBE_YAML_OPTIONS, lineCounter })) {
    if (doc.errors.length > 0) return undefined;
    if (isMap(doc.contents)) return parseNode(doc.contents, { lineAt, maxDepth: 1000 }).pointers;
  }
  return {};
}

/** Whether the fast path of parseManifests reads this document with js-yaml (only those are scanned). */
function isFastPathObject(chunk: string): boolean {
  if (isOddDocument(chunk)) return false;
  try {
    const value = jsYaml.load(chunk, { schema: KUBE_JS_YAML_SCHEMA });
    return typeof value === 'object' && value !== null && !Array.isArray(value);
  } catch {
    return false;
  }
}

/** Scanned lines, when the scan reads the document, must be the composed ones. */
function expectSameWhenScanned(chunk: string, lineOffset = 0): boolean {
  const scanned = scanPlainLines(chunk, lineOffset);
  expectSameAlong(chunk, lineOffset, scanned);
  if (scanned === undefined) return false;
  expect(scanned).toEqual(composedLines(chunk, lineOffset));
  return true;
}

/**
 * The lines along a path (scanPlainLinesAlong) must be the whole map's for each of its prefixes, for
 * fields that are there and fields that are not; a document the whole scan refuses, the path scan
 * refuses too.
 */
function expectSameAlong(
  chunk: string,
  lineOffset: number,
  scanned: Record<string, number> | undefined,
): void {
  const present = Object.keys(scanned ?? { '/metadata/name': 0 });
  // Every field of a small document, a spread of a large one's.
  const step = Math.max(1, Math.floor(present.length / 60));
  const pointers = present.filter((_, i) => i % step === 0);
  for (const pointer of [...pointers, ...pointers.map((p) => `${p}/absent`), '/absent/0', '/spec/0/x~1y']) {
    const path = parsePointer(pointer);
    const along = scanPlainLinesAlong(chunk, lineOffset, path);
    if (scanned === undefined) expect(along).toBeUndefined();
    else expect(along).toEqual(path.map((_, k) => scanned[formatPointer(path.slice(0, k + 1))]));
  }
}

function documentsOf(text: string): string[] {
  return text.split(/^(?=---(?:[ \t\r\n]|$))/m);
}

function yamlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return yamlFiles(path);
    return /\.ya?ml$/.test(name) ? [path] : [];
  });
}

const KEYS = [
  'name',
  'app.kubernetes.io/name',
  'a~b',
  '_x',
  'on',
  'y',
  'No',
  '"quoted"',
  "'single'",
  '"a/b"',
  '1',
  'k-2',
];
const SCALARS = [
  'plain',
  'two words',
  'http://x.example/a',
  '-1',
  'yes',
  '"double \\" quote"',
  "'it''s'",
  'a # comment',
  '"unclosed',
  '[a, b]',
  '[]',
  '{}',
  '{ cpu: 500m, memory: 2Gi }',
  '["--port=8080", "--x=y"]',
  '[a, [b, c], { d: e }]',
  '{ a: [1, 2] }',
  '[a:b]',
  '{ a }',
  '[a, ]',
  'x: y',
  '~',
  '',
];

type Node =
  | { kind: 'scalar'; text: string }
  | { kind: 'map'; entries: [string, Node][] }
  | { kind: 'seq'; items: Node[] }
  | { kind: 'block'; header: string; body: string[] };

const node: fc.Arbitrary<Node> = fc.letrec<{ node: Node }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.record({ kind: fc.constant('scalar' as const), text: fc.constantFrom(...SCALARS) }),
    fc.record({
      kind: fc.constant('block' as const),
      header: fc.constantFrom('|', '>-', '|+', '| # c', '|2'),
      body: fc.array(fc.constantFrom('text', '', '# not a comment', '  more: indented', '- x'), {
        maxLength: 3,
      }),
    }),
    fc.record({
      kind: fc.constant('map' as const),
      entries: fc.array(fc.tuple(fc.constantFrom(...KEYS), tie('node')), { minLength: 1, maxLength: 3 }),
    }),
    fc.record({
      kind: fc.constant('seq' as const),
      items: fc.array(tie('node'), { minLength: 1, maxLength: 3 }),
    }),
  ),
})).node;

interface Style {
  step: number;
  compact: boolean;
  dashSpaces: number;
  comments: boolean;
}

/** Block YAML for `value` under `key: ` or `- ` (the prefix), at `indent`. */
function emit(value: Node, prefix: string, indent: number, style: Style, out: string[]): void {
  const pad = ' '.repeat(indent);
  if (value.kind === 'scalar') {
    out.push(`${pad}${prefix}${value.text}`.trimEnd());
  } else if (value.kind === 'block') {
    out.push(`${pad}${prefix}${value.header}`);
    for (const line of value.body) out.push(line === '' ? '' : `${pad}${' '.repeat(style.step)}${line}`);
  } else if (prefix.startsWith('-') && value.kind === 'map') {
    // A map starting on the item's line.
    const col = indent + prefix.length;
    const lines: string[] = [];
    for (const [key, child] of value.entries) emit(child, `${key}: `, col, style, lines);
    lines[0] = `${pad}${prefix}${(lines[0] ?? '').slice(col)}`;
    out.push(...lines);
  } else {
    out.push(`${pad}${prefix}`.trimEnd());
    if (style.comments) out.push(`${' '.repeat(indent + 1)}# note`);
    const inner =
      value.kind === 'seq' && style.compact && !prefix.startsWith('-') ? indent : indent + style.step;
    if (value.kind === 'map')
      for (const [key, child] of value.entries) emit(child, `${key}: `, inner, style, out);
    else for (const item of value.items) emit(item, `-${' '.repeat(style.dashSpaces)}`, inner, style, out);
  }
}

function documentOf(entries: [string, Node][], style: Style, marker: boolean): string {
  const out: string[] = marker ? ['---'] : [];
  out.push('# header', 'apiVersion: v1', 'kind: ConfigMap');
  for (const [key, value] of entries) emit(value, `${key}: `, 0, style, out);
  return `${out.join('\n')}\n`;
}

describe('scanPlainLines', () => {
  it('finds the lines the yaml package composes for every fast-path document of the fixtures', () => {
    let scanned = 0;
    for (const file of yamlFiles(fixtures)) {
      for (const chunk of documentsOf(readFileSync(file, 'utf8'))) {
        if (isFastPathObject(chunk) && expectSameWhenScanned(chunk, 7)) scanned++;
      }
    }
    expect(scanned).toBeGreaterThan(100);
  });

  it('reads every document of the generated bench manifests', () => {
    for (const chunk of documentsOf(generateManifests(300))) {
      if (!isFastPathObject(chunk)) continue;
      expect(expectSameWhenScanned(chunk)).toBe(true);
    }
  });

  it('finds the composed lines of generated documents, or leaves them to the yaml package', () => {
    let scanned = 0;
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom(...KEYS), node), { minLength: 1, maxLength: 4 }),
        fc.record({
          step: fc.constantFrom(2, 4),
          compact: fc.boolean(),
          dashSpaces: fc.constantFrom(1, 3),
          comments: fc.boolean(),
        }),
        fc.boolean(),
        (entries, style, marker) => {
          const chunk = documentOf(entries, style, marker);
          if (!isFastPathObject(chunk) || composedLines(chunk, 0) === undefined) return;
          if (expectSameWhenScanned(chunk, 3)) scanned++;
        },
      ),
      { numRuns: 3000 },
    );
    expect(scanned).toBeGreaterThan(150);
  });

  it('leaves what it does not read to the yaml package', () => {
    for (const chunk of [
      'a:\n  b: 1\r\n',
      'a:\tb\n',
      'a:\n  - \n',
      'a: "x\n  y"\n',
      'a: x\n  y\n',
      'on: 1\n',
      'a: [1,\n  2]\n',
      'a:\n  - - b\n',
      '"a\\"b": 1\n',
    ]) {
      expect(scanPlainLines(chunk, 0)).toBeUndefined();
      expect(scanPlainLinesAlong(chunk, 0, ['a', 'b'])).toBeUndefined();
    }
  });
});
