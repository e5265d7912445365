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
    // Field lines are template lines, found from the kind line on.
    expect(lineAt(resources[0], '/kind')).toBe(4);
    expect(lineAt(resources[2], '/metadata/name')).toBe(12);
    // No template file, no field lines.
    expect(resources[4]?.pointers).toBeUndefined();
    expect(resources[4]?.lines).toBeUndefined();
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
