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

  it('says nothing where the head does not tell (JSON)', () => {
    const [json] = parseManifests(
      '{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "f"}}',
      'a.json',
    ).resources;
    expect(json?.lines?.peekMetadata?.('/metadata/name')).toBeUndefined();
  });
});
