import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { lineOf } from '../../../src/manifest/line-of.ts';
import { parseManifests } from '../../../src/manifest/parse-manifests.ts';
import type { KubeObject, Resource } from '../../../src/types.ts';
import { ALL_RULES } from '../../../src/validate/rules/all-rules.ts';

const ROOT = join(import.meta.dirname, '../../..');
const FIXTURES = join(ROOT, 'test/fixtures/validate/rules');

function yamlFilesUnder(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) return yamlFilesUnder(path);
      return name.endsWith('.yaml') ? [path] : [];
    });
}

function loadCase(dir: string): Resource[] {
  return yamlFilesUnder(dir).flatMap((path) => {
    const { resources, findings } = parseManifests(readFileSync(path, 'utf8'), relative(dir, path), {
      defaultNamespace: 'ml',
    });
    expect(findings, path).toEqual([]);
    return resources;
  });
}

function runAll(resources: readonly Resource[]): string[] {
  return ALL_RULES.flatMap((rule) =>
    rule
      .check({ resources, kubernetesVersion: '1.34' })
      .map(
        (f) =>
          `${f.severity ?? rule.severity} ${rule.id} ${f.resource.file}:${lineOf(f.resource, f.path)} ${f.message}`,
      ),
  );
}

const CASES = readdirSync(FIXTURES).filter((name) => statSync(join(FIXTURES, name)).isDirectory());

describe('ALL_RULES over fixture targets', () => {
  it.each(CASES)('finds exactly what %s/expected.txt lists', (name) => {
    const expected = readFileSync(join(FIXTURES, name, 'expected.txt'), 'utf8')
      .split('\n')
      .filter((line) => line.trim() !== '');
    expect(runAll(loadCase(join(FIXTURES, name)))).toEqual(expected);
  });
});

function camelCase(id: string): string {
  return id.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

describe('ALL_RULES', () => {
  it('has unique kebab-case ids, a description and a default severity', () => {
    const ids = ALL_RULES.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const rule of ALL_RULES) {
      expect(rule.id).toMatch(/^[a-z]+(-[a-z]+)*$/);
      expect(rule.description.length).toBeGreaterThan(20);
      expect(['info', 'warning', 'error']).toContain(rule.severity);
    }
  });

  it.each(ALL_RULES.map((r) => [r.id, r] as const))(
    'keeps rule %s in its own file, exported under its camel-case name',
    async (id, rule) => {
      const module = (await import(`../../../src/validate/rules/${id}.ts`)) as Record<string, unknown>;
      expect(module[`${camelCase(id)}Rule`]).toBe(rule);
    },
  );

  it('documents every rule in docs/rules.md with its default severity', () => {
    const docs = readFileSync(join(ROOT, 'docs/rules.md'), 'utf8');
    for (const rule of ALL_RULES) {
      const section = docs.split(/^## /m).find((s) => s.startsWith(`\`${rule.id}\``));
      expect(section, rule.id).toBeDefined();
      expect(section).toContain(`Default severity: **${rule.severity}**`);
    }
  });

  it('never mutates the resources and gives the same answer twice', () => {
    const resources = CASES.flatMap((name) => loadCase(join(FIXTURES, name)));
    const snapshot = structuredClone(resources);
    for (const resource of resources) deepFreeze(resource);
    const first = runAll(resources);
    expect(runAll(resources)).toEqual(first);
    expect(resources).toEqual(snapshot);
  });

  it('never throws on objects of any shape', () => {
    fc.assert(
      fc.property(
        fc.array(arbitraryResource(), { maxLength: 4 }),
        fc.string({ maxLength: 8 }),
        (resources, version) => {
          for (const rule of ALL_RULES) {
            const findings = rule.check({ resources, kubernetesVersion: version });
            for (const f of findings) {
              // One of the resources, or a stand-in pinned to one (a cross-resource rule's late finding).
              const named = resources.find((r) => r === f.resource || r.id === f.resource.id);
              expect(named?.file).toBe(f.resource.file);
              expect(typeof f.message).toBe('string');
            }
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

function deepFreeze(value: unknown): void {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return;
  Object.freeze(value);
  for (const child of Object.values(value)) deepFreeze(child);
}

/** Kinds the rules look at, with anything at all in the places they read. */
const KINDS: readonly [string, string][] = [
  ['v1', 'Pod'],
  ['v1', 'Secret'],
  ['v1', 'Service'],
  ['v1', 'ReplicationController'],
  ['apps/v1', 'Deployment'],
  ['apps/v1', 'StatefulSet'],
  ['batch/v1', 'Job'],
  ['batch/v1', 'CronJob'],
  ['batch/v1beta1', 'CronJob'],
  ['argoproj.io/v1alpha1', 'Rollout'],
  ['serving.kserve.io/v1beta1', 'InferenceService'],
  ['serving.kserve.io/v1alpha1', 'ServingRuntime'],
  ['networking.istio.io/v1', 'VirtualService'],
  ['gateway.networking.k8s.io/v1', 'HTTPRoute'],
  ['split.smi-spec.io/v1alpha2', 'TrafficSplit'],
  ['policy/v1', 'PodDisruptionBudget'],
  ['networking.k8s.io/v1', 'NetworkPolicy'],
  ['ray.io/v1', 'RayCluster'],
];

function arbitraryResource(): fc.Arbitrary<Resource> {
  const anything = fc.anything({ maxDepth: 3, withNullPrototype: false });
  const container = fc.oneof(
    anything,
    fc.record(
      { name: anything, image: anything, env: anything, resources: anything, storageUri: anything },
      { requiredKeys: [] },
    ),
  );
  const podSpec = fc.record(
    { containers: fc.oneof(anything, fc.array(container)), initContainers: fc.array(container) },
    { requiredKeys: [] },
  );
  const spec = fc.record(
    {
      selector: anything,
      podSelector: anything,
      template: fc.oneof(anything, fc.record({ metadata: anything, spec: podSpec })),
      jobTemplate: anything,
      predictor: fc.oneof(anything, podSpec, fc.record({ model: container, canaryTrafficPercent: anything })),
      containers: fc.array(container),
      http: anything,
      rules: anything,
      backends: anything,
      strategy: anything,
      headGroupSpec: anything,
      workerGroupSpecs: anything,
    },
    { requiredKeys: [] },
  );
  return fc
    .tuple(fc.constantFrom(...KINDS), fc.option(fc.string(), { nil: undefined }), spec, anything, anything)
    .map(([[apiVersion, kind], name, specValue, data, metadataExtra]) => {
      const object: KubeObject = {
        apiVersion,
        kind,
        metadata: { name, labels: metadataExtra },
        spec: specValue,
        data,
        stringData: data,
      };
      return {
        id: {
          group: apiVersion.includes('/') ? (apiVersion.split('/')[0] ?? '') : '',
          kind,
          namespace: 'ml',
          name: name ?? '',
        },
        apiVersion,
        object,
        file: 'fuzz.yaml',
        line: 1,
      };
    });
}
