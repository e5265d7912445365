import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseManifests } from '../../src/manifest/parse-manifests.ts';
import { linesAt } from '../helpers/lines-at.ts';

/**
 * The js-yaml fast path must read every document exactly as the `yaml` package (the reference, ADR 0002)
 * does: same objects, identities, lines, field lines and findings. Differential tests over scalar forms
 * that YAML 1.1 and 1.2 resolve differently and over token soup.
 */
function both(text: string) {
  const fast = parseManifests(text, 'x.yaml');
  const reference = parseManifests(text, 'x.yaml', { fastPath: false });
  return { fast, reference };
}

function expectSame(text: string): void {
  const { fast, reference } = both(text);
  const view = (r: (typeof fast.resources)[number]) => ({ id: r.id, line: r.line, object: r.object });
  expect(fast.resources.map(view)).toEqual(reference.resources.map(view));
  expect(fast.findings).toEqual(reference.findings);
  const pointers = ['/apiVersion', '/kind', '/metadata', '/metadata/name', '/data', '/data/a', '/items/0'];
  fast.resources.forEach((r, i) => {
    expect(linesAt(r, pointers)).toEqual(linesAt(reference.resources[i], pointers));
  });
}

const SCALARS = [
  'yes',
  'Yes',
  'YES',
  'no',
  'on',
  'On',
  'OFF',
  'y',
  'n',
  'Y',
  'N',
  'true',
  'False',
  'TRUE',
  'yEs',
  '~',
  'null',
  'Null',
  'NULL',
  'nULL',
  '',
  '0644',
  '0o644',
  '0755',
  '08',
  '09',
  '0_7',
  '0b101',
  '0b',
  '0x1F',
  '0xfF_0',
  '-0x1',
  '+12',
  '-0',
  '1_000',
  '12345678901234567890',
  '1.5',
  '.5',
  '5.',
  '.',
  '-.',
  '1e3',
  '1E-3',
  '+1.5e+3',
  '1_0.0_1',
  '.inf',
  '-.Inf',
  '+.INF',
  '.nan',
  '.NaN',
  'NaN',
  'inf',
  '10:30',
  '1:20:30',
  '2001-12-14',
  '2001-12-14t21:59:43.10-05:00',
  '0.',
  '00',
  '0',
  '+0',
  '-',
  '+',
  '1e',
  'e3',
  '0x',
  '1__0',
  '"yes"',
  "'0644'",
  '"1.5"',
  '!!str 5',
  '[1, on, 0644]',
  '{a: yes}',
  '|\n    on',
  '>-\n    0644',
];

const scalar = fc.constantFrom(...SCALARS);

describe('parseManifests fast path', () => {
  it('resolves YAML 1.1 scalars exactly as the yaml package does', () => {
    for (const value of SCALARS) {
      expectSame(
        `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  a: ${value}\n  ${value.split('\n')[0] || 'k'}: 1\n`,
      );
    }
  });

  it('reads documents of scalars, lists and comments as the yaml package does', () => {
    const doc = fc
      .tuple(scalar, scalar, fc.constantFrom('', '# c\n', '\n\n'), fc.constantFrom('ConfigMap', 'List'))
      .map(
        ([a, b, pre, kind]) =>
          `${pre}apiVersion: v1\nkind: ${kind}\nmetadata:\n  name: n\ndata:\n  a: ${a}\n  b: [${b.split('\n')[0]}]\n` +
          (kind === 'List' ? `items:\n  - apiVersion: v1\n    kind: Pod\n    metadata: {name: p}\n` : ''),
      );
    fc.assert(
      fc.property(
        fc.array(doc, { minLength: 1, maxLength: 4 }),
        fc.constantFrom('---\n', '--- # x\n'),
        (docs, sep) => expectSame(docs.join(sep)),
      ),
      { numRuns: 300 },
    );
  });

  it('agrees with the yaml package on YAML-like token soup (errors included)', () => {
    const token = fc.constantFrom(
      '\n',
      '\r\n',
      ' ',
      '  ',
      '\t',
      '- ',
      ': ',
      '? ',
      '---',
      '--- ',
      '...',
      '[',
      ']',
      '{',
      '}',
      ',',
      '&a ',
      '*a',
      '<<: ',
      '!x ',
      '"',
      "'",
      '#',
      '|',
      '>-',
      'apiVersion: v1',
      'kind: Pod',
      'kind: List',
      'items:',
      'metadata:',
      'name: x',
      '0644',
      'yes',
      '~',
      'null',
      '__proto__',
      'a',
      'b: c',
      '\n  ',
      '\n    ',
    );
    fc.assert(
      fc.property(fc.array(token, { maxLength: 60 }), (tokens) => expectSame(tokens.join(''))),
      { numRuns: 3000 },
    );
  });
});
