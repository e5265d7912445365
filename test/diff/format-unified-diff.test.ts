import { applyPatch, createTwoFilesPatch, FILE_HEADERS_ONLY } from 'diff';
import fc from 'fast-check';
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

describe('formatUnifiedDiff on the changed middle only', () => {
  // Few distinct lines, so repeats (where a diff could be aligned more than one way) are common.
  const text = fc
    .tuple(
      fc.array(fc.constantFrom('a: 1', 'b: 2', '  - x', '  - y', 'c:', ''), { maxLength: 30 }),
      fc.boolean(),
    )
    .map(([lines, newline]) => lines.join('\n') + (newline ? '\n' : ''));

  const changedLines = (patch: string) =>
    patch.split('\n').filter((l) => /^[-+](?!-- |\+\+ )/.test(l)).length;

  it('is a patch from base to head as small as jsdiff makes of the whole texts, for any pair and context', () => {
    fc.assert(
      fc.property(text, text, fc.integer({ min: 0, max: 4 }), (before, after, context) => {
        fc.pre(before !== after);
        const patch = formatUnifiedDiff({ label: 'r', before, after, context });
        expect(applyPatch(before, patch)).toBe(after);
        const whole = createTwoFilesPatch('r (base)', 'r (head)', before, after, undefined, undefined, {
          context,
          headerOptions: FILE_HEADERS_ONLY,
        });
        // Trimming common first and last lines keeps a shortest edit: only where equal lines repeat
        // may it pair a different one of them than jsdiff does.
        expect(changedLines(patch)).toBe(changedLines(whole));
      }),
      { numRuns: 2000 },
    );
  });

  it('prints exactly what jsdiff prints when no line repeats (as in a resource whose lines are all distinct)', () => {
    // Head: base's distinct lines, some dropped, some replaced or joined by new distinct ones.
    const edits = fc.array(fc.constantFrom('keep', 'drop', 'replace', 'insert'), {
      minLength: 1,
      maxLength: 60,
    });
    fc.assert(
      fc.property(edits, fc.integer({ min: 0, max: 4 }), fc.boolean(), (ops, context, newline) => {
        const base: string[] = [];
        const head: string[] = [];
        ops.forEach((op, i) => {
          if (op !== 'insert') base.push(`line ${i}`);
          if (op === 'keep') head.push(`line ${i}`);
          if (op === 'replace' || op === 'insert') head.push(`new ${i}`);
        });
        const end = newline ? '\n' : '';
        const before = base.join('\n') + end;
        const after = head.join('\n') + end;
        fc.pre(before !== after);
        const whole = createTwoFilesPatch('r (base)', 'r (head)', before, after, undefined, undefined, {
          context,
          headerOptions: FILE_HEADERS_ONLY,
        });
        expect(formatUnifiedDiff({ label: 'r', before, after, context })).toBe(whole);
      }),
      { numRuns: 1000 },
    );
  });

  it('numbers the hunks of a change in the middle of a long text as in the whole text', () => {
    const lines = Array.from({ length: 40 }, (_, i) => `line ${i}`);
    const after = lines.map((l, i) => (i === 20 ? 'changed' : l));
    const patch = formatUnifiedDiff({
      label: 'r',
      before: `${lines.join('\n')}\n`,
      after: `${after.join('\n')}\n`,
    });
    expect(patch.split('\n')[2]).toBe('@@ -18,7 +18,7 @@');
  });
});

/** formatUnifiedDiff's changed-middle patch before hunks were built without jsdiff: the reference. */
function jsdiffOfMiddle(opts: { before: string; after: string; context: number; maxEditLength: number }) {
  const { before, after, context } = opts;
  const a = before.split('\n');
  const b = after.split('\n');
  const limit = Math.min(a.length, b.length) - 1;
  let head = 0;
  while (head < limit && a[head] === b[head]) head++;
  let tail = 0;
  while (a.at(-1) === b.at(-1) && tail < limit - head && a[a.length - 2 - tail] === b[b.length - 2 - tail])
    tail++;
  const skipHead = Math.max(0, head - context);
  const skipTail = Math.max(0, tail - context);
  const window = (lines: string[]): string =>
    skipTail === 0
      ? lines.slice(skipHead).join('\n')
      : lines
          .slice(skipHead, lines.length - 1 - skipTail)
          .map((line) => `${line}\n`)
          .join('');
  const patch = createTwoFilesPatch(
    'r (base)',
    'r (head)',
    skipHead + skipTail === 0 ? before : window(a),
    skipHead + skipTail === 0 ? after : window(b),
    undefined,
    undefined,
    { context, maxEditLength: opts.maxEditLength, headerOptions: FILE_HEADERS_ONLY },
  );
  if (patch === undefined || skipHead === 0) return patch;
  return patch.replace(
    /^@@ -(\d+)(,\d+)? \+(\d+)(,\d+)? @@$/gm,
    (_, oldStart: string, oldCount = '', newStart: string, newCount = '') =>
      `@@ -${Number(oldStart) + skipHead}${oldCount} +${Number(newStart) + skipHead}${newCount} @@`,
  );
}

describe('formatUnifiedDiff builds a small changed middle without jsdiff', () => {
  // Common lines around a middle whose sides are drawn from their own words or shared ones, so
  // middles that can be aligned only one way (built directly) and ones that cannot (jsdiff) both occur.
  const lines = (words: string[], maxLength: number) => fc.array(fc.constantFrom(...words), { maxLength });
  const pair = fc
    .record({
      prefix: lines(['a: 1', 'b: 2', '', '  - x'], 6),
      removed: lines(['old: 1', 'old: 2', '', 'a: 1', '  - x'], 20),
      added: lines(['new: 1', 'new: 2', '', 'b: 2', 'old: 1'], 20),
      suffix: lines(['a: 1', 'b: 2', '', '  - x', 'new: 1'], 6),
      endBefore: fc.constantFrom('\n', '\n', ''),
      endAfter: fc.constantFrom('\n', '\n', ''),
    })
    .map((p) => ({
      before: [...p.prefix, ...p.removed, ...p.suffix].join('\n') + p.endBefore,
      after: [...p.prefix, ...p.added, ...p.suffix].join('\n') + p.endAfter,
    }));

  it('prints exactly the patch jsdiff makes of the changed middle, for any pair, context and bound', () => {
    fc.assert(
      fc.property(
        pair,
        fc.integer({ min: 0, max: 4 }),
        fc.oneof(fc.integer({ min: 0, max: 8 }), fc.constant(4_000)),
        ({ before, after }, context, maxEditLength) => {
          fc.pre(before !== after);
          const reference = jsdiffOfMiddle({ before, after, context, maxEditLength });
          const patch = formatUnifiedDiff({ label: 'r', before, after, context, maxEditLength });
          if (reference === undefined) expect(patch).toMatch(/^@@ too large to diff line by line/m);
          else expect(patch).toBe(reference);
        },
      ),
      { numRuns: 5000 },
    );
  });

  it('prints one replaced line of a resource as jsdiff does', () => {
    const lines = Array.from({ length: 30 }, (_, i) => `line ${i}`);
    const before = `${lines.join('\n')}\n`;
    for (const at of [0, 1, 2, 3, 4, 15, 25, 26, 27, 28, 29]) {
      const after = `${lines.map((l, i) => (i === at ? 'changed' : l)).join('\n')}\n`;
      const reference = jsdiffOfMiddle({ before, after, context: 3, maxEditLength: 4_000 });
      expect(formatUnifiedDiff({ label: 'r', before, after })).toBe(reference);
    }
  });
});
