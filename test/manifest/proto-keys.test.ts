import { describe, expect, it } from 'vitest';
import { formatYaml } from '../../src/diff/format-yaml.ts';
import { normalizeObject, stripNoise } from '../../src/diff/normalize-object.ts';
import { listDriftedFields } from '../../src/live/find-drift.ts';
import { asStringMap } from '../../src/manifest/as-record.ts';
import { parseManifests } from '../../src/manifest/parse-manifests.ts';
import { setOwn } from '../../src/manifest/set-own.ts';
import type { KubeObject } from '../../src/types.ts';

// A manifest may hold a key named `__proto__` (a label, an annotation, a ConfigMap or Secret key,
// even a metadata field). The YAML parser keeps it as an own property; every copy Ferry makes
// must keep it too, or the key vanishes from the diff, the drift check and label matching.
const text = [
  'apiVersion: v1',
  'kind: Secret',
  'metadata:',
  '  name: s',
  '  namespace: ml',
  '  __proto__: {polluted: p}',
  '  labels: {__proto__: x, app: a}',
  '  annotations: {__proto__: z, kubectl.kubernetes.io/last-applied-configuration: "{}"}',
  'stringData:',
  '  __proto__: hunter2',
  '',
].join('\n');

function parsed(): KubeObject {
  const [r] = parseManifests(text, 'secret.yaml').resources;
  if (!r) throw new Error('no resource');
  return r.object;
}

describe('keys named __proto__', () => {
  it('are own properties after parsing (the premise of the other tests)', () => {
    const meta = parsed().metadata as Record<string, unknown>;
    expect(Object.keys(meta)).toContain('__proto__');
    expect(Object.keys(meta.labels as object)).toEqual(['__proto__', 'app']);
  });

  it('survive stripNoise and normalizeObject, and are printed in the diff', () => {
    for (const copy of [stripNoise(parsed()), normalizeObject(parsed())]) {
      const meta = copy.metadata as Record<string, unknown>;
      expect(Object.keys(meta)).toContain('__proto__');
      expect(Object.getPrototypeOf(meta)).toBe(Object.prototype);
      expect(Object.keys(meta.labels as object)).toContain('__proto__');
      // The noise annotation goes, the author's `__proto__` annotation stays.
      expect(Object.keys(meta.annotations as object)).toEqual(['__proto__']);
    }
    const printed = formatYaml(stripNoise(parsed()), { circularAsText: true });
    expect(printed).toContain('__proto__:\n    polluted: p');
    expect(printed).toContain('__proto__: x');
    expect(printed).toBe(formatYaml(normalizeObject(parsed())));
  });

  it('survive asStringMap (labels and selectors match on them)', () => {
    const labels = asStringMap((parsed().metadata as Record<string, unknown>).labels);
    expect(Object.keys(labels)).toEqual(['__proto__', 'app']);
    expect(Object.getPrototypeOf(labels)).toBe(Object.prototype);
  });

  it('count as drift when the live Secret lacks them', () => {
    const live = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 's', namespace: 'ml' },
      data: {},
    } as KubeObject;
    const applied = parsed();
    (applied.metadata as Record<string, unknown>).labels = undefined;
    (applied.metadata as Record<string, unknown>).annotations = undefined;
    const paths = listDriftedFields(applied, live).map((f) => f.path);
    expect(paths.some((p) => p.includes('__proto__'))).toBe(true);
  });

  it('setOwn never changes a prototype', () => {
    const map: Record<string, unknown> = {};
    setOwn(map, '__proto__', { polluted: true });
    setOwn(map, 'a', 1);
    expect(Object.getPrototypeOf(map)).toBe(Object.prototype);
    expect(Object.keys(map)).toEqual(['__proto__', 'a']);
    expect((map as { polluted?: unknown }).polluted).toBeUndefined();
  });
});
