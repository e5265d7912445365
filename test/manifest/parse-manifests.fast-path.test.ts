import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseManifests } from '../../src/manifest/parse-manifests.ts';
import { linesAt } from '../helpers/lines-at.ts';

/**
 * The js-yaml fast path must read every document exactly as the `yaml` package (the reference, ADR 0002)
 * does: same objects, identities, lines, field lines and findings. Differential tests over scalar forms
 * that YAML 1.1 and 1.2 resolve differently and over token soup.
 */
function both(text: string) {
  const fast = parseManifests(text, 'x.yaml');
  const reference = parseManifests(text, 'x.yaml', { fastPath: false });
  return { fast, reference };
}

function expectSame(text: string): void {
  const { fast, reference } = both(text);
  const view = (r: (typeof fast.resources)[number]) => ({ id: r.id, line: r.line, object: r.object });
  expect(fast.resources.map(view)).toEqual(reference.resources.map(view));
  expect(fast.findings).toEqual(reference.findings);
  const pointers = ['/apiVersion', '/kind', '/metadata', '/metadata/name', '/data', '/data/a', '/items/0'];
  fast.resources.forEach((r, i) => {
    expect(linesAt(r, pointers)).toEqual(linesAt(reference.resources[i], pointers));
  });
}

const SCALARS = [
  'yes',
  'Yes',
  'YES',
  'no',
  'on',
  'On',
  'OFF',
  'y',
  'n',
  'Y',
  'N',
  'true',
  'False',
  'TRUE',
  'yEs',
  '~',
  'null',
  'Null',
  'NULL',
  'nULL',
  '',
  '0644',
  '0o644',
  '0755',
  '08',
  '09',
  '0_7',
  '0b101',
  '0b',
  '0x1F',
  '0xfF_0',
  '-0x1',
  '+12',
  '-0',
  '1_000',
  '12345678901234567890',
  '1.5',
  '.5',
  '5.',
  '.',
  '-.',
  '1e3',
  '1E-3',
  '+1.5e+3',
  '1_0.0_1',
  '.inf',
  '-.Inf',
  '+.INF',
  '.nan',
  '.NaN',
  'NaN',
  'inf',
  '10:30',
  '1:20:30',
  '2001-12-14',
  '2001-12-14t21:59:43.10-05:00',
  '0.',
  '00',
  '0',
  '+0',
  '-',
  '+',
  '1e',
  'e3',
  '0x',
  '1__0',
  '"yes"',
  "'0644'",
  '"1.5"',
  '!!str 5',
  '[1, on, 0644]',
  '{a: yes}',
  '|\n    on',
  '>-\n    0644',
];

const scalar = fc.constantFrom(...SCALARS);

