import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { summarizeChange } from '../../src/diff/summarize-change.ts';
import { generateSummaryPairs } from './summary-corpus.ts';

const recorded = JSON.parse(
  readFileSync(new URL('../fixtures/summary/summarize-change-corpus.json', import.meta.url), 'utf8'),
) as string[][];

describe('summarizeChange over a generated corpus', () => {
  it('says what the implementation before its speed work said, for every pair', () => {
    const pairs = generateSummaryPairs(recorded.length, 1);
    const mismatches = pairs
      .map((pair, i) => ({ i, pair, got: summarizeChange(pair), want: recorded[i] }))
      .filter((m) => JSON.stringify(m.got) !== JSON.stringify(m.want));
    expect(mismatches.slice(0, 3)).toEqual([]);
  });

  it('says the same when asked twice about the same objects (memoised views stay read-only)', () => {
    const pairs = generateSummaryPairs(300, 2);
    const first = pairs.map((p) => summarizeChange(p));
    expect(pairs.map((p) => summarizeChange(p))).toEqual(first);
  });
});
