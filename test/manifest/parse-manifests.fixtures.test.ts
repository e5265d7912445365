import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseManifests } from '../../src/manifest/parse-manifests.ts';
import type { Finding, ResourceId } from '../../src/types.ts';
import { linesAt } from '../helpers/lines-at.ts';

/**
 * Table-driven over test/fixtures/parse/<case>/{input.yaml|input.json, expected.json}. Each case
 * also runs with CRLF line ends and with a byte-order mark: neither may change a line number.
 */
interface Expected {
  resources: { id: ResourceId; line: number; pointers?: Record<string, number> }[];
  findings: (Pick<Finding, 'severity' | 'line' | 'message'> & { resource?: string })[];
}

const root = path.join(import.meta.dirname, '../fixtures/parse');
const cases = readdirSync(root).sort();

const variants: Record<string, (text: string) => string> = {
  LF: (text) => text,
  CRLF: (text) => text.replaceAll('\n', '\r\n'),
  BOM: (text) => `\uFEFF${text}`,
};

describe.each(cases)('fixture %s', (name) => {
  const dir = path.join(root, name);
  const inputFile = readdirSync(dir).find((f) => f.startsWith('input.'));
  if (!inputFile) throw new Error(`fixture ${name} has no input file`);
  const input = readFileSync(path.join(dir, inputFile), 'utf8');
  const expected = JSON.parse(readFileSync(path.join(dir, 'expected.json'), 'utf8')) as Expected;

  it.each(Object.keys(variants))('yields the expected resources, lines and findings (%s)', (variant) => {
    const text = variants[variant]?.(input) ?? input;
    const { resources, findings } = parseManifests(text, `deploy/${inputFile}`);

    expect(resources.map((r) => ({ id: r.id, line: r.line }))).toEqual(
      expected.resources.map((r) => ({ id: r.id, line: r.line })),
    );
    expected.resources.forEach((want, i) => {
      if (want.pointers) expect(linesAt(resources[i], Object.keys(want.pointers))).toEqual(want.pointers);
      expect(resources[i]?.file).toBe(`deploy/${inputFile}`);
    });
    expect(
      findings.map(({ severity, line, message, resource }) => ({ severity, line, message, resource })),
    ).toEqual(
      expected.findings.map(({ severity, line, message, resource }) => ({
        severity,
        line,
        message,
        resource,
      })),
    );
    for (const f of findings) expect(f).toMatchObject({ rule: 'parse', file: `deploy/${inputFile}` });
  });
});