describe('parseManifests fast path', () => {
  it('resolves YAML 1.1 scalars exactly as the yaml package does', () => {
    for (const value of SCALARS) {
      expectSame(
        `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  a: ${value}\n  ${value.split('\n')[0] || 'k'}: 1\n`,
      );
    }
  });

  it('reads documents of scalars, lists and comments as the yaml package does', () => {
    const doc = fc
      .tuple(scalar, scalar, fc.constantFrom('', '# c\n', '\n\n'), fc.constantFrom('ConfigMap', 'List'))
      .map(
        ([a, b, pre, kind]) =>
          `${pre}apiVersion: v1\nkind: ${kind}\nmetadata:\n  name: n\ndata:\n  a: ${a}\n  b: [${b.split('\n')[0]}]\n` +
          (kind === 'List' ? `items:\n  - apiVersion: v1\n    kind: Pod\n    metadata: {name: p}\n` : ''),
      );
    fc.assert(
      fc.property(
        fc.array(doc, { minLength: 1, maxLength: 4 }),
        fc.constantFrom('---\n', '--- # x\n'),
        (docs, sep) => expectSame(docs.join(sep)),
      ),
      { numRuns: 300 },
    );
  });

  it('reports what js-yaml reads leniently exactly where the yaml package does', () => {
    for (const text of [
      // Found by the token soup below: flow collections and quoted scalars past their line, less
      // indented than the block around them; an empty item before a less indented `-`; blank lines
      // longer than a block scalar's indentation; comments glued to `{`, `[` or `,`; root block scalars.
      '- [\nkind: List]',
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  a: [\n  b]\n',
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: "x\n  y"\n',
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  a: "b\nc"\n',
      'apiVersion: v1\nkind: List\nitems:\n  - {apiVersion: v1,\n  kind: Pod}\n',
      'apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\nspec:\n  args:\n    -\n  - b\n',
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  a: |\n\n      \n #\n',
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x,#\n}\n',
      '\n  - \n- ',
      '|\n    \n#',
      // Found by the edits to written manifests: collections as keys of a flow map, or before `:,`.
      'apiVersion: v1\nkind: Pod\nmetadata: {name: p, labels, {"a": "b"}}\n',
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  d: [a, {b: c}:, "d"]\n',
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  d: [:{b: c}, "d"]\n',
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  d: [a, {b: c}:"d"]\n',
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  b:\n#-\n    folded\n    text\n  c: d\n',
      // A document the yaml package reads alone ends as in the stream: before the next `---`.
      'metadata:\n\t\n---',
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n\t\n---\napiVersion: v1\nkind: Pod\n',
    ]) {
      expectSame(text);
    }
    // Written well, the same shapes are plain YAML to both.
    expectSame(
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  a: [\n    b\n  ]\n  c: "d\n    e"\n',
    );
  });

  it('agrees with the yaml package on YAML-like token soup (errors included)', () => {
    const token = fc.constantFrom(
      '\n',
      '\r\n',
      ' ',
      '  ',
      '\t',
      '- ',
      ': ',
      '? ',
      '---',
      '--- ',
      '...',
      '[',
      ']',
      '{',
      '}',
      ',',
      '&a ',
      '*a',
      '<<: ',
      '!x ',
      '"',
      "'",
      '#',
      '|',
      '>-',
      'apiVersion: v1',
      'kind: Pod',
      'kind: List',
      'items:',
      'metadata:',
      'name: x',
      '0644',
      'yes',
      '~',
      'null',
      '__proto__',
      'a',
      'b: c',
      '\n  ',
      '\n    ',
      // Added after CI met `- [\nkind: List]`: odd indentation, escapes, indicators, lesser comments.
      '\n ',
      '\n   ',
      '"a',
      "'a",
      '\\',
      '|2',
      'x: |\n',
      '  y: [\n',
      ', ',
      '\n#a',
    );
    fc.assert(
      fc.property(fc.array(token, { maxLength: 60 }), (tokens) => expectSame(tokens.join(''))),
      { numRuns: 3000 },
    );
  });
});

/** Manifests as people write them, for small random edits (what a typo or a bad merge leaves). */
const WRITTEN = [
  // What a CRD and an ML workload hold: quoted and plain descriptions over several lines, CEL rules,
  // shell commands and JSON paths with `*`, `!`, `&`, `?`, `:` and `#` that are text, not structure.
  `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: runtimes.serving.example.com
spec:
  versions:
    - additionalPrinterColumns:
        - jsonPath: .spec.supportedModelFormats[*].name
          name: Formats
      schema:
        openAPIV3Schema:
          description: 'APIVersion defines the versioned schema: servers convert it.
            More info: https://git.k8s.io/api-conventions.md#resources, in *any* namespace'
          properties:
            spec:
              description: ContainerStatuses is a slice of images present in .Spec.Container[*].Image
                and *not* in \`^IST[0-9]{4}$\` "quoted" [Kubernetes API
                conventions](https://x.io)
              pattern: ^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$
              x-kubernetes-validations:
                - rule: '(has(self.selector) ? 1 : 0) + (has(self.targetRef) ? 1 : 0) <= 1'
                  message: must not contain '#' when type is 'Exact'
                - rule: self.all(m, !has(m.weight)) || !has(self.x)
`,
  `apiVersion: batch/v1
kind: Job
metadata:
  name: s3-init
spec:
  template:
    spec:
      containers:
        - name: init
          command: ["sh", "-c", "mkdir -p /data && cp -r /model/. /data || exit 1"]
          args:
            - if [ ! -f /data/ok ]; then echo "*" && exit 0; fi
          env:
            - name: PATTERNS
              value: "*.msgpack,*.h5,flax_model*"
            - name: SCHEDULE
              value: "*/5 * * * *"
`,
  `apiVersion: apps/v1
kind: Deployment
metadata:
  name: server
  labels: {app: server, "tier": 'web'}
  annotations:
    ferry.dev/owner: "team-ml"
spec:
  template:
    spec:
      containers:
        - name: server
          image: registry.example.com/server:v1
          args: ["--port=8080", "--workers=2"]
          resources:
            requests: { cpu: 500m, memory: 2Gi }
          env:
          - name: A
            value: "1"
`,
  `apiVersion: v1
kind: ConfigMap
metadata:
  name: c
data:
  a.json: |
    {
      "a": [1, 2],
      "b": "x"
    }
  b: >-
    folded
    text
  c: 'it''s'
  d: [a, {b: c}, "d"]
`,
  `apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: Pod
  metadata: {name: p}
  spec:
    containers:
    - name: c
      command:
      - sh
      - -c
      - |
        echo "hi"
`,
];

