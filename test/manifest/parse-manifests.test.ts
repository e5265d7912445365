import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generateManifests } from '../../bench/generate-manifests.ts';
import { lineOf } from '../../src/manifest/line-of.ts';
import { documentsTaken, parseManifests } from '../../src/manifest/parse-manifests.ts';
import { lineAt, linesAt } from '../helpers/lines-at.ts';

const deployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  labels:
    app.kubernetes.io/name: api
    odd~key: x
spec:
  template:
    spec:
      containers:
        - name: app
          image: registry.example.com/api:1.2.3
          ports:
            - containerPort: 8080
`;

describe('parseManifests: positions', () => {
  it('records the line of every key and item as a JSON pointer', () => {
    const [resource] = parseManifests(deployment, 'deploy/api.yaml').resources;
    const want = {
      '/metadata/name': 4,
      '/metadata/labels/app.kubernetes.io~1name': 6,
      '/metadata/labels/odd~0key': 7,
      '/spec/template/spec/containers/0': 12,
      '/spec/template/spec/containers/0/image': 13,
      '/spec/template/spec/containers/0/ports/0/containerPort': 15,
    };
    expect(linesAt(resource, Object.keys(want))).toEqual(want);
  });

  it('lets lineOf find a field, or its nearest known ancestor', () => {
    const [resource] = parseManifests(deployment, 'deploy/api.yaml').resources;
    if (!resource) throw new Error('no resource');
    expect(lineOf(resource, ['spec', 'template', 'spec', 'containers', 0, 'image'])).toBe(13);
    expect(lineOf(resource, ['spec', 'template', 'spec', 'containers', 0, 'resources', 'limits'])).toBe(12);
    expect(lineOf(resource, [])).toBe(1);
  });

  it('adds lineOffset to every line', () => {
    const { resources } = parseManifests(deployment, 'chart.yaml', { lineOffset: 10 });
    expect(resources[0]?.line).toBe(11);
    expect(lineAt(resources[0], '/metadata/name')).toBe(14);
  });

  it('treats lone carriage returns as line breaks', () => {
    const { resources, findings } = parseManifests(deployment.replaceAll('\n', '\r'), 'mac.yaml');
    expect(findings).toEqual([]);
    expect(lineAt(resources[0], '/spec/template/spec/containers/0/image')).toBe(13);
  });

  it('drops a byte-order mark at the start of every document, not only the file', () => {
    const text = `\uFEFF${deployment}---\n\uFEFFapiVersion: v1\nkind: Namespace\nmetadata:\n  name: ml\n`;
    const { resources } = parseManifests(text, 'concat.yaml');
    expect(resources.map((r) => [r.id.kind, r.line])).toEqual([
      ['Deployment', 1],
      ['Namespace', 17],
    ]);
    expect(Object.keys(resources[1]?.object ?? {})).toEqual(['apiVersion', 'kind', 'metadata']);
  });

  it('gives every generated resource the line of its apiVersion key', () => {
    const text = generateManifests(30);
    const lines = text.split('\n');
    const { resources, findings } = parseManifests(text, 'gen.yaml');
    expect(findings).toEqual([]);
    expect(resources).toHaveLength(30);
    for (const r of resources) {
      // The generated documents start with a comment or apiVersion; the resource line skips comments.
      expect(lines[r.line - 1]).toMatch(/^apiVersion: /);
      expect(lineAt(r, '/apiVersion')).toBe(r.line);
    }
  });
});

describe('parseManifests: values as kubectl decodes them', () => {
  it('reads YAML 1.1 scalars like go-yaml v2: octal modes, yes/on booleans, but no sexagesimal or timestamps', () => {
    const text = `apiVersion: v1
