import jsYaml from 'js-yaml';
import { KUBE_FLOAT_FORMS } from './kube-yaml-options.ts';

/**
 * A js-yaml schema that resolves plain scalars exactly as KUBE_YAML_OPTIONS makes the `yaml` package
 * resolve them (its `yaml-1.1` tags minus timestamps and sexagesimal numbers, see kube-yaml-options.ts):
 * the same regular expressions, in the same order, with the same conversions. No merge key and no explicit
 * tags beyond the failsafe `!!str`/`!!seq`/`!!map`: a document that needs them goes the `yaml` package's
 * way (parse-manifests.ts refuses it from the fast path before or when js-yaml throws).
 */
const { Type, FAILSAFE_SCHEMA } = jsYaml;

/** A tag's forms (expression and conversion, tried in order) and the characters their matches start with. */
interface ScalarForms {
  starts: string;
  forms: readonly [RegExp, (data: string) => unknown][];
}

/** A table of the ASCII characters a plain scalar of a type can start with. */
function startTable(chars: string): Uint8Array {
  const table = new Uint8Array(128);
  for (const c of chars) table[c.charCodeAt(0)] = 1;
  return table;
}

/**
 * One js-yaml type per tag (js-yaml keeps only the last type of a tag), trying yaml's forms in order.
 * `starts` lists every character a match of any form can begin with: js-yaml asks every type about
 * every plain scalar, and most (names, images, labels) are ruled out by their first character without
 * running the expression (test/manifest/kube-js-yaml-schema.test.ts generates matches of each form).
 */
function scalar(name: string, { starts, forms }: ScalarForms): jsYaml.Type {
  // One test per plain scalar for the common case (no match): the forms joined.
  const any = new RegExp(forms.map(([test]) => `(?:${test.source})`).join('|'));
  const table = startTable(starts);
  return new Type(`tag:yaml.org,2002:${name}`, {
    kind: 'scalar',
    // charCodeAt(0) of '' is NaN and a code past 127 is out of the table: both read undefined.
    resolve: (data: string | null) => data !== null && table[data.charCodeAt(0)] === 1 && any.test(data),
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

/** yaml's null forms; '' is the empty plain scalar. */
export const NULL_FORM = /^(?:~|[Nn]ull|NULL)?$/;
const NULL_STARTS = startTable('~Nn');

const nullType = new Type('tag:yaml.org,2002:null', {
  kind: 'scalar',
  // js-yaml passes '' for an empty plain scalar (and null for a missing node).
  resolve: (data: string | null) =>
    data === null || data === '' || (NULL_STARTS[data.charCodeAt(0)] === 1 && NULL_FORM.test(data)),
  construct: () => null,
});

/**
 * yaml's yaml-1.1 scalar forms by tag (its floats held to a digit, as KUBE_FLOAT_FORMS), each with the
 * characters its matches can start with.
 */
export const SCALAR_FORMS = {
  bool: {
    starts: 'YyNnTtFfOo',
    forms: [
      [/^(?:Y|y|[Yy]es|YES|[Tt]rue|TRUE|[Oo]n|ON)$/, () => true],
      [/^(?:N|n|[Nn]o|NO|[Ff]alse|FALSE|[Oo]ff|OFF)$/, () => false],
    ],
  },
  int: {
    starts: '-+0123456789',
    forms: [
      [/^[-+]?0b[0-1_]+$/, (s) => intOf(s, 2, 2)],
      [/^[-+]?0[0-7_]+$/, (s) => intOf(s, 1, 8)],
      [/^[-+]?[0-9][0-9_]*$/, (s) => intOf(s, 0, 10)],
      [/^[-+]?0x[0-9a-fA-F_]+$/, (s) => intOf(s, 2, 16)],
    ],
  },
  float: {
    starts: '-+.0123456789',
    forms: [
      [
        /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/,
        (s) =>
          s.slice(-3).toLowerCase() === 'nan'
            ? Number.NaN
            : s[0] === '-'
              ? Number.NEGATIVE_INFINITY
              : Number.POSITIVE_INFINITY,
      ],
      [KUBE_FLOAT_FORMS.exp, (s) => Number.parseFloat(s.replace(/_/g, ''))],
      [KUBE_FLOAT_FORMS.plain, (s) => Number.parseFloat(s.replace(/_/g, ''))],
    ],
  },
} satisfies Record<string, ScalarForms>;

/** The implicit types by tag name. */
export const IMPLICIT_TYPES = {
  null: nullType,
  bool: scalar('bool', SCALAR_FORMS.bool),
  int: scalar('int', SCALAR_FORMS.int),
  float: scalar('float', SCALAR_FORMS.float),
} as const;

/** In yaml's yaml-1.1 order: null, true, false, intBin, intOct, int, intHex, floatNaN, floatExp, float. */
export const KUBE_JS_YAML_SCHEMA: jsYaml.Schema = FAILSAFE_SCHEMA.extend({
  implicit: [IMPLICIT_TYPES.null, IMPLICIT_TYPES.bool, IMPLICIT_TYPES.int, IMPLICIT_TYPES.float],
});