describe('parseManifests fast path on edited manifests', () => {
  it('reads CRD descriptions, CEL rules and shell commands as the yaml package does', () => {
    for (const doc of WRITTEN) expectSame(doc);
    const [crd, job] = WRITTEN.map((doc) => parseManifests(doc, 'x.yaml'));
    expect(crd?.findings).toEqual([]);
    expect(crd?.resources[0]?.object).toMatchObject({
      spec: {
        versions: [
          {
            schema: {
              openAPIV3Schema: { description: expect.stringMatching(/^APIVersion .* in \*any\* namespace$/) },
            },
          },
        ],
      },
    });
    expect(job?.resources[0]?.object).toMatchObject({
      spec: {
        template: { spec: { containers: [{ args: ['if [ ! -f /data/ok ]; then echo "*" && exit 0; fi'] }] } },
      },
    });
  });

  it('reads a quoted scalar folded over several lines, as kustomize writes long CEL rules, as the yaml package does', () => {
    // kustomize (kyaml) folds a long quoted value onto lines indented past its key: such a CRD went
    // the yaml way whole (a 1.4 MB one of feast's operator), so the quick look now asks the line
    // reader. Continuation lines at any indentation, in items and nested keys, with text that looks
    // like structure: each must read as the yaml package reads it, errors included.
    const word = fc.constantFrom(
      'has(self.a)',
      'c,',
      ': ',
      'x: y',
      '- a',
      '#',
      ' #x',
      '[a]',
      '{b}',
      "''",
      '\\"',
      'ok',
      '---',
      '...',
    );
    fc.assert(
      fc.property(
        fc.constantFrom("'", '"'),
        fc.integer({ min: 0, max: 3 }),
        fc.boolean(),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 12 }), fc.array(word, { maxLength: 3 })), {
          minLength: 1,
          maxLength: 3,
        }),
        (quote, depth, item, lines) => {
          const pad = '  '.repeat(depth + 2);
          const lead = item ? `${pad}- rule: ` : `${pad}rule: `;
          const body = lines.map(([indent, words]) => `${' '.repeat(indent)}${words.join(' ')}`).join('\n');
          const clean = (t: string) => (quote === "'" ? t.replaceAll("'", "''") : t.replaceAll('"', '\\"'));
          const text = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n${'  '.repeat(depth)}  k:\n${lead}${quote}start ${clean(body)}${quote}\n  a: b\n`;
          expectSame(text);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('reads a plain scalar whose later lines start like an item, a key or a comment as the yaml package does', () => {
    // controller-gen folds a CRD description onto lines that may start with "- " ("- <domain>:<port>").
    const start = fc.constantFrom(
      '- ',
      '-',
      '? ',
      '?',
      ': ',
      ':',
      '# ',
      '#',
      '- - ',
      '- k: v',
      '? k',
      'a',
      '*a',
      '[a]',
    );
    const rest = fc.constantFrom('', 'b', '<domain>:<port>', 'e.g. x', 'x: y', ' #c', 'k:');
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 }),
        fc.boolean(),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 10 }), start, rest), { minLength: 1, maxLength: 3 }),
        (depth, item, lines) => {
          const pad = '  '.repeat(depth + 1);
          const lead = item ? `${pad}- description: ` : `${pad}description: `;
          const later = lines.map(([indent, s0, r]) => `${' '.repeat(indent)}${s0}${r}`).join('\n');
          expectSame(
            `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n${lead}Host address\n${later}\n  a: b\n`,
          );
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('agrees with the yaml package after random edits to written manifests (errors included)', () => {
    const insert = fc.constantFrom(
      ...['\n', '\n ', '\n  ', '\n    ', '\n\n', ' ', '  ', '\t', '\\', 'x', '- ', '-', '#', ' #', '\n#'],
      ...['"', "'", '[', ']', '{', '}', ',', ':', ': ', '|', '>', '|2', '&a ', '*a', '!t ', '? ', '~'],
    );
    const edit = fc.record({ at: fc.nat(), cut: fc.nat({ max: 3 }), text: insert });
    fc.assert(
      fc.property(
        fc.constantFrom(...WRITTEN),
        fc.array(edit, { minLength: 1, maxLength: 4 }),
        (doc, edits) => {
          let text = doc;
          for (const e of edits) {
            const at = e.at % (text.length + 1);
            text = text.slice(0, at) + e.text + text.slice(at + e.cut);
          }
          expectSame(text);
        },
      ),
      { numRuns: 1500 },
    );
  });
});
