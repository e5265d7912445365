import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { getBuiltinSchemas } from '../../../src/validate/schema/get-builtin-schemas.ts';
import type { SchemaNode } from '../../../src/validate/schema/schema-node.ts';

const schemas = getBuiltinSchemas();

function kind(key: string): SchemaNode {
  const k = schemas.kinds.get(key);
  if (!k) throw new Error(`no built-in kind ${key}`);
  return k.root;
}

/** Follows object properties and array items: `at(root, 'spec', 'template', '[]')`. */
function at(node: SchemaNode, ...path: string[]): SchemaNode {
  let cur = node;
  for (const part of path) {
    const next =
      part === '[]' ? cur.items : part === '*' ? (cur.additional as SchemaNode) : cur.properties?.get(part);
    if (!next) throw new Error(`no ${part} in path ${path.join('.')}`);
    cur = next;
  }
  return cur;
}

describe('getBuiltinSchemas', () => {
  it('is pinned to Kubernetes 1.36.0 from the kubernetes-models version the generator pins', () => {
    const pinned = JSON.parse(readFileSync('src/validate/schemas/k8s-1.36.json', 'utf8'));
    const source = JSON.parse(readFileSync('scripts/k8s-schema-source.json', 'utf8'));
    expect(schemas.kubernetesVersion).toBe('1.36.0');
    // A bump of the pinned kubernetes-models must come with a regenerated schema (npm run gen:schemas).
    expect(pinned.source).toBe(`${source.package}@${source.version}`);
  });

  it('requires selector and template in a Deployment spec', () => {
    expect(at(kind('apps/v1/Deployment'), 'spec').required).toEqual(
      expect.arrayContaining(['selector', 'template']),
    );
  });

  it('requires a name on every container', () => {
    const pod = at(kind('apps/v1/Deployment'), 'spec', 'template', 'spec');
    expect(at(pod, 'containers', '[]').required).toContain('name');
    expect(pod.required).toContain('containers');
  });

  it('types resources.limits as a map of quantities', () => {
    const limits = at(kind('v1/Pod'), 'spec', 'containers', '[]', 'resources', 'limits');
    expect(limits.type).toBe('object');
    expect(limits.properties).toBeUndefined();
    expect((limits.additional as SchemaNode).type).toBe('quantity');
  });

  it('types ports[].containerPort as a required 32-bit integer', () => {
    const port = at(kind('v1/Pod'), 'spec', 'containers', '[]', 'ports', '[]');
    expect(at(port, 'containerPort')).toMatchObject({ type: 'integer', format: 'int32' });
    expect(port.required).toContain('containerPort');
  });

  it('types metadata.labels as a map of strings', () => {
    expect(at(kind('v1/ConfigMap'), 'metadata', 'labels', '*').type).toBe('string');
    expect(at(kind('v1/ConfigMap'), 'metadata')).toBe(schemas.objectMeta);
  });

  it('knows int-or-string, 64-bit integers, byte strings and enums', () => {
    expect(at(kind('v1/Service'), 'spec', 'ports', '[]', 'targetPort').type).toBe('int-or-string');
    expect(at(kind('v1/ConfigMap'), 'metadata', 'generation')).toMatchObject({
      type: 'integer',
      format: 'int64',
    });
    expect(at(kind('v1/Secret'), 'data', '*')).toMatchObject({ type: 'string', format: 'byte' });
    expect(at(kind('v1/Pod'), 'spec', 'containers', '[]', 'imagePullPolicy').enum).toEqual([
      'Always',
      'IfNotPresent',
      'Never',
    ]);
  });

  it('treats status, RawExtension and CRD schemas as free-form', () => {
    expect(at(kind('apps/v1/Deployment'), 'status').type).toBe('any');
    expect(
      at(
        kind('apiextensions.k8s.io/v1/CustomResourceDefinition'),
        'spec',
        'versions',
        '[]',
        'schema',
        'openAPIV3Schema',
      ).type,
    ).toBe('any');
    expect(at(kind('apps/v1/ControllerRevision'), 'data').type).toBe('any');
  });

  it('knows which kinds are cluster-scoped', () => {
    expect(schemas.kinds.get('v1/Namespace')?.clusterScoped).toBe(true);
    expect(schemas.kinds.get('rbac.authorization.k8s.io/v1/ClusterRole')?.clusterScoped).toBe(true);
    expect(schemas.kinds.get('apps/v1/Deployment')?.clusterScoped).toBe(false);
  });

  it('covers the GA workload, networking and DRA kinds', () => {
    for (const key of [
      'apps/v1/StatefulSet',
      'batch/v1/CronJob',
      'autoscaling/v2/HorizontalPodAutoscaler',
      'networking.k8s.io/v1/Ingress',
      'policy/v1/PodDisruptionBudget',
      'resource.k8s.io/v1/ResourceClaimTemplate',
      'scheduling.k8s.io/v1/PriorityClass',
    ]) {
      expect(schemas.kinds.get(key)?.root.type, key).toBe('object');
    }
  });
});
