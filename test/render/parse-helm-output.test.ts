import { describe, expect, it } from 'vitest';
import { locateHelmError, mapHelmSource, parseHelmOutput } from '../../src/render/parse-helm-output.ts';
import { lineAt } from '../helpers/lines-at.ts';

const where = { chartName: 'app', chartDir: 'deploy/app' };

describe('mapHelmSource', () => {
  it.each([
    ['app/templates/x.yaml', 'deploy/app', 'deploy/app/templates/x.yaml'],
    ['app/charts/redis/templates/sts.yaml', 'deploy/app', 'deploy/app/charts/redis/templates/sts.yaml'],
    ['app/crds/crd.yaml', '.', 'crds/crd.yaml'],
  ])('maps %s in %s to %s', (source, chartDir, expected) => {
    expect(mapHelmSource(source, { chartName: 'app', chartDir })).toBe(expected);
  });
});

describe('parseHelmOutput', () => {
  const template = [
    '{{- range .Values.names }}', // 1
    '---', // 2
    'apiVersion: v1', // 3
    'kind: ConfigMap', // 4
    'metadata:', // 5
    '  name: {{ . }}', // 6
    '{{- end }}', // 7
    '---', // 8
    'apiVersion: v1', // 9
    'kind: Service', // 10
    'metadata:', // 11
    '  name: svc', // 12
    '---', // 13
    'apiVersion: v1', // 14
    'kind: Service', // 15
    'metadata:', // 16
    '  name: svc-headless', // 17
  ].join('\n');
  const stdout = [
    '---',
    '# Source: app/templates/all.yaml',
    'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a',
    '---',
    '# Source: app/templates/all.yaml',
    'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b',
    '---',
    '# Source: app/templates/all.yaml',
    'apiVersion: v1\nkind: Service\nmetadata:\n  name: svc',
    '---',
    '# Source: app/templates/all.yaml',
    'apiVersion: v1\nkind: Service\nmetadata:\n  name: svc-headless',
    '---',
    '# Source: app/charts/db/templates/sts.yaml',
    'apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: db',
  ].join('\n');

  it("points each object at its template's kind line: the only one, the n-th of as many, else line 1", () => {
    const { resources, findings } = parseHelmOutput(stdout, {
      ...where,
      templates: new Map([['deploy/app/templates/all.yaml', template]]),
      defaultNamespace: 'ml',
    });
    expect(findings).toEqual([]);
    expect(resources.map((r) => `${r.id.kind} ${r.id.namespace}/${r.id.name} ${r.file}:${r.line}`)).toEqual([
      'ConfigMap ml/a deploy/app/templates/all.yaml:4',
      'ConfigMap ml/b deploy/app/templates/all.yaml:4',
      'Service ml/svc deploy/app/templates/all.yaml:10',
      'Service ml/svc-headless deploy/app/templates/all.yaml:15',
      // Inside a vendored .tgz: no file in the repository, so the chart's Chart.yaml.
      'StatefulSet ml/db deploy/app/Chart.yaml:1',
    ]);
    // With the chart's dependency entries known: the line of the one it comes from.
    const entries = parseHelmOutput(stdout, {
      ...where,
      templates: new Map([['deploy/app/templates/all.yaml', template]]),
      dependencies: new Map([['db', { file: 'deploy/app/Chart.yaml', line: 7 }]]),
    });
    expect(entries.resources.map((r) => `${r.id.name} ${r.file}:${r.line}`).at(-1)).toBe(
      'db deploy/app/Chart.yaml:7',
    );
    // Field lines are template lines, found from the kind line on.
    expect(lineAt(resources[0], '/kind')).toBe(4);
    expect(lineAt(resources[2], '/metadata/name')).toBe(12);
    // No template file, no field lines.
    expect(resources[4]?.pointers).toBeUndefined();
    expect(resources[4]?.lines).toBeUndefined();
  });
});

