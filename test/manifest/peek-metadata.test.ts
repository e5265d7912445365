import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { lineOf } from '../../src/manifest/line-of.ts';
import { parseManifests } from '../../src/manifest/parse-manifests.ts';

const DOCS = [
  'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata: {x: y}\n',
  '# comment\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  # the name\n  labels:\n    app: x\n  name: b\n# later\ndata:\n  x: y\n',
  'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: ml}\n',
  'metadata:\n  name: d\napiVersion: v1\nkind: ConfigMap\n',
  'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: e',
];

describe('peekMetadata', () => {
  it('gives the line the whole map gives for metadata.name, from the head alone', () => {
    const text = DOCS.join('---\n');
    const peeked = parseManifests(text, 'a.yaml').resources.map((r) =>
      r.lines?.peekMetadata?.('/metadata/name'),
    );
    const full = parseManifests(text, 'a.yaml').resources.map((r) => lineOf(r, ['metadata', 'name']));
    expect(peeked).toEqual(full);
    expect(full).toEqual([4, 14, 21, 24, 31]);
  });

  it('counts the same line as the whole map for any metadata block, without computing it', () => {
    // Entries that hold a `name:` or `namespace:` deeper, in a comment or in a block scalar's text.
    const ENTRIES = [
      '  labels:\n    name: not-this\n    app: x\n',
      '  annotations:\n    note: |\n      name: nor this\n      namespace: x\n',
      '  # name: a comment\n',
      '\n',
      '  generation: 2\n',
      '  ownerReferences:\n  - name: owner\n    kind: X\n',
      '  finalizers:\n  - a plain value\n    name folded on\n',
    ];
    fc.assert(
      fc.property(
        fc.shuffledSubarray(ENTRIES),
        fc.nat(),
        fc.constantFrom('  name: m\n', '  name:   m  # c\n', '  name: "m"\n'),
        fc.constantFrom('  namespace: ml\n', ''),
        fc.constantFrom('', '# head\n', '---\n'),
        fc.boolean(),
        (entries, split, name, namespace, head, crlf) => {
          const pre = entries.slice(0, split % (entries.length + 1));
          const post = entries.slice(pre.length);
          const doc = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n${pre.join('')}${name}${namespace}${post.join('')}data:\n  x: y\n`;
          let text = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: first\n---\n${head}${doc}`;
          if (crlf) text = text.replaceAll('\n', '\r\n');
          const parsed = parseManifests(text, 'a.yaml').resources;
          // Peeked first: the whole map, once computed, answers every later lookup.
          const peeked = parsed.map((r) =>
            ['/metadata/name', '/metadata/namespace'].map((p) => r.lines?.peekMetadata?.(p)),
          );
          const full = parsed.map((r) =>
            ['/metadata/name', '/metadata/namespace'].map((p) => r.lines?.all()[p]),
          );
          expect(peeked).toEqual(full);
          expect(full[1]?.[0]).toBeGreaterThan(3);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('says nothing where the head does not tell (JSON)', () => {
    const [json] = parseManifests(
      '{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "f"}}',
      'a.json',
    ).resources;
    expect(json?.lines?.peekMetadata?.('/metadata/name')).toBeUndefined();
  });
});
