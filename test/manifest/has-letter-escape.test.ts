import fc from 'fast-check';
import jsYaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { mayDeclareCrd, mayHoldSecret } from '../../src/engine/check-target-findings.ts';
import { hasLetterEscape } from '../../src/manifest/has-letter-escape.ts';
import { KUBE_JS_YAML_SCHEMA } from '../../src/manifest/kube-js-yaml-schema.ts';

const hex = (code: number, width: number) => code.toString(16).padStart(width, '0');

/** One character of a double-quoted YAML scalar, written out or as one of the escapes YAML has for it. */
const spelledChar = (char: string) =>
  fc.constantFrom(
    char,
    `\\x${hex(char.charCodeAt(0), 2)}`,
    `\\u${hex(char.charCodeAt(0), 4)}`,
    `\\U${hex(char.charCodeAt(0), 8)}`,
  );

/** `word` as a double-quoted scalar, any of its letters escaped, and maybe split by escaped line breaks. */
const spelledWord = (word: string) =>
  fc
    .tuple(
      fc.tuple(...[...word].map(spelledChar)),
      fc.array(fc.boolean(), { minLength: word.length, maxLength: word.length }),
    )
    .map(([chars, breaks]) => chars.map((c, i) => (breaks[i] && i > 0 ? `\\\n    ${c}` : c)).join(''));

/** The escapes that stand for no letter: quotes, backslash, slash, controls and spaces. */
const otherEscape = fc.constantFrom(
  '\\"',
  '\\\\',
  '\\/',
  '\\t',
  '\\n',
  '\\r',
  '\\0',
  '\\a',
  '\\b',
  '\\e',
  '\\f',
  '\\v',
  '\\N',
  '\\_',
  '\\L',
  '\\P',
  '\\ ',
);

/** A Grafana dashboard in a ConfigMap, the way kube-prometheus-stack ships them: JSON full of `\"`. */
const DASHBOARD = `apiVersion: v1
kind: ConfigMap
metadata:
  name: vllm-dashboard
  labels: {grafana_dashboard: "1"}
data:
  vllm.json: "{\\"title\\": \\"vLLM\\", \\"panels\\": [{\\"targets\\": [{\\"expr\\": \\"sum(rate(vllm_request_success_total{model_name=\\\\\\"llama\\\\\\"}[5m]))\\"}]}]}"
---
apiVersion: monitoring.coreos.com/v1
kind: PrometheusRule
metadata: {name: gpu}
spec:
  groups:
    - name: gpu
      rules:
        - alert: GpuMemoryHigh
          expr: "DCGM_FI_DEV_FB_USED{pod=~\\"vllm-.*\\\\\\\\d+\\"} > 70000"
`;

describe('hasLetterEscape', () => {
  it('is true of any spelling of a kind that escapes a letter or breaks the line', () => {
    fc.assert(
      fc.property(
        fc
          .constantFrom('CustomResourceDefinition', 'Secret', 'kind')
          .chain((word) => spelledWord(word).map((spelled) => ({ word, spelled }))),
        ({ word, spelled }) => {
          const text = `apiVersion: v1\nkind: "${spelled}"\nmetadata: {name: x}\n`;
          const decoded = (jsYaml.load(text, { schema: KUBE_JS_YAML_SCHEMA }) as { kind: string }).kind;
          expect(decoded).toBe(word);
          // Whenever the text does not write the word out, an escape spelled it.
          if (!text.includes(word)) expect(hasLetterEscape(text)).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('is false of escapes that stand for no letter, which decode to none', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(otherEscape, fc.constantFrom('a', ' ', '{', '1')), { maxLength: 30 }),
        (parts) => {
          const text = `data: "${parts.join('')}"\n`;
          const decoded = (jsYaml.load(text, { schema: KUBE_JS_YAML_SCHEMA }) as { data: string }).data;
          expect(decoded.replace(/[^A-Za-z]/g, '')).toBe(parts.filter((p) => p === 'a').join(''));
          expect(hasLetterEscape(text)).toBe(false);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('says a file of dashboards and alert rules holds no CRD and no Secret, so it is parsed once, in its turn', () => {
    const objects = jsYaml.loadAll(DASHBOARD, undefined, { schema: KUBE_JS_YAML_SCHEMA }) as {
      kind: string;
    }[];
    expect(objects.map((o) => o.kind)).toEqual(['ConfigMap', 'PrometheusRule']);
    expect(DASHBOARD).toContain('\\"');
    expect(mayDeclareCrd(DASHBOARD)).toBe(false);
    expect(mayHoldSecret(DASHBOARD)).toBe(false);
  });

  it('still says a CRD or a Secret spelled with escapes may be there', () => {
    const crd = '{"apiVersion": "apiextensions.k8s.io/v1", "kind": "\\u0043ustomResourceDefinition"}';
    const secret = 'apiVersion: v1\nkind: "Sec\\\n  ret"\ndata: {a: YQ==}\n';
    expect((jsYaml.load(secret, { schema: KUBE_JS_YAML_SCHEMA }) as { kind: string }).kind).toBe('Secret');
    expect(mayDeclareCrd(crd)).toBe(true);
    expect(mayHoldSecret(secret)).toBe(true);
    expect(mayDeclareCrd('kind: CustomResourceDefinition\n')).toBe(true);
    expect(mayHoldSecret('kind: Secret\n')).toBe(true);
  });
});
