import jsYaml from 'js-yaml';

/**
 * A js-yaml schema that resolves plain scalars exactly as KUBE_YAML_OPTIONS makes the `yaml` package
 * resolve them (its `yaml-1.1` tags minus timestamps and sexagesimal numbers, see kube-yaml-options.ts):
 * the same regular expressions, in the same order, with the same conversions. No merge key and no explicit
 * tags beyond the failsafe `!!str`/`!!seq`/`!!map`: a document that needs them goes the `yaml` package's
 * way (parse-manifests.ts refuses it from the fast path before or when js-yaml throws).
 */
const { Type, FAILSAFE_SCHEMA } = jsYaml;

/**
 * One js-yaml type per tag (js-yaml keeps only the last type of a tag), trying yaml's forms in order.
 */
function scalar(name: string, forms: readonly [RegExp, (data: string) => unknown][]): jsYaml.Type {
  // One test per plain scalar for the common case (no match): the forms joined.
  const any = new RegExp(forms.map(([test]) => `(?:${test.source})`).join('|'));
  return new Type(`tag:yaml.org,2002:${name}`, {
    kind: 'scalar',
    resolve: (data: string | null) => data !== null && any.test(data),
    construct: (data: string) => {
      for (const [test, make] of forms) if (test.test(data)) return make(data);
      return data;
    },
  });
}

/** yaml's `intResolve` (intAsBigInt off): sign, `_` dropped, parseInt in the radix. */
function intOf(str: string, offset: number, radix: number): number {
  const sign = str[0];
  const start = sign === '-' || sign === '+' ? offset + 1 : offset;
  const n = Number.parseInt(str.substring(start).replace(/_/g, ''), radix);
  return sign === '-' ? -1 * n : n;
}

const nullType = new Type('tag:yaml.org,2002:null', {
  kind: 'scalar',
  // js-yaml passes '' for an empty plain scalar (and null for a missing node).
  resolve: (data: string | null) => data === null || /^(?:~|[Nn]ull|NULL)?$/.test(data),
  construct: () => null,
});

/** In yaml's yaml-1.1 order: null, true, false, intBin, intOct, int, intHex, floatNaN, floatExp, float. */
const IMPLICIT: jsYaml.Type[] = [
  nullType,
  scalar('bool', [
    [/^(?:Y|y|[Yy]es|YES|[Tt]rue|TRUE|[Oo]n|ON)$/, () => true],
    [/^(?:N|n|[Nn]o|NO|[Ff]alse|FALSE|[Oo]ff|OFF)$/, () => false],
  ]),
  scalar('int', [
    [/^[-+]?0b[0-1_]+$/, (s) => intOf(s, 2, 2)],
    [/^[-+]?0[0-7_]+$/, (s) => intOf(s, 1, 8)],
    [/^[-+]?[0-9][0-9_]*$/, (s) => intOf(s, 0, 10)],
    [/^[-+]?0x[0-9a-fA-F_]+$/, (s) => intOf(s, 2, 16)],
  ]),
  scalar('float', [
    [
      /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/,
      (s) =>
        s.slice(-3).toLowerCase() === 'nan'
          ? Number.NaN
          : s[0] === '-'
            ? Number.NEGATIVE_INFINITY
            : Number.POSITIVE_INFINITY,
    ],
    [/^[-+]?(?:[0-9][0-9_]*)?(?:\.[0-9_]*)?[eE][-+]?[0-9]+$/, (s) => Number.parseFloat(s.replace(/_/g, ''))],
    [/^[-+]?(?:[0-9][0-9_]*)?\.[0-9_]*$/, (s) => Number.parseFloat(s.replace(/_/g, ''))],
  ]),
];

export const KUBE_JS_YAML_SCHEMA: jsYaml.Schema = FAILSAFE_SCHEMA.extend({ implicit: IMPLICIT });
