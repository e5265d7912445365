// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${VAR} written as text is what some of these tests are about.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { resourceIdOf } from '../../../src/manifest/resource-id.ts';
import type { KubeObject, Resource } from '../../../src/types.ts';
import { createSchemaSet } from '../../../src/validate/schema/create-schema-set.ts';
import { loadCrdSchemas } from '../../../src/validate/schema/load-crd-schemas.ts';
import { validateSchema } from '../../../src/validate/schema/validate-schema.ts';

function resource(object: Record<string, unknown>): Resource {
  const obj = object as KubeObject;
  return { id: resourceIdOf(obj), apiVersion: obj.apiVersion, object: obj, file: 'x.yaml', line: 1 };
}

const schemas = createSchemaSet();

function deployment(): Record<string, unknown> {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'api', labels: { app: 'api' } },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'api' } },
      template: {
        metadata: { labels: { app: 'api' } },
        spec: { containers: [{ name: 'api', image: 'api:1.0.0', ports: [{ containerPort: 8080 }] }] },
      },
    },
  };
}

describe('validateSchema', () => {
  it('passes a valid Deployment', () => {
    expect(validateSchema(resource(deployment()), schemas)).toEqual([]);
  });

  it('reports a path for every finding, for lineOf', () => {
    const obj = deployment();
    (obj.spec as Record<string, unknown>).replicas = 'two';
    expect(validateSchema(resource(obj), schemas)).toEqual([
      expect.objectContaining({
        path: ['spec', 'replicas'],
        severity: 'error',
        message: 'spec.replicas: expected integer, got string',
      }),
    ]);
  });

  it('says a value is an unreplaced ${VAR} substitution variable wherever it breaks a field', () => {
    // A Flux postBuild or envsubst template checked as it is: Ferry replaces nothing before the apply.
    const withValues = (v: {
      name: string;
      ns?: string;
      env?: string;
      replicas: unknown;
      pull: string;
      cpu: string;
    }) => {
      const obj = deployment();
      const spec = obj.spec as {
        replicas: unknown;
        template: { spec: { containers: Record<string, unknown>[] } };
      };
      obj.metadata = {
        name: v.name,
        ...(v.ns && { namespace: v.ns }),
        ...(v.env && { labels: { env: v.env } }),
      };
      spec.replicas = v.replicas;
      Object.assign(spec.template.spec.containers[0] ?? {}, {
        imagePullPolicy: v.pull,
        resources: { requests: { cpu: v.cpu } },
      });
      return validateSchema(resource(obj), schemas).map((f) => f.message);
    };
    const hint =
      ' (a $VAR or ${VAR} substitution variable, which nothing replaces: Ferry applies what the target renders, with no envsubst or Flux postBuild substitution; write the value in, or set it per cluster with a kustomize overlay or Helm values)';
    const templated = withValues({
      name: '${APP}-web',
      ns: '${NS}',
      env: '${ENV:=dev}',
      replicas: '${REPLICAS}',
      pull: '$PULL_POLICY',
      cpu: '${CPU}',
    });
    expect(templated.map((m) => m.replace(hint, ' [hint]')).sort()).toEqual([
      expect.stringMatching(/^metadata\.labels\.env: invalid value "\$\{ENV:=dev\}": .* \[hint\]$/),
      expect.stringMatching(/^metadata\.name: invalid name "\$\{APP\}-web": .* \[hint\]$/),
      expect.stringMatching(/^metadata\.namespace: invalid namespace "\$\{NS\}": .* \[hint\]$/),
      'spec.replicas: expected integer, got string [hint]',
      'spec.template.spec.containers[0].imagePullPolicy: unsupported value "$PULL_POLICY" [hint]',
      'spec.template.spec.containers[0].resources.requests.cpu: invalid quantity "${CPU}" [hint]',
    ]);
    // Not for what only looks alike: a quoted number keeps its own hint, a plain wrong value none.
    expect(withValues({ name: 'web', replicas: '3', pull: 'Sometimes', cpu: 'a$CPU' })).toEqual([
      'spec.replicas: expected integer, got string (write 3 without quotes)',
      'spec.template.spec.containers[0].imagePullPolicy: unsupported value "Sometimes" (expected one of "Always", "IfNotPresent", "Never")',
      'spec.template.spec.containers[0].resources.requests.cpu: invalid quantity "a$CPU" (use e.g. 500m, 2, 512Mi, 1Gi)',
    ]);
  });

  it('reports exactly one unknown field for any key added to a valid object', () => {
    const known = new Set(['apiVersion', 'kind', 'metadata', 'spec', 'status']);
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 12 }).filter((k) => !known.has(k) && k !== '__proto__'),
        fc.jsonValue(),
        (key, value) => {
          const obj = { ...deployment(), [key]: value };
          const findings = validateSchema(resource(obj), schemas);
          expect(findings).toHaveLength(1);
          expect(findings[0]?.path).toEqual([key]);
          expect(findings[0]?.message).toContain('unknown field');
        },
      ),
    );
  });

  it('never throws, whatever the object holds', () => {
    const kinds = [
      'apps/v1/Deployment',
      'v1/Service',
      'v1/Pod',
      'batch/v1/CronJob',
      'v1/List',
      'x.io/v1/Thing',
    ];
    fc.assert(
      fc.property(
        fc.constantFrom(...kinds),
        fc.dictionary(fc.constantFrom('metadata', 'spec', 'items', 'data', 'status', 'x'), fc.jsonValue()),
        (key, fields) => {
          const slash = key.lastIndexOf('/');
          const obj = { ...fields, apiVersion: key.slice(0, slash), kind: key.slice(slash + 1) };
          const findings = validateSchema(resource(obj), schemas);
          for (const f of findings) expect(typeof f.message).toBe('string');
        },
      ),
    );
  });

  it('never puts a Secret value in a message', () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.constantFrom('a', 'b'), fc.string({ minLength: 6 })),
        fc.dictionary(
          fc.constantFrom('c', 'd'),
          fc.oneof(fc.integer({ min: 100_000 }), fc.string({ minLength: 6 })),
        ),
        (data, stringData) => {
          const obj = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, data, stringData };
          for (const f of validateSchema(resource(obj), schemas)) {
            for (const v of [...Object.values(data), ...Object.values(stringData)]) {
              expect(f.message).not.toContain(String(v));
            }
          }
        },
      ),
    );
  });

  it('ignores status entirely, on built-in and custom kinds', () => {
    const obj = { ...deployment(), status: { whatever: [{ a: 1 }], replicas: 'x' } };
    expect(validateSchema(resource(obj), schemas)).toEqual([]);
  });

  it('validates custom resources once their CRD is in the set', () => {
    const crd = resource({
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'models.ml.example.com' },
      spec: {
        group: 'ml.example.com',
        scope: 'Namespaced',
        names: { kind: 'Model', plural: 'models' },
        versions: [
          {
            name: 'v1',
            served: true,
            storage: true,
            schema: {
              openAPIV3Schema: {
                type: 'object',
                properties: { spec: { type: 'object', properties: { uri: { type: 'string' } } } },
              },
            },
          },
        ],
      },
    });
    const model = resource({
      apiVersion: 'ml.example.com/v1',
      kind: 'Model',
      metadata: { name: 'm' },
      spec: { url: 's3://x' },
    });
    const withCrd = createSchemaSet({ additions: [loadCrdSchemas([crd, model])] });
    expect(validateSchema(crd, withCrd)).toEqual([]);
    expect(validateSchema(model, withCrd).map((f) => f.message)).toEqual([
      'spec.url: unknown field (did you mean "uri"?)',
    ]);
    expect(validateSchema(model, schemas).map((f) => [f.severity, f.message])).toEqual([
      [
        'info',
        'not validated: no schema for ml.example.com/v1 Model (add its CRD to the repo or to schemas:)',
      ],
    ]);
  });
});
