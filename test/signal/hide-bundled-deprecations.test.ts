import { describe, expect, it } from 'vitest';
import { hideBundledDeprecations } from '../../src/signal/hide-bundled-deprecations.ts';

function recorder() {
  const seen: unknown[][] = [];
  const proc = {
    emitWarning: ((...args: unknown[]) => {
      seen.push(args);
    }) as NodeJS.Process['emitWarning'],
  };
  hideBundledDeprecations(proc);
  return { proc, seen };
}

describe('hideBundledDeprecations', () => {
  it("drops url.parse's DEP0169 in both of emitWarning's forms", () => {
    const { proc, seen } = recorder();
    proc.emitWarning('`url.parse()` behavior is not standardized', 'DeprecationWarning', 'DEP0169');
    proc.emitWarning('`url.parse()` behavior is not standardized', {
      type: 'DeprecationWarning',
      code: 'DEP0169',
    });
    expect(seen).toEqual([]);
  });

  it('passes every other warning on unchanged', () => {
    const { proc, seen } = recorder();
    proc.emitWarning('The `punycode` module is deprecated.', 'DeprecationWarning', 'DEP0040');
    proc.emitWarning('something', { type: 'ExperimentalWarning', code: 'X1', detail: 'd' });
    proc.emitWarning(new Error('plain'));
    expect(seen.map((a) => a.slice(1))).toEqual([
      ['DeprecationWarning', 'DEP0040'],
      [{ type: 'ExperimentalWarning', code: 'X1', detail: 'd' }],
      [],
    ]);
  });
});
