import { describe, expect, it } from 'vitest';
import { formatUnifiedDiff } from '../../src/diff/format-unified-diff.ts';

describe('formatUnifiedDiff', () => {
  it('is empty when both sides are equal', () => {
    expect(formatUnifiedDiff({ label: 'ConfigMap ml/c', before: 'a: 1\n', after: 'a: 1\n' })).toBe('');
  });

  it('names the resource in the headers and keeps three lines of context', () => {
    const before = ['a: 1', 'b: 2', 'c: 3', 'd: 4', 'e: 5', 'f: 6', 'g: 7', 'h: 8', ''].join('\n');
    const after = before.replace('e: 5', 'e: 50');
    expect(formatUnifiedDiff({ label: 'ConfigMap ml/c', before, after })).toBe(
      [
        '--- ConfigMap ml/c (base)',
        '+++ ConfigMap ml/c (head)',
        '@@ -2,7 +2,7 @@',
        ' b: 2',
        ' c: 3',
        ' d: 4',
        '-e: 5',
        '+e: 50',
        ' f: 6',
        ' g: 7',
        ' h: 8',
        '',
      ].join('\n'),
    );
  });

  it('shows a new resource against /dev/null, every line added', () => {
    expect(formatUnifiedDiff({ label: 'Service ml/api', after: 'a: 1\nb: 2\n' })).toBe(
      '--- /dev/null\n+++ Service ml/api (head)\n@@ -0,0 +1,2 @@\n+a: 1\n+b: 2\n',
    );
  });

  it('shows a removed resource against /dev/null, every line removed', () => {
    expect(formatUnifiedDiff({ label: 'Service ml/api', before: 'a: 1\n' })).toBe(
      '--- Service ml/api (base)\n+++ /dev/null\n@@ -1,1 +0,0 @@\n-a: 1\n',
    );
  });

  it('falls back to a note when the edit is larger than the bound, instead of running for seconds', () => {
    const before = Array.from({ length: 300 }, (_, i) => `k${i}: a`).join('\n');
    const after = Array.from({ length: 300 }, (_, i) => `k${i}: b`).join('\n');
    const diff = formatUnifiedDiff({ label: 'ConfigMap ml/big', before, after, maxEditLength: 50 });
    expect(diff).toBe(
      '--- ConfigMap ml/big (base)\n+++ ConfigMap ml/big (head)\n@@ too large to diff line by line: 299 lines before, 299 after @@\n',
    );
  });
});
