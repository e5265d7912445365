import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatYaml } from '../../src/diff/format-yaml.ts';
import { formatYamlReference } from './format-yaml-reference.ts';

// Strings the quoting rules treat specially: YAML indicators, YAML 1.1 words, numbers and times as
// text, multi-line text with and without trailing newlines, leading spaces, unicode, controls.
const awkwardString = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 12 }),
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.stringMatching(/^[ \-?:#a-z0-9.\n]{0,8}$/),
  fc.constantFrom(
    ...['yes', 'No', 'on', 'OFF', 'y', 'Y', 'n', 'N', 'true', 'False', '~', 'null', 'NULL', '=', '<<'],
    ...['1', '-1', '+1', '0x1F', '0o17', '017', '0b101', '1e3', '1E-3', '1_000', '.5', '5.', '-.inf', '.NaN'],
    ...['12:30', '1:20:30.5', '2024-10-01', '2024-1-1T10:00:00Z', '- item', '-', '-x', '--model=x', '---'],
    ...['...', '? q', '?', '?x', ': x', ':', ':x', 'a: b', 'a:b', 'a #b', 'a#b', '#x', 'x:', 'x: '],
    ...['&anchor', '*alias', '!tag', '|', '>', "'q'", '"q"', '%x', '@x', '`x`', ',', '[a]', '{a}'],
    ...[' lead', 'trail ', '  indented\nnext', 'line\n', 'a\nb', 'a\n\n', 'a\n\n\n', '\nlead', '\n', '\n\n'],
    ...['x\n  y\n', ' \nx', '\t\nx', '\u3000x\ny', 'tab\there', 'cr\r\nlf', 'a\u2028b', '\ufeffbom'],
    ...['\u0085nel', 'x\u001b[0m', '\ud800', '<circular alias>', '<redacted, changed>', '', ' ', 'über'],
    ...['日本語', '🚀 emoji', 'model-server-1', 'app.kubernetes.io/name', 'k'.repeat(1000), 'k'.repeat(1001)],
  ),
);

// Keys that steer the order (root, metadata, list items) mixed with keys that need quoting.
const key = fc.oneof(
  fc.constantFrom(
    ...['apiVersion', 'kind', 'metadata', 'spec', 'data', 'stringData', 'status'],
    ...['name', 'namespace', 'labels', 'annotations', 'image', 'a', 'b', 'B', '_', '__proto__'],
  ),
  awkwardString,
);

const scalar = fc.oneof(
  awkwardString,
  fc.integer(),
  fc.constantFrom(0, -0, 1e21, -1e-7, 2 ** 53 + 2, Number.MAX_VALUE, Number.MIN_VALUE, 0.1 + 0.2),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
  fc.constant(() => 1),
);

const data = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalar, tie('list'), tie('map')),
  list: fc.array(tie('value'), { maxLength: 5 }),
  map: fc.array(fc.tuple(key, tie('value')), { maxLength: 6 }).map((entries) => {
    // Own properties even for `__proto__`, as yaml's toJS gives them.
    const map: Record<string, unknown> = {};
    for (const [k, v] of entries)
      Object.defineProperty(map, k, { value: v, writable: true, enumerable: true, configurable: true });
    return map;
  }),
})).value;

// Enough for CI within a few seconds; the change was also checked once with 20,000 runs.
const numRuns = 1500;

describe('formatYaml against the reference emitter', () => {
  it('prints the same text as the reference for arbitrary data, with and without circularAsText', () => {
    fc.assert(
      fc.property(data, fc.boolean(), (value, circularAsText) => {
        expect(formatYaml(value, { circularAsText })).toBe(formatYamlReference(value, { circularAsText }));
      }),
      { numRuns },
    );
  });

  it('prints the same text as the reference for manifest-shaped objects', () => {
    const manifest = fc.record({
      apiVersion: awkwardString,
      kind: fc.constantFrom('Deployment', 'Service', 'ConfigMap'),
      metadata: fc.record(
        { name: awkwardString, namespace: awkwardString, labels: data, annotations: data, uid: data },
        { requiredKeys: ['name'] },
      ),
      spec: data,
      data: data,
    });
    fc.assert(
      fc.property(manifest, (value) => {
        expect(formatYaml(value, { circularAsText: true })).toBe(
          formatYamlReference(value, { circularAsText: true }),
        );
      }),
      { numRuns: Math.ceil(numRuns / 3) },
    );
  });

  it('prints alias cycles as the reference does, at the root, in maps and in lists', () => {
    const inner: Record<string, unknown> = { a: 1 };
    inner.self = inner;
    inner.list = [inner, [inner], { name: 'x', back: inner }];
    const list: unknown[] = ['x'];
    list.push(list, { l: list });
    const root: Record<string, unknown> = { kind: 'K', inner, list };
    root.root = root;
    for (const value of [root, inner, list, [inner], [list], { a: [[list]] }])
      for (const circularAsText of [false, true])
        expect(formatYaml(value, { circularAsText })).toBe(formatYamlReference(value, { circularAsText }));
  });
});