kind: ConfigMap
metadata: { name: values }
defaultMode: 0644
enabled: yes
off: on
time: 10:30
date: 2024-01-01
hex: 0x1F
`;
    const { resources } = parseManifests(text, 'cm.yaml');
    expect(resources[0]?.object).toEqual({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'values' },
      defaultMode: 420,
      enabled: true,
      // go-yaml v2 reads the key `off` as false, and sigs.k8s.io/yaml stringifies boolean keys.
      false: true,
      time: '10:30',
      date: '2024-01-01',
      hex: 31,
    });
  });

  // feast-dev/feast's infra/feast-operator/config/samples/v1_featurestore_git_repopath.yaml pins
  // `ref: e959053`, a string to go-yaml v2; read as the float NaN it was a schema error ("quote it: NaN").
  it.each([
    ['plain', ''],
    ['with a merge key (the yaml package reads it)', 'base: &b {x: 1}\nmerged: {<<: *b}\n'],
  ])('reads no float where go-yaml v2 reads a string, %s', (_, extra) => {
    const text = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: v}\n${extra}data:\n  ref: e959053\n  exp: E-2\n  dot: .\n  f: 1.e2\n  g: -.5e3\n`;
    const { resources } = parseManifests(text, 'cm.yaml');
    expect(resources[0]?.object.data).toEqual({ ref: 'e959053', exp: 'E-2', dot: '.', f: 100, g: -500 });
  });

  it('keeps data JSON-shaped: unknown and binary tags are warnings, the node plain data', () => {
    const text =
      'apiVersion: v1\nkind: Secret\nmetadata: {name: s}\ndata:\n  key: !!binary aGVsbG8=\n  other: !custom x\n';
    const { resources, findings } = parseManifests(text, 's.yaml');
    expect(resources[0]?.object.data).toEqual({ key: 'aGVsbG8=', other: 'x' });
    expect(findings.map((f) => [f.severity, f.line])).toEqual([
      ['warning', 5],
      ['warning', 6],
    ]);
  });

  it('expands aliases and merge keys into independent copies', () => {
    const text = `apiVersion: apps/v1
kind: Deployment
metadata: {name: api}
x-env: &env
  - {name: MODE, value: fast}
defaults: &defaults {imagePullPolicy: IfNotPresent}
spec:
  template:
    spec:
      containers:
        - name: a
          <<: *defaults
          env: *env
        - name: b
          env: *env
`;
    const { resources, findings } = parseManifests(text, 'alias.yaml');
    expect(findings).toEqual([]);
    const spec = resources[0]?.object.spec as {
      template: { spec: { containers: Record<string, unknown>[] } };
    };
    const containers = spec.template.spec.containers;
    expect(containers[0]).toEqual({
      name: 'a',
      imagePullPolicy: 'IfNotPresent',
      env: [{ name: 'MODE', value: 'fast' }],
    });
    expect(containers[1]?.env).toEqual(containers[0]?.env);
    expect(containers[1]?.env).not.toBe(containers[0]?.env);
    expect(lineAt(resources[0], '/spec/template/spec/containers/1/env')).toBe(15);
  });

  it('keeps a __proto__ key as plain data without touching prototypes', () => {
    const text =
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: p}\ndata:\n  __proto__: {polluted: "yes"}\n';
    const { resources } = parseManifests(text, 'proto.yaml');
    const data = resources[0]?.object.data as Record<string, unknown>;
    expect(Object.hasOwn(data, '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('applies the default namespace to namespaced kinds only', () => {
    const text = `apiVersion: v1
kind: Service
metadata: {name: api}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: reader, namespace: ignored}
---
apiVersion: example.com/v1
kind: Widget
metadata: {name: w}
`;
    const { resources } = parseManifests(text, 'ns.yaml', {
      defaultNamespace: 'ml',
      clusterScoped: new Set(['example.com/Widget']),
    });
    expect(resources.map((r) => r.id.namespace)).toEqual(['ml', '', '']);
  });
});