// SeldonIO/seldon-core v1.18.2's seldon-core-loadtesting chart writes its objects as a `kind: List`:
// each item's finding was at line 1, as no top-level `kind:` line is the item's.
describe('parseHelmOutput: the items of a List', () => {
  const template = [
    'apiVersion: v1', // 1
    'items:', // 2
    '- apiVersion: v1', // 3
    '  kind: ReplicationController', // 4
    '  metadata:', // 5
    '    name: master', // 6
    '  spec:', // 7
    '    template:', // 8
    '      spec:', // 9
    '        containers:', // 10
    '        - name: locust', // 11
    '          image: locust:{{ .Values.tag }}', // 12
    '- apiVersion: autoscaling/v2', // 13
    '  kind: HorizontalPodAutoscaler', // 14
    '  metadata:', // 15
    '    name: master', // 16
    '  spec:', // 17
    '    scaleTargetRef:', // 18
    '      kind: ReplicationController', // 19
    '      name: master', // 20
    'kind: List', // 21
  ].join('\n');
  const stdout = [
    '---',
    '# Source: app/templates/list.yaml',
    template.replace('{{ .Values.tag }}', '1.0'),
  ].join('\n');

  it("points each item at its own kind line, and a field at the template's line", () => {
    const { resources } = parseHelmOutput(stdout, {
      ...where,
      templates: new Map([['deploy/app/templates/list.yaml', template]]),
    });
    expect(resources.map((r) => `${r.id.kind} ${r.line}`)).toEqual([
      'ReplicationController 4',
      'HorizontalPodAutoscaler 14',
    ]);
    expect(lineAt(resources[0], '/spec/template/spec/containers/0/image')).toBe(12);
  });
});

// milvus-io/milvus-helm@90f620b: the packaged pulsar 2.7.8 subchart's proxy ConfigMap renders
// httpNumThreads twice; the finding said charts/milvus/Chart.yaml:48, a line of helm's output.
describe('parseHelmOutput: YAML that does not parse', () => {
  const template = [
    'apiVersion: v1', // 1
    'kind: ConfigMap', // 2
    'metadata:', // 3
    '  name: proxy', // 4
    'data:', // 5
    '  threads: "8"', // 6
    '{{- with .Values.extra }}', // 7
    '{{ toYaml . | indent 2 }}', // 8
    '{{- end }}', // 9
  ].join('\n');
  const output = (source: string) =>
    [
      '---',
      `# Source: ${source}`,
      '# a licence header',
      '# of several lines',
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata:',
      '  name: proxy',
      'data:',
      '  threads: "8"',
      '  memory: 2g',
      '  threads: "100"',
    ].join('\n');

  it("points a duplicate key at the template's line for it, not at a line of helm's output", () => {
    const { resources, findings } = parseHelmOutput(output('app/templates/proxy.yaml'), {
      ...where,
      templates: new Map([['deploy/app/templates/proxy.yaml', template]]),
    });
    expect(resources).toEqual([]);
    expect(findings).toMatchObject([
      {
        rule: 'parse',
        severity: 'error',
        file: 'deploy/app/templates/proxy.yaml',
        line: 6,
        message: expect.stringMatching(/duplicate key "threads".*line 12 of what it renders/),
      },
    ]);
  });

  it('names the template of a packaged subchart, which has no file in the repository, at the chart', () => {
    const { findings } = parseHelmOutput(output('app/charts/pulsar/templates/proxy.yaml'), {
      ...where,
      templates: new Map(),
    });
    expect(findings).toMatchObject([
      {
        rule: 'parse',
        file: 'deploy/app/Chart.yaml',
        line: 1,
        message: expect.stringMatching(
          /duplicate key "threads".*line 12 of what charts\/pulsar\/templates\/proxy\.yaml renders \(a packaged chart\)/,
        ),
      },
    ]);
  });
});

