import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseManifests } from '../../src/manifest/parse-manifests.ts';
import type { Resource } from '../../src/types.ts';
import type { Rule } from '../../src/validate/rule.ts';
import { parseSchemaFiles } from '../../src/validate/schema/parse-schema-files.ts';
import { createValidation, validateResources } from '../../src/validate/validate-resources.ts';

const FIXTURES = 'test/fixtures/validate/schema';

interface Expected {
  line: number;
  severity: string;
  resource?: string;
  message: string;
}

function loadCase(name: string): {
  resources: Resource[];
  extraSchemas?: ReturnType<typeof parseSchemaFiles>;
} {
  const dir = join(FIXTURES, name);
  const parsed = parseManifests(readFileSync(join(dir, 'input.yaml'), 'utf8'), 'input.yaml');
  expect(parsed.findings).toEqual([]);
  const schemaDir = join(dir, 'schemas');
  if (!existsSync(schemaDir)) return { resources: parsed.resources };
  const files = readdirSync(schemaDir)
    .sort()
    .map((f) => ({ path: `schemas/${f}`, text: readFileSync(join(schemaDir, f), 'utf8') }));
  return { resources: parsed.resources, extraSchemas: parseSchemaFiles(files) };
}

const cases = readdirSync(FIXTURES).sort();

describe('validateResources on fixtures', () => {
  it('has a dozen cases or more', () => {
    expect(cases.length).toBeGreaterThanOrEqual(12);
  });

  it.each(cases)('%s', (name) => {
    const { resources, extraSchemas } = loadCase(name);
    const expected = JSON.parse(readFileSync(join(FIXTURES, name, 'expected.json'), 'utf8')) as Expected[];
    const findings = validateResources(resources, {
      kubernetesVersion: '1.34',
      rules: [],
      ...(extraSchemas ? { extraSchemas } : {}),
    });
    for (const f of findings) {
      expect(f.rule).toBe('schema');
      expect(f.file).toBe('input.yaml');
    }
    expect(
      findings.map(({ line, severity, resource, message }) => ({ line, severity, resource, message })),
    ).toEqual(expected);
  });
});

const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  namespace: ml
spec:
  replicas: "2"
  selector:
    matchLabels: {app: api}
  template:
    metadata:
      labels: {app: api}
    spec:
      containers:
        - name: api
          image: api:latest
