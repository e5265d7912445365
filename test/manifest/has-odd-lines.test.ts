import { describe, expect, it } from 'vitest';
import { hasOddLines, hasOddStructure } from '../../src/manifest/has-odd-lines.ts';

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

describe('hasOddLines on long comment runs', () => {
  it('reads a run of comment lines once (a commented-out block of 60,000 lines took ~40 s)', () => {
    // Each comment line looked ahead past all the comments after it (quadratic: 40,000 took 17 s,
    // 200,000 minutes). Without the fix this test outlasts vitest's timeout; it asserts the verdicts.
    const block = '# a line of a commented-out block\n'.repeat(60_000);
    expect(hasOddLines(`apiVersion: v1\nkind: ConfigMap\n${block}data:\n  a: b\n`)).toBe(false);
    // The least indented comment of the run decides: a value on its own line deeper than it is odd.
    expect(hasOddLines(`b:\n  # deeper\n${block}    x\nc: 1\n`)).toBe(true);
    expect(hasOddLines(`b:\n${block.replaceAll('#', '      #')}    x\nc: 1\n`)).toBe(false);
  });
});

describe('hasOddStructure', () => {
  it('reads as text what only looks like structure: in descriptions, CEL rules, commands, patterns', () => {
    for (const plain of [
      // A CRD's description quoted over several lines, with `: `, `#` and `*` in it.
      "spec:\n  versions:\n    - schema:\n        description: 'APIVersion defines: the schema.\n          More info: https://x.io/a#resources, in *any* namespace'\n        type: object\n",
      // A plain description over several lines, lines starting with a quote, a bracket or `*`.
      'd:\n  description: ContainerStatuses in .Spec.Container[*].Image\n    *any* namespace\n    `^IST[0-9]{4}$` and "1"\n    [Kubernetes API\nnext: x\n',
      "x-kubernetes-validations:\n  - rule: '(has(self.a) ? 1 : 0) + (has(self.b) ? 1 : 0) <= 1'\n    message: must not contain '#'\n",
      'rule: self.all(m, !has(m.weight)) || !has(self.x)\npattern: ^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$\n',
      'command: ["sh", "-c", "a && b || !c"]\nargs: [\'--glob\', \'*.txt\']\nlabels: {a: b, "c": d}\n',
      'jsonPath: .status.addresses[*].url\nschedule: "*/5 * * * *"\nvalue: a*b & c!\n',
      'key:\n  value on the next line\n  and the next\nother:\n  "quoted on the next line"\n',
      "- 'item quoted\n  over two lines'\n- b\n",
      'script: |\n  if [ ! -f x ]; then echo a && b; fi\n  ? : ~: <<: &a *b\nafter: x\n',
      'a: "double quoted\n  over lines with \\"escapes\\""\nb: c\n',
      // A plain description folded onto a line starting like an item or a complex key (controller-gen).
      'hostname:\n  description: Host address of the remote registry service\n    - <domain>:<port>, e.g. x\n    ? y\n  type: string\n',
    ]) {
      expect(hasOddStructure(plain), plain).toBe(false);
    }
  });

  it('finds each construct where a node or key starts, and what it does not read exactly', () => {
    for (const odd of [
      'a: &x 1',
      'a: *x',
      'a: !!str 1',
      '&a b: c',
      '- *x',
      '? k\n: v',
      'k: [&a b]',
      'k: {a: *b}',
      'k: [? a]',
      '~: v',
      'null: v',
      '<<: {a: b}',
      'k: {<<: {a: b}}',
      'limits :\n  cpu: 1',
      'k: {a : b}',
      'k: {: b}',
      '[a]: b',
      'k: [[a]: b]',
      "'q'# c",
      'k: [a,#c]',
      'k:\n  : v',
      // A quoted scalar's later line not indented past its key, or unterminated.
      "x:\n  y: 'a\n  b'",
      "x: 'a\nb'",
      'x: "a',
      // A double-quoted line break escaped.
      'x: "a\\\n  b"',
      // A plain scalar cut by `: `, by a comment, or going on with `: `.
      'x: a\n  b: c',
      'x: a # c\n  b',
      'x: a\n  : b',
      'x: a\n  # c',
      // A plain value after a lesser comment, a root scalar, a flow collection over lines.
      'b:\n#a\n    x\nc: 1',
      'just text',
      'a: [\n  b]',
    ]) {
      expect(hasOddStructure(`apiVersion: v1\n${odd}\n`), odd).toBe(true);
    }
  });
});
