import { describe, expect, it } from 'vitest';
import { parseManifests } from '../../../src/manifest/parse-manifests.ts';
import { createSchemaSet } from '../../../src/validate/schema/create-schema-set.ts';
import { parseSchemaFiles } from '../../../src/validate/schema/parse-schema-files.ts';
import { validateSchema } from '../../../src/validate/schema/validate-schema.ts';

const CRD = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
spec:
  group: example.com
  names: {kind: Widget, plural: widgets}
  scope: Cluster
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              properties:
                size: {type: integer}
`;

function messages(schemaFiles: { path: string; text: string }[], manifest: string): string[] {
  const additions = parseSchemaFiles(schemaFiles);
  const set = createSchemaSet({ additions: [additions] });
  const { resources } = parseManifests(manifest, 'm.yaml');
  return resources.flatMap((r) => validateSchema(r, set).map((f) => f.message));
}

describe('parseSchemaFiles', () => {
  it('reads CRDs from YAML, with their scope', () => {
    const additions = parseSchemaFiles([{ path: 'crds/widget.yaml', text: CRD }]);
    expect(additions.findings).toEqual([]);
    expect(additions.kinds.map((k) => [k.apiVersion, k.kind, k.clusterScoped, k.origin])).toEqual([
      ['example.com/v1', 'Widget', true, 'crd'],
    ]);
    expect(additions.kinds[0]?.source).toBe(
      'CustomResourceDefinition widgets.example.com (crds/widget.yaml)',
    );
    expect(createSchemaSet({ additions: [additions] }).clusterScoped).toEqual(
      new Set(['example.com/Widget']),
    );
  });

  it('reads CRDs from a kubectl List in JSON', () => {
    const crd = parseManifests(CRD, 'x').resources[0]?.object;
    const text = JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [crd] });
    expect(parseSchemaFiles([{ path: 'crds.json', text }]).kinds.map((k) => k.kind)).toEqual(['Widget']);
  });

  it('validates custom resources against a configured CRD', () => {
    const manifest =
      'apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\nspec: {size: big, colour: red}\n';
    expect(messages([{ path: 'crds/widget.yaml', text: CRD }], manifest)).toEqual([
      'spec.size: expected integer, got string',
      'spec.colour: unknown field',
    ]);
  });

  it('reads OpenAPI documents whose definitions carry x-kubernetes-group-version-kind, following $refs', () => {
    const doc = {
      components: {
        schemas: {
          'com.example.v1.Gadget': {
            type: 'object',
            'x-kubernetes-group-version-kind': [{ group: 'example.com', version: 'v1', kind: 'Gadget' }],
            properties: {
              metadata: { $ref: '#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta' },
              spec: { $ref: '#/components/schemas/com.example.v1.GadgetSpec' },
            },
          },
          'com.example.v1.GadgetSpec': { type: 'object', properties: { port: { type: 'integer' } } },
        },
      },
    };
    const manifest = 'apiVersion: example.com/v1\nkind: Gadget\nmetadata: {name: g}\nspec: {prot: 80}\n';
    expect(messages([{ path: 'openapi.json', text: JSON.stringify(doc) }], manifest)).toEqual([
      'spec.prot: unknown field (did you mean "port"?)',
    ]);
  });

  it('derives the kind of a JSON Schema from single-valued apiVersion and kind enums', () => {
    const schema = {
      type: 'object',
      properties: {
        apiVersion: { type: 'string', enum: ['example.com/v2'] },
        kind: { type: 'string', enum: ['Gizmo'] },
        spec: { type: 'object', properties: { on: { type: 'boolean' } } },
      },
    };
    const kinds = parseSchemaFiles([{ path: 'gizmo_v2.json', text: JSON.stringify(schema) }]).kinds;
    expect(kinds.map((k) => `${k.apiVersion} ${k.kind} ${k.origin}`)).toEqual([
      'example.com/v2 Gizmo schema-file',
    ]);
  });

  it('reports a file with no usable schema, and YAML errors, as findings', () => {
    const { kinds, findings } = parseSchemaFiles([
      { path: 'notes.yaml', text: 'just: some\nyaml: here\n' },
      { path: 'broken.yaml', text: 'a: [\n' },
    ]);
    expect(kinds).toEqual([]);
    expect(findings.map((f) => [f.rule, f.severity, f.file])).toEqual([
      ['schema', 'warning', 'notes.yaml'],
      ['parse', 'error', 'broken.yaml'],
    ]);
  });
});