describe('parseManifests: documents that are not quite Kubernetes', () => {
  it('keeps a resource without metadata.name, with an empty name in its identity', () => {
    const { resources, findings } = parseManifests(
      'apiVersion: v1\nkind: ConfigMap\ndata: {a: b}\n',
      'cm.yaml',
    );
    expect(findings).toEqual([]);
    expect(resources[0]?.id).toEqual({ group: '', kind: 'ConfigMap', namespace: '', name: '' });
  });

  it('reports a non-string apiVersion or kind but keeps the resource, with strings in their place', () => {
    const { resources, findings } = parseManifests(
      'apiVersion: 1\nkind: [Pod]\nmetadata: {name: x}\n',
      'odd.yaml',
    );
    expect(resources).toHaveLength(1);
    expect(resources[0]?.apiVersion).toBe('');
    expect(resources[0]?.object).toMatchObject({ apiVersion: '', kind: '', metadata: { name: 'x' } });
    expect(findings.map((f) => [f.line, f.message])).toEqual([
      [1, 'apiVersion must be a non-empty string'],
      [2, 'kind must be a non-empty string'],
    ]);
  });

  it('gives every resource a string kind and apiVersion, whatever the document holds there', () => {
    // Every reader downstream (the redaction's Secret search, List flattening, rules) calls string
    // methods on them: `kind: [x]`, an empty kind or a missing one crashed `ferry validate` and
    // `ferry diff` as an internal error.
    const value = fc.oneof(
      fc.constant(undefined),
      fc.constantFrom('', 'null', '~', '5', '[Pod]', '{a: b}', 'true', 'Pod', 'v1', '"x"'),
    );
    fc.assert(
      fc.property(value, value, fc.boolean(), (apiVersion, kind, inList) => {
        const fields = [
          apiVersion === undefined ? '' : `apiVersion: ${apiVersion}\n`,
          kind === undefined ? '' : `kind: ${kind}\n`,
          'metadata: {name: a}\n',
        ].join('');
        const text = inList
          ? `apiVersion: v1\nkind: List\nitems:\n${fields.replace(/^/gm, '  ').replace(/^ {2}/, '- ')}`
          : fields;
        for (const r of parseManifests(text, 'x.yaml').resources) {
          expect(typeof r.object.apiVersion).toBe('string');
          expect(typeof r.object.kind).toBe('string');
          expect(r.object.apiVersion).toBe(r.apiVersion);
        }
      }),
    );
  });

  it('gives the documents a reader takes, as one stream, and nothing when it takes all or the stream is read whole', () => {
    const take = (doc: string) => doc.includes('kind: CustomResourceDefinition');
    const crd = 'apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata: {name: a}\n';
    const cm = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\n';
    expect(documentsTaken(`${cm}---\n${crd}---\n${cm}`, take)).toBe(`---\n${crd}`);
    expect(documentsTaken(`${crd}---\n${cm}`, take)).toBe(crd);
    expect(documentsTaken(`${crd}---\n${crd}`, take)).toBeUndefined();
    expect(documentsTaken(crd, take)).toBeUndefined();
    // Read whole: a directive, a document end marker, a JSON stream.
    expect(documentsTaken(`%YAML 1.1\n---\n${crd}---\n${cm}`, take)).toBeUndefined();
    expect(documentsTaken(`${crd}...\n---\n${cm}`, take)).toBeUndefined();
    expect(
      documentsTaken('{"kind": "CustomResourceDefinition"}\n{"kind": "ConfigMap"}\n', take),
    ).toBeUndefined();
    // What it gives parses to the taken documents' objects.
    const taken = documentsTaken(`${cm}---\n${crd}---\n${cm}`, take) ?? '';
    expect(parseManifests(taken, 'x.yaml').resources.map((r) => r.id.kind)).toEqual([
      'CustomResourceDefinition',
    ]);
  });

  it("says an unknown tag in a manifest by its written name, and nothing of other YAML's tags", () => {
    // An mkdocs.yml beside the manifests: not a Kubernetes object, so not Ferry's to judge.
    const mkdocs =
      'site_name: x\nmarkdown_extensions:\n  - pymdownx.emoji:\n      emoji_index: !!python/name:materialx.emoji.twemoji\n';
    expect(parseManifests(mkdocs, 'mkdocs.yml')).toMatchObject({ resources: [], findings: [] });
    const { resources, findings } = parseManifests(
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata:\n  a: !custom b\n  c: !!python/name:x y\n',
      'cm.yaml',
    );
    expect(resources[0]?.object).toMatchObject({ data: { a: 'b', c: 'y' } });
    const fix =
      'its value is read as if untagged; remove the tag (Kubernetes objects are JSON, which has no tags)';
    expect(findings.map((f) => [f.line, f.severity, f.message])).toEqual([
      [5, 'warning', `unknown tag !custom: ${fix}`],
      [6, 'warning', `unknown tag !!python/name:x: ${fix}`],
    ]);
  });

  it('says that {{…}} is a template when a plain file holds one, after what YAML makes of it', () => {
    const hint =
      ' ({{…}} is template syntax, not YAML: render the file first, as a Helm chart with a Chart.yaml, or keep it out of the target)';
    const messages = (text: string) =>
      parseManifests(text, 'x.yaml').findings.map((f) => [f.line, f.message]);
    expect(messages('apiVersion: ray.io/v1\nkind: RayCluster\nmetadata:\n  name: {{.Name}}\n')).toEqual([
      [
        4,
        `a map or list is used as a key here; Kubernetes objects are JSON, whose keys are strings, and kubectl refuses this document: write the key as a plain string${hint}`,
      ],
    ]);
    const [[line, message] = []] = messages(
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n{{- if .Values.x }}\ndata:\n  a: b\n{{- end }}\n',
    );
    expect(line).toBe(5);
    expect(message).toMatch(/^line 5 is not valid YAML: .*\(\{\{…\}\} is template syntax, not YAML: /);
    // No braces, no hint; and only the document that holds them gets it.
    expect(
      messages('apiVersion: v1\nkind: ConfigMap\ndata:\n  k: "x" y\n---\na: {{b}}\n')[0]?.[1],
    ).not.toContain('template');
  });

  it('skips scalars, sequences and empty documents silently', () => {
    const { resources, findings } = parseManifests(
      'just text\n---\n- a\n- b\n---\n---\n# nothing\n',
      'x.yaml',
    );
    expect(resources).toEqual([]);
    expect(findings).toEqual([]);
  });

  it('parses an empty file to nothing', () => {
    expect(parseManifests('', 'empty.yaml')).toEqual({ resources: [], findings: [] });
  });
});

describe('parseManifests: safety limits', () => {
  it('rejects a billion-laughs alias bomb as a parse finding', () => {
    const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 9; i++) {
      const prev = String.fromCharCode(96 + i);
      const name = String.fromCharCode(97 + i);
      levels.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(',')}]`);
    }
    const text = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: bomb}\ndata:\n${levels.map((l) => `  ${l}`).join('\n')}\n`;
    const { resources, findings } = parseManifests(text, 'bomb.yaml');
    expect(resources).toEqual([]);
    expect(findings).toEqual([
      {
        rule: 'parse',
        severity: 'error',
        file: 'bomb.yaml',
        line: 1,
        message: 'aliases expand more than 100 times (maxAliasCount): refused as a possible alias bomb',
      },
    ]);
  });

  it('rejects a document whose aliases expand a large anchor past the node budget', () => {
    const big = `[${Array(20_000).fill('1').join(',')}]`;
    const text = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: wide}\nbase: &b ${big}\ncopies: [${Array(60).fill('*b').join(',')}]\n`;
    const { resources, findings } = parseManifests(text, 'wide.yaml');
    expect(resources).toEqual([]);
    expect(findings[0]?.message).toMatch(/^aliases expand this document to more than 1000000 values/);
  });

  it('reports an alias without its anchor', () => {
    const { findings } = parseManifests('apiVersion: v1\nkind: ConfigMap\ndata: *nowhere\n', 'x.yaml');
    expect(findings[0]?.message).toMatch(/^invalid YAML: Unresolved alias/);
  });

  it('reports each duplicate key with its line and skips the document', () => {
    const text = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  name: b\ndata: {}\ndata: {x: y}\n';
    const { resources, findings } = parseManifests(text, 'dup.yaml');
    expect(resources).toEqual([]);
    expect(findings.map((f) => [f.line, f.message])).toEqual([
      [5, 'duplicate key "name" (a YAML map\'s keys must be unique)'],
      [7, 'duplicate key "data" (a YAML map\'s keys must be unique)'],
    ]);
  });

  it('refuses a file over the size limit, counting UTF-8 bytes', () => {
    const text = `apiVersion: v1\nkind: ConfigMap\ndata: {a: "${'é'.repeat(40)}"}\n`;
    expect(parseManifests(text, 'big.yaml', { maxBytes: 100 }).findings).toEqual([
      {
        rule: 'parse',
        severity: 'error',
        file: 'big.yaml',
        line: 1,
        message: `file is ${Buffer.byteLength(text)} bytes, over the 100-byte limit`,
      },
    ]);
    expect(parseManifests(text, 'big.yaml', { maxBytes: Buffer.byteLength(text) }).findings).toEqual([]);
  });

  it('says a size over a limit of whole MiB in MiB too, as maxRenderMiB is written', () => {
    const text = `apiVersion: v1\nkind: ConfigMap\ndata: {a: "${'x'.repeat(1.5 * 1024 * 1024)}"}\n`;
    const [finding] = parseManifests(text, 'big.yaml', {
      maxBytes: 1024 * 1024,
      maxBytesHint: 'raise it',
    }).findings;
    expect(finding?.message).toBe(
      `file is ${Buffer.byteLength(text)} bytes (1.5 MiB), over the 1 MiB limit; raise it`,
    );
  });

  it('refuses nesting deeper than maxDepth, in block and flow style', () => {
    const flow = `apiVersion: v1\nkind: ConfigMap\ndata: ${'['.repeat(200)}${']'.repeat(200)}\n`;
    const block = `apiVersion: v1\nkind: ConfigMap\n${Array.from({ length: 20 }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n')} x\n`;
    expect(parseManifests(flow, 'flow.yaml').findings.map((f) => f.message)).toEqual([
      'document nests deeper than 128 levels',
    ]);
    expect(parseManifests(block, 'block.yaml', { maxDepth: 10 }).findings.map((f) => f.message)).toEqual([
      'document nests deeper than 10 levels',
    ]);
    expect(parseManifests(block, 'block.yaml').resources).toHaveLength(1);
  });

  it('survives nesting deep enough to exhaust the stack', () => {
    const text = `apiVersion: v1\nkind: ConfigMap\ndata: ${'['.repeat(50_000)}${']'.repeat(50_000)}\n`;
    const { resources, findings } = parseManifests(text, 'deep.yaml');
    expect(resources).toEqual([]);
    expect(findings[0]?.severity).toBe('error');
  });

  it('caps the findings of one file and says how many were left out', () => {
    const text = Array.from({ length: 80 }, (_, i) => `a${i}: 1\na${i}: 2\n`).join('---\n');
    const { findings } = parseManifests(text, 'noisy.yaml');
    expect(findings).toHaveLength(51);
    expect(findings[50]?.message).toBe('30 more parse problems in this file not shown');
  });
});

