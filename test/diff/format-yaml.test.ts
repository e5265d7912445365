import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { formatYaml } from '../../src/diff/format-yaml.ts';

/** yaml's parser reads the text back; core schema, so `yes` would stay a string either way. */
function roundTrip(value: unknown): unknown {
  return parse(formatYaml(value), { uniqueKeys: true });
}

// JSON-like data with awkward strings: YAML indicators, numbers as text, multi-line, unicode, controls.
const awkwardString = fc.oneof(
  fc.string({ unit: 'grapheme' }),
  fc.string({ unit: 'binary' }),
  fc.constantFrom(
    'yes',
    'No',
    'on',
    'OFF',
    'y',
    'n',
    '~',
    'null',
    'true',
    '1',
    '0o17',
    '0x1F',
    '1e3',
    '1_000',
    '.5',
    '-.inf',
    '.NaN',
    '12:30',
    '2024-10-01',
    '- item',
    '-',
    '--model=x',
    '? q',
    ': x',
    'a: b',
    'a #b',
    'a#b',
    '#x',
    '&anchor',
    '*alias',
    '!tag',
    '|',
    '>',
    "'q'",
    '"q"',
    '%x',
    '@x',
    '`x`',
    ' lead',
    'trail ',
    '---',
    '...',
    '<<',
    '=',
    'line\n',
    '\nlead',
    '  indented\nnext',
    'a\n\n\n',
    'tab\there',
    'cr\r\nlf',
    '\u2028sep',
    '\ufeffbom',
    '\u0085nel',
    'x:',
    '<redacted, changed>',
    '',
    'über',
    '日本語',
    '🚀 emoji',
  ),
);
const scalar = fc.oneof(
  awkwardString,
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
  fc.constant(null),
);
const data = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalar, tie('list'), tie('map')),
  list: fc.array(tie('value'), { maxLength: 4 }),
  map: fc.dictionary(awkwardString, tie('value'), { maxKeys: 5 }),
})).value;

describe('formatYaml', () => {
  it('prints text that parses back to the same data, for arbitrary data', () => {
    fc.assert(
      fc.property(data, (value) => {
        expect(roundTrip(value)).toEqual(JSON.parse(JSON.stringify(value)));
      }),
      { numRuns: 2000 },
    );
  });

  it('prints the same text whatever order the keys were inserted in', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.integer(), { minKeys: 1 }), (map) => {
        const reversed = Object.fromEntries(Object.entries(map).reverse());
        expect(formatYaml({ spec: reversed })).toBe(formatYaml({ spec: map }));
      }),
    );
  });

  it('orders top-level, metadata and list-item keys the way manifests are read', () => {
    const text = formatYaml({
      status: {},
      spec: { template: { spec: { containers: [{ image: 'x:1', name: 'main' }] } } },
      metadata: { uid: 'u', annotations: { a: '1' }, labels: { b: '2' }, namespace: 'ml', name: 'api' },
      kind: 'Deployment',
      apiVersion: 'apps/v1',
    });
    expect(text).toBe(
      [
        'apiVersion: apps/v1',
        'kind: Deployment',
        'metadata:',
        '  name: api',
        '  namespace: ml',
        '  labels:',
        '    b: "2"',
        '  annotations:',
        '    a: "1"',
        '  uid: u',
        'spec:',
        '  template:',
        '    spec:',
        '      containers:',
        '        - name: main',
        '          image: x:1',
        'status: {}',
        '',
      ].join('\n'),
    );
  });

  it('quotes strings that YAML 1.1 (kubectl) would read as booleans, numbers or times', () => {
    const text = formatYaml({ a: 'yes', b: 'on', c: '8080', d: '12:30', e: '0o17', f: '1e3', g: 'plain' });
    expect(text).toBe('a: "yes"\nb: "on"\nc: "8080"\nd: "12:30"\ne: "0o17"\nf: "1e3"\ng: plain\n');
  });

  it('prints multi-line strings as literal blocks so a changed line diffs as one line', () => {
    expect(formatYaml({ script: 'set -e\necho hi\n' })).toBe('script: |\n  set -e\n  echo hi\n');
    expect(formatYaml({ script: 'a\nb' })).toBe('script: |-\n  a\n  b\n');
    expect(formatYaml({ script: 'a\n\n' })).toBe('script: |+\n  a\n\n');
  });

  it('escapes control and invisible characters instead of printing them raw', () => {
    const text = formatYaml({ a: 'x\u001b[31my', b: 'p\u2028q', c: 'bom\ufeff' });
    expect(text).toBe('a: "x\\u001b[31my"\nb: "p\\u2028q"\nc: "bom\\ufeff"\n');
  });

  it('prints empty collections inline and nested lists with a dash per level', () => {
    expect(formatYaml({ a: {}, b: [], c: [[1, 2], [], {}] })).toBe(
      'a: {}\nb: []\nc:\n  - - 1\n    - 2\n  - []\n  - {}\n',
    );
  });

  it('uses the explicit key form for keys past the 1,024-character implicit-key limit', () => {
    const key = 'k'.repeat(1500);
    expect(roundTrip({ [key]: { x: 1 } })).toEqual({ [key]: { x: 1 } });
  });
});

describe('formatYaml on alias cycles', () => {
  it('prints a marker where an alias refers back to its own ancestor, instead of recursing forever', () => {
    const data: Record<string, unknown> = { a: 1 };
    data.self = data;
    data.list = [data];
    expect(formatYaml({ data })).toBe(
      'data:\n  a: 1\n  list:\n    - "<circular alias>"\n  self:\n    "<circular alias>"\n',
    );
  });
});
