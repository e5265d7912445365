import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseManifests } from '../../src/manifest/parse-manifests.ts';
import { linesAt } from '../helpers/lines-at.ts';

/** Fragments that exercise YAML's structure: markers, indicators, anchors, quotes, odd whitespace. */
const yamlToken = fc.constantFrom(
  '\n',
  '\r\n',
  '\r',
  ' ',
  '  ',
  '\t',
  '- ',
  ': ',
  '? ',
  '---',
  '...',
  '[',
  ']',
  '{',
  '}',
  ',',
  '&a ',
  '*a',
  '<<: ',
  '!!binary ',
  '!x ',
  '"',
  "'",
  '#',
  '|',
  '>-',
  '%YAML 1.2',
  '\uFEFF',
  'apiVersion: v1',
  'kind: List',
  'kind: Pod',
  'items:',
  'metadata:',
  'name: x',
  '0644',
  'yes',
  '~',
  '__proto__',
);

function checkResult(text: string): void {
  const result = parseManifests(text, 'fuzz.yaml');
  const lines = text.split(/\r\n|\r|\n/).length;
  for (const r of result.resources) {
    expect(r.line).toBeGreaterThanOrEqual(1);
    expect(r.line).toBeLessThanOrEqual(lines);
    expect(typeof r.id.kind).toBe('string');
    for (const line of Object.values(linesAt(r, ['/apiVersion', '/kind', '/metadata', '/metadata/name']))) {
      if (line === undefined) continue;
      expect(line).toBeGreaterThanOrEqual(1);
      expect(line).toBeLessThanOrEqual(lines);
    }
  }
  for (const f of result.findings) {
    expect(f.rule).toBe('parse');
    expect(f.line).toBeGreaterThanOrEqual(1);
    expect(f.message).not.toBe('');
  }
}

describe('parseManifests properties', () => {
  it('never throws on arbitrary strings, and every line it reports is inside the text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 300 }), (text) => checkResult(text)),
      { numRuns: 300 },
    );
  });

  it('never throws on YAML-like token soup', () => {
    fc.assert(
      fc.property(fc.array(yamlToken, { maxLength: 80 }), (tokens) => checkResult(tokens.join(''))),
      { numRuns: 1000 },
    );
  });

  it('never throws on JSON-looking streams', () => {
    fc.assert(
      fc.property(
        fc.array(fc.json(), { minLength: 1, maxLength: 4 }),
        fc.constantFrom('', '\n', ' \n\n'),
        (docs, sep) => checkResult(docs.join(sep)),
      ),
      { numRuns: 300 },
    );
  });

  it('finds every object of a JSON stream, one resource each', () => {
    const object = fc.record({
      apiVersion: fc.constantFrom('v1', 'apps/v1'),
      kind: fc.constantFrom('ConfigMap', 'Deployment'),
      metadata: fc.record({ name: fc.string({ minLength: 1, maxLength: 10 }) }),
      data: fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 3 })),
    });
    fc.assert(
      fc.property(fc.array(object, { minLength: 2, maxLength: 5 }), fc.boolean(), (objects, pretty) => {
        const text = objects.map((o) => JSON.stringify(o, null, pretty ? 2 : undefined)).join('\n');
        const { resources, findings } = parseManifests(text, 'stream.json');
        expect(findings).toEqual([]);
        expect(resources.map((r) => r.object)).toEqual(objects.map((o) => JSON.parse(JSON.stringify(o))));
      }),
      { numRuns: 200 },
    );
  });
});