describe('parseManifests: characters YAML does not allow', () => {
  const cm = (name: string, data: string) =>
    `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata:\n  a: ${data}\n`;

  it.each([
    ['a NUL', '\u0000', 'U+0000'],
    ['a bell', '\u0007', 'U+0007'],
    ['an escape (a terminal sequence)', '\u001b[31m', 'U+001B'],
    ['DEL', '\u007f', 'U+007F'],
    ['a C1 control', '\u009b', 'U+009B'],
    ['a non-character', '\uFFFE', 'U+FFFE'],
  ])(
    'refuses %s as kubectl does: an error at its line, and no resource from its document',
    (_name, ch, code) => {
      const text = `${cm('before', '"1"')}---\n${cm('bad', `x${ch}y`)}---\n${cm('after', '"2"')}`;
      const { resources, findings } = parseManifests(text, 'cm.yaml');
      expect(resources.map((r) => r.id.name)).toEqual(['before', 'after']);
      expect(findings).toEqual([
        {
          rule: 'parse',
          severity: 'error',
          file: 'cm.yaml',
          line: 13,
          message: `line 13 holds the character ${code}, which YAML does not allow (kubectl refuses the document); remove it, or write it as "\\u${code.slice(2)}" in a double-quoted string`,
        },
      ]);
    },
  );

  it('refuses one in a comment or in a quoted string too, and after the last document', () => {
    expect(parseManifests(`# note\u0007\n${cm('a', '"1"')}`, 'f.yaml').findings[0]?.line).toBe(1);
    expect(parseManifests(cm('a', '"x\u0001y"'), 'f.yaml').findings[0]?.line).toBe(6);
    const trailing = parseManifests(`${cm('a', '"1"')}# end\u0002\n`, 'f.yaml');
    expect(trailing.findings.map((f) => f.line)).toEqual([7]);
  });

  it('takes tab, line breaks, NEL and the escapes that write control characters', () => {
    const text = `${cm('a', '"x\\u0007y\\ty"')}\t\n# next line\u0085\r\n`;
    const { resources, findings } = parseManifests(text, 'f.yaml');
    expect(findings).toEqual([]);
    expect(resources[0]?.object.data).toEqual({ a: 'x\u0007y\ty' });
  });
});
