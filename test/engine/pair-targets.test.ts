import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/parse-config.ts';
import { pairTargets } from '../../src/engine/pair-targets.ts';

const config = (text: string) => parseConfig(text, {}).config;
const A = 'targets:\n  - name: a\n    path: a\n  - name: b\n    path: b\n';

describe('pairTargets', () => {
  it.each([
    [
      'the same config: nothing changed',
      A,
      A,
      [
        ['a', 'a', 'a', false],
        ['b', 'b', 'b', false],
      ],
    ],
    [
      "one target's path changed: only it",
      A,
      A.replace('path: b', 'path: c'),
      [
        ['a', 'a', 'a', false],
        ['b', 'b', 'c', true],
      ],
    ],
    [
      'a target added: head only',
      'targets:\n  - name: a\n    path: a\n',
      A,
      [
        ['a', 'a', 'a', false],
        ['b', undefined, 'b', true],
      ],
    ],
    [
      'a target removed: base only, after the head targets',
      A,
      'targets:\n  - name: b\n    path: b\n',
      [
        ['b', 'b', 'b', false],
        ['a', 'a', undefined, true],
      ],
    ],
    [
      'the top-level Kubernetes version changed: every target that sets none',
      A,
      `kubernetesVersion: "1.31"\n${A.replace('path: b', 'path: b\n    kubernetesVersion: "1.34"')}`,
      [
        ['a', 'a', 'a', true],
        ['b', 'b', 'b', true],
      ],
    ],
    [
      'rule overrides changed: every target',
      A,
      `rules: {image-pinned: error}\n${A}`,
      [
        ['a', 'a', 'a', true],
        ['b', 'b', 'b', true],
      ],
    ],
    [
      'the same setting written differently: unchanged',
      A,
      'targets:\n  - {name: a, path: ./a/}\n  - name: b\n    path: b\n    prune: true\n',
      [
        ['a', 'a', 'a', false],
        ['b', 'b', 'b', false],
      ],
    ],
    [
      'a target added above another moves its lines, not its settings: only the new one',
      'targets:\n  - name: b\n    path: b\n',
      `# comment\n${A}`,
      [
        ['a', undefined, 'a', true],
        ['b', 'b', 'b', false],
      ],
    ],
  ])('%s', (_name, base, head, expected) => {
    const pairs = pairTargets({ base: config(base), head: config(head) });
    expect(pairs.map((p) => [p.name, p.base?.path, p.head?.path, p.settingsChanged])).toEqual(expected);
  });

  it('pairs every head target as added when there is no base', () => {
    expect(
      pairTargets({ base: undefined, head: config(A) }).map((p) => [p.name, p.base, p.settingsChanged]),
    ).toEqual([
      ['a', undefined, true],
      ['b', undefined, true],
    ]);
  });
});