describe('locateHelmError', () => {
  it('maps the first template reference to a repo file and line, and rewrites the message', () => {
    expect(
      locateHelmError('execution error at (app/templates/job.yaml:12:7): model is required', where),
    ).toEqual({
      file: 'deploy/app/templates/job.yaml',
      line: 12,
      message: 'execution error at (deploy/app/templates/job.yaml:12:7): model is required',
    });
  });

  it('uses line 1 when helm names a file without a line', () => {
    expect(
      locateHelmError('YAML parse error on app/templates/x.yaml: error converting YAML to JSON', where),
    ).toEqual({
      file: 'deploy/app/templates/x.yaml',
      line: 1,
      message: 'YAML parse error on deploy/app/templates/x.yaml: error converting YAML to JSON',
    });
  });

  it('leaves messages without a template alone', () => {
    expect(locateHelmError('chart requires kubeVersion: >=1.40.0', where)).toEqual({
      file: undefined,
      line: 1,
      message: 'chart requires kubeVersion: >=1.40.0',
    });
  });
});

// Modelled on open-webui/helm-charts@a6305e7 (charts/open-webui/templates/workload-manager.yaml),
// written fresh: the kind is chosen by the template, and the env list has branches that did not
// render. Findings on the StatefulSet said line 1; then the OPENAI_API_KEY literal pointed at the
// first `value:` of the list, in a branch helm left out.
describe('parseHelmOutput: templated kinds and branches that did not render', () => {
  const template = [
    '{{- $kind := .Values.kind | default "StatefulSet" -}}', // 1
    'apiVersion: apps/v1', // 2
    'kind: {{ $kind }}', // 3
    'metadata:', // 4
    '  name: webui', // 5
    'spec:', // 6
    '  template:', // 7
    '    spec:', // 8
    '      containers:', // 9
    '        - name: webui', // 10
    '          env:', // 11
    '          {{- if .Values.ingress.enabled }}', // 12
    '          - name: WEBUI_URL', // 13
    '            value: {{ .Values.url | quote }}', // 14
    '          {{- end }}', // 15
    '          {{- if .Values.useSecret }}', // 16
    '          - name: "API_KEY"', // 17
    '            valueFrom:', // 18
    '              secretKeyRef: { name: k, key: k }', // 19
    '          {{- else }}', // 20
    '          - name: "API_KEY"', // 21
    '            value: {{ .Values.apiKey | quote }}', // 22
    '          {{- end }}', // 23
    '          - name: PORT', // 24
    '            value: "8080"', // 25
    '---', // 26
    'apiVersion: v1', // 27
    'kind: {{ .Values.configKind | default "ConfigMap" }}', // 28
    'metadata:', // 29
    '  name: webui-config', // 30
  ].join('\n');
  const stdout = [
    '---',
    '# Source: app/templates/workload.yaml',
    'apiVersion: apps/v1',
    'kind: StatefulSet',
    'metadata:',
    '  name: webui',
    'spec:',
    '  template:',
    '    spec:',
    '      containers:',
    '        - name: webui',
    '          env:',
    '          - name: "API_KEY"',
    '            value: "s3cret"',
    '          - name: PORT',
    '            value: "8080"',
    '---',
    '# Source: app/templates/workload.yaml',
    'apiVersion: v1',
    'kind: ConfigMap',
    'metadata:',
    '  name: webui-config',
  ].join('\n');

  it('points each object at its templated kind line, and a field at the branch that rendered it', () => {
    const { resources } = parseHelmOutput(stdout, {
      ...where,
      templates: new Map([['deploy/app/templates/workload.yaml', template]]),
    });
    expect(resources.map((r) => `${r.id.kind} ${r.id.name} ${r.file}:${r.line}`)).toEqual([
      'StatefulSet webui deploy/app/templates/workload.yaml:3',
      'ConfigMap webui-config deploy/app/templates/workload.yaml:28',
    ]);
    const env = '/spec/template/spec/containers/0/env';
    // Not WEBUI_URL's lines (13, 14), left out by its branch; of the two branches writing API_KEY,
    // the name cannot tell which rendered, the value can.
    expect(lineAt(resources[0], `${env}/0/name`)).toBe(17);
    expect(lineAt(resources[0], `${env}/0/value`)).toBe(22);
    expect(lineAt(resources[0], `${env}/1/value`)).toBe(25);
    expect(lineAt(resources[1], '/metadata/name')).toBe(30);
  });
});
