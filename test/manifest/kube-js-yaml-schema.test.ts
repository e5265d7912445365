import fc from 'fast-check';
import type jsYaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { IMPLICIT_TYPES, NULL_FORM, SCALAR_FORMS } from '../../src/manifest/kube-js-yaml-schema.ts';

/**
 * Each implicit type rules out most plain scalars by their first character before running its
 * expressions. The gate must never turn away a scalar that one of yaml's forms matches: matches of every
 * form are generated from the form itself, and arbitrary strings must resolve as the bare expressions say.
 */
const resolves = (type: jsYaml.Type, data: string): boolean => type.resolve(data) === true;

/** Strings rich in what the forms are made of, so that near misses are common. */
const scalarLike = fc.string({
  unit: fc.constantFrom(...'-+._0123456789abcdefxoEINYnulNUL~TtFfOoyesraYESRUE é'.split('')),
  maxLength: 12,
});

describe('the YAML 1.1 scalar types of the fast path', () => {
  for (const name of ['bool', 'int', 'float'] as const) {
    const { forms } = SCALAR_FORMS[name];
    const type = IMPLICIT_TYPES[name];
    for (const [form] of forms) {
      it(`${name} accepts every match of ${form.source}`, () => {
        fc.assert(
          fc.property(fc.stringMatching(form), (s) => resolves(type, s)),
          { numRuns: 500 },
        );
      });
    }
    it(`${name} resolves arbitrary scalars as its expressions alone do`, () => {
      fc.assert(
        fc.property(fc.oneof(scalarLike, fc.string()), (s) => {
          expect(resolves(type, s)).toBe(forms.some(([form]) => form.test(s)));
        }),
        { numRuns: 2000 },
      );
    });
  }

  it('null accepts every match of its form and nothing else', () => {
    const type = IMPLICIT_TYPES.null;
    fc.assert(fc.property(fc.stringMatching(NULL_FORM), (s) => resolves(type, s)));
    fc.assert(
      fc.property(fc.oneof(scalarLike, fc.string()), (s) => {
        expect(resolves(type, s)).toBe(NULL_FORM.test(s));
      }),
      { numRuns: 2000 },
    );
  });

  // go-yaml v2 (kubectl) reads a plain scalar as a number only from a digit, sign or dot, with a digit
  // before any exponent: feast-dev/feast's samples pin a git ref `e959053`, a string to kubectl.
  it.each(['e959053', 'e5', 'E-2', '.', '-.', '.e5'])('%s is no float, as kubectl reads it', (s) => {
    expect(resolves(IMPLICIT_TYPES.float, s)).toBe(false);
    expect(resolves(IMPLICIT_TYPES.int, s)).toBe(false);
  });

  it.each(['1e5', '.5', '1.', '-.5e3', '+1.5e-3', '1.e2'])('%s is a float, as kubectl reads it', (s) => {
    expect(resolves(IMPLICIT_TYPES.float, s)).toBe(true);
  });
});