`;

function parse(text: string, file = 'k8s/api.yaml'): Resource[] {
  return parseManifests(text, file).resources;
}

function rule(id: string, check: Rule['check'], severity: Rule['severity'] = 'warning'): Rule {
  return { id, severity, description: `${id} test rule`, check };
}

const latestTag = rule('no-latest', ({ resources }) =>
  resources.map((r) => ({
    resource: r,
    message: 'image uses :latest',
    path: ['spec', 'template', 'spec', 'containers', 0, 'image'],
  })),
);

describe('validateResources', () => {
  it('maps rule findings to the line of their field, with the formatted resource', () => {
    const findings = validateResources(parse(DEPLOYMENT), { kubernetesVersion: '1.34', rules: [latestTag] });
    expect(findings).toEqual([
      {
        rule: 'schema',
        severity: 'error',
        resource: 'Deployment ml/api',
        file: 'k8s/api.yaml',
        line: 7,
        message: 'spec.replicas: expected integer, got string (write 2 without quotes)',
      },
      {
        rule: 'no-latest',
        severity: 'warning',
        resource: 'Deployment ml/api',
        file: 'k8s/api.yaml',
        line: 16,
        message: 'image uses :latest',
      },
    ]);
  });

  it('leaves a document without kind or apiVersion to the parser, which says so once', () => {
    // kedacore/charts' docs/index.yaml, a Helm repository index: apiVersion: v1 and no kind.
    const parsed = parseManifests(
      'apiVersion: v1\nentries: {keda: []}\n---\nkind: ConfigMap\nmetadata: {name: b}\n',
      'docs/index.yaml',
    );
    expect(parsed.findings.map((f) => `${f.line}:${f.message}`)).toEqual([
      '1:document has apiVersion but no kind',
      '4:document has kind but no apiVersion',
    ]);
    expect(validateResources(parsed.resources, { kubernetesVersion: '1.34', rules: [] })).toEqual([]);
  });

  it('takes the configured severity over the finding’s, and the finding’s over the rule’s', () => {
    const perFinding = rule('removed-api', ({ resources }) =>
      resources.map((r) => ({ resource: r, message: 'removed', severity: 'error' as const })),
    );
    const base = { kubernetesVersion: '1.34', rules: [latestTag, perFinding] };
    const severities = (ruleConfig?: Record<string, 'off' | 'info' | 'warning' | 'error'>) =>
      validateResources(parse(DEPLOYMENT), { ...base, ...(ruleConfig ? { ruleConfig } : {}) }).map(
        (f) => `${f.rule}:${f.severity}`,
      );
    expect(severities()).toEqual(['removed-api:error', 'schema:error', 'no-latest:warning']);
    expect(severities({ 'removed-api': 'info', 'no-latest': 'error' })).toEqual([
      'removed-api:info',
      'schema:error',
      'no-latest:error',
    ]);
  });

  it('drops the findings of rules turned off, schema included', () => {
    const findings = validateResources(parse(DEPLOYMENT), {
      kubernetesVersion: '1.34',
      rules: [latestTag],
      ruleConfig: { schema: 'off', 'no-latest': 'off' },
    });
    expect(findings).toEqual([]);
  });

  it('keeps schema errors as errors unless schema is explicitly overridden', () => {
    const run = (ruleConfig: Record<string, 'warning'>) =>
      validateResources(parse(DEPLOYMENT), { kubernetesVersion: '1.34', rules: [], ruleConfig }).map(
        (f) => f.severity,
      );
    expect(run({ 'no-latest': 'warning' })).toEqual(['error']);
    expect(run({ schema: 'warning' })).toEqual(['warning']);
  });

  it('reports a crashing rule once and still runs the others', () => {
    const broken = rule('broken', () => {
      throw new TypeError("Cannot read properties of undefined (reading 'spec')");
    });
    const findings = validateResources(parse(DEPLOYMENT), {
      kubernetesVersion: '1.34',
      rules: [broken, latestTag],
      ruleConfig: { schema: 'off' },
    });
    expect(findings.map((f) => [f.rule, f.severity, f.message])).toEqual([
      ['broken', 'error', "rule broken crashed: Cannot read properties of undefined (reading 'spec')"],
      ['no-latest', 'warning', 'image uses :latest'],
    ]);
    expect(findings[0]?.file).toBe('k8s/api.yaml');
  });

  it('fed in parts, a rule that crashes in a later part says only that, pinned to the first file', () => {
    let calls = 0;
    const flaky: Rule = {
      ...rule('flaky', () => []),
      stream: () => ({
        add: (resources) => {
          calls++;
          if (calls === 2) throw new Error('boom');
          return resources.map((r) => ({ resource: r, message: 'seen' }));
        },
        finish: () => [],
      }),
    };
    const validation = createValidation({
      kubernetesVersion: '1.34',
      rules: [flaky, latestTag],
      ruleConfig: { schema: 'off' },
      crds: { kinds: [], findings: [] },
    });
    validation.add(parse(DEPLOYMENT, 'a.yaml'));
    validation.add(parse(DEPLOYMENT, 'b.yaml'));
    validation.add(parse(DEPLOYMENT, 'c.yaml'));
    const findings = validation.finish();
    expect(findings.map((f) => [f.rule, f.file, f.message])).toEqual([
      ['flaky', 'a.yaml', 'rule flaky crashed: boom'],
      ['no-latest', 'a.yaml', 'image uses :latest'],
      ['no-latest', 'b.yaml', 'image uses :latest'],
      ['no-latest', 'c.yaml', 'image uses :latest'],
    ]);
    // A crashed rule is not asked again.
    expect(calls).toBe(2);
  });

  it('gives every rule the whole set and the Kubernetes version', () => {
    let seen: { count: number; version: string } | undefined;
    const spy = rule('spy', (ctx) => {
      seen = { count: ctx.resources.length, version: ctx.kubernetesVersion };
      return [];
    });
    validateResources([...parse(DEPLOYMENT), ...parse(DEPLOYMENT, 'b.yaml')], {
      kubernetesVersion: '1.33',
      rules: [spy],
    });
    expect(seen).toEqual({ count: 2, version: '1.33' });
  });

  it('sorts findings by file, line and rule', () => {
    const resources = [...parse(DEPLOYMENT, 'z.yaml'), ...parse(DEPLOYMENT, 'a.yaml')];
    const findings = validateResources(resources, { kubernetesVersion: '1.34', rules: [latestTag] });
    expect(findings.map((f) => `${f.file}:${f.line}:${f.rule}`)).toEqual([
      'a.yaml:7:schema',
      'a.yaml:16:no-latest',
      'z.yaml:7:schema',
      'z.yaml:16:no-latest',
    ]);
  });

  it('uses CRDs from the rendered set and reports problems of configured schema files', () => {
    const extraSchemas = parseSchemaFiles([{ path: 'schemas/readme.yaml', text: 'title: not a schema\n' }]);
    const findings = validateResources(
      parse('apiVersion: ml.example.com/v1\nkind: Model\nmetadata: {name: m}\n'),
      {
        kubernetesVersion: '1.34',
        rules: [],
        extraSchemas,
      },
    );
    expect(findings.map((f) => `${f.file}:${f.severity}:${f.message}`)).toEqual([
      'k8s/api.yaml:info:not validated: no schema for ml.example.com/v1 Model (add its CRD to the repo or to schemas:)',
      'schemas/readme.yaml:warning:no CustomResourceDefinition or JSON Schema with x-kubernetes-group-version-kind in this file',
    ]);
  });
});
