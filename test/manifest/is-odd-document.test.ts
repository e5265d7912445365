import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hasOddLines, hasOddStructure } from '../../src/manifest/has-odd-lines.ts';
import { isOddDocument } from '../../src/manifest/parse-manifests.ts';

/**
 * The single expression the gated checks replaced (where the characters of an odd construct are at
 * all), with comments glued to `[`, `{` and `,` since. A document it flags is read line by line
 * (hasOddStructure); one it does not, line by line too only where hasOddLines finds something. Tabs in indentation are always odd.
 */
const TAB_INDENT = /^[ \t]*\t/m;
const SINGLE_EXPRESSION =
  /["'[\]{},]#|(?:^|[\s[{,])(?:[&*]\S|!)|<<|(?:^|[\s[{,])\?(?:[ \t\r]|$)|(?:^|[\s[{,?-])(?:~|null|Null|NULL)?[ \t]*:(?:[ \t\r,[\]{}]|$)|[\]}][ \t]*:/m;

const token = fc.constantFrom(
  ...['a', ' ', '\t', '\n', '\r', ':', '#', '"', "'", ']', '}', '[', '{', ',', '&', '*', '!', '<', '?', '-'],
  ...['~', 'null', 'Null', 'NULL', 'key: v', ': ', ' : ', '<<: ', '- ', '? '],
  ...['\u2028', '\u00a0', '\v', '\f', '\ufeff', '\u3000', 'xnull', 'NULLx', 'Xl', 'L'],
);

describe('isOddDocument', () => {
  it('decides as the single expression, then hasOddStructure or (what hasOddLines flags) hasOddStructure do, for any text', () => {
    fc.assert(
      fc.property(fc.array(token, { maxLength: 14 }), (parts) => {
        const text = parts.join('');
        const odd =
          TAB_INDENT.test(text) ||
          (SINGLE_EXPRESSION.test(text) ? hasOddStructure(text) : hasOddLines(text) && hasOddStructure(text));
        expect(isOddDocument(text)).toBe(odd);
      }),
      { numRuns: 20_000 },
    );
  });

  it("lets a quoted scalar folded onto lines past its key through, as kustomize writes a CRD's CEL rules", () => {
    const crd = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
spec:
  versions:
  - schema:
      openAPIV3Schema:
        x-kubernetes-validations:
        - message: One selection required between kubernetes, oidc, or noAuth.
          rule: '[has(self.kubernetes), has(self.oidc), has(self.noAuth)].exists_one(c,
            c)'
`;
    expect(isOddDocument(crd)).toBe(false);
    // Folded onto a line not past its key, it is odd still (the yaml package refuses it).
    expect(isOddDocument(crd.replace('            c)', '          c)'))).toBe(true);
  });

  it('lets a plain document through and sends each odd construct the yaml way', () => {
    expect(
      isOddDocument('apiVersion: v1\nkind: Service\n# a comment\nspec:\n  ports:\n    - port: 80\n'),
    ).toBe(false);
    for (const odd of [
      'a: &x 1',
      'b: *x',
      'c: !tag v',
      '<<: *x',
      '? k\n: v',
      'k:\n  : v',
      '~: v',
      '[a]: b',
      "'q'# c",
      'k: [a,# c\n  b]',
      '{# c\n}',
      'k: [a, {b: c}:, d]',
      'k: [:{b: c}]',
      'k: [a, {b: c}:"d"]',
      '\tk: v',
    ]) {
      expect(isOddDocument(`apiVersion: v1\n${odd}\n`), odd).toBe(true);
    }
  });
});
