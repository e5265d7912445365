import { describe, expect, it } from 'vitest';
import { hasOddLines } from '../../src/manifest/has-odd-lines.ts';

describe('hasOddLines', () => {
  it('lets plain manifests through: one-line quotes and flow collections, block scalars of any text', () => {
    for (const plain of [
      'apiVersion: v1\nkind: Pod\nmetadata:\n  name: "x"\n  labels: {a: b, "c": \'d\'}\n',
      'spec:\n  containers:\n    - args: ["--port=8080", "a,b", \'it\'\'s\']\n      image: x # "not a quote\n',
      'a: it\'s [plain\nb: x "y\n',
      'k: [a "b", c]\nj: {"a":"b"}\n',
      'data:\n  config.json: |\n    {\n      "a": [1,\n    }\n  script: >-\n    echo "it\'s\n  other: x\n',
      '- |\n  {\n- b\n',
      'x:\n  - a\n  - b: c\n',
      'a: |\n  x\n      \n  y\n',
      'm: [a, {b: c}, [d]]\nn: {a: {b: c}, d: [e]}\n',
      '# Source: chart/templates/a.yaml\napiVersion: v1\nspec:\n# off\n  replicas: 1\n  args:\n  # c\n    - a\n',
    ]) {
      expect(hasOddLines(plain), plain).toBe(false);
    }
  });

  it('finds a quoted scalar or flow collection that runs past its line', () => {
    for (const odd of [
      'a: [\nb]',
      'a: [\n  b\n]',
      'x:\n  y: "a\n  b"',
      "x: 'it''s\n  more'",
      '- {a: 1,\n  b: 2}',
      '- - [\n a]',
      'k: [a, "]"\n  ]',
      'k: [a "b, [c"]\n  ]',
      'k: [a # comment\n  ]',
      '"a\n  b": c',
      'a: |\n  x\nb: [\n c]',
    ]) {
      expect(hasOddLines(odd), odd).toBe(true);
    }
  });

  it('finds a collection as a key of a flow map', () => {
    for (const odd of ['m: {a, [b]}', 'm: {name: p, labels, {"a": "b"}}', '- {{a: b}}']) {
      expect(hasOddLines(odd), odd).toBe(true);
    }
  });

  it('finds an empty item, a root block scalar, long leading blank lines, a value after a lesser comment', () => {
    for (const odd of [
      'x:\n  y:\n    -\n  - b',
      'x:\n  - # c\n- b',
      '- \r\n',
      '|\n    \n#',
      '>-\n a',
      'x: |\n\n      \n #',
      'x: |2\n   a',
      'x: @a',
      'b:\n#a\n    x\nc: 1',
    ]) {
      expect(hasOddLines(odd), JSON.stringify(odd)).toBe(true);
    }
  });
});
