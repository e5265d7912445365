import { describe, expect, it } from 'vitest';
import { createRedaction } from '../../src/diff/redact-findings.ts';
import { detachedString } from '../../src/manifest/detached.ts';
import { parseManifests } from '../../src/manifest/parse-manifests.ts';
import { ALL_RULES } from '../../src/validate/rules/all-rules.ts';
import { loadCatalogueSchemas } from '../../src/validate/schema/load-catalogue-schemas.ts';
import { loadCrdSchemas } from '../../src/validate/schema/load-crd-schemas.ts';
import { createValidation, validateResources } from '../../src/validate/validate-resources.ts';
import { heapHolds, newMarker } from '../helpers/heap-holds.ts';

/** A Deployment without findings, its text marked by a comment, with label values long enough to be views. */
function markedDeployment(marker: Buffer): string {
  return `# ${marker.toString('utf8')}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: model-server-with-a-long-name
  namespace: inference-serving
  labels: {app.kubernetes.io/name: model-server-with-a-long-name}
spec:
  replicas: 2
  selector:
    matchLabels: {app.kubernetes.io/name: model-server-with-a-long-name}
  template:
    metadata:
      labels: {app.kubernetes.io/name: model-server-with-a-long-name}
    spec:
      securityContext: {runAsNonRoot: true}
      containers:
        - name: server
          image: registry.example.com/ml/model-server@sha256:${'ab'.repeat(32)}
          resources:
            requests: {cpu: "1", memory: 1Gi}
            limits: {memory: 1Gi}
          readinessProbe: {httpGet: {path: /ready, port: 8080}}
          livenessProbe: {httpGet: {path: /live, port: 8080}}
${'# padding\n'.repeat(2000)}`;
}

/** A Deployment with a finding quoting its image, a Service selecting nothing, and the marker in a third document. */
function fileWithFindings(marker: Buffer): string {
  return [
    'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: model-server-with-a-long-name\n  namespace: inference-serving\nspec:\n  selector:\n    matchLabels: {app: model-server-with-a-long-name}\n  template:\n    metadata:\n      labels: {app: model-server-with-a-long-name}\n    spec:\n      containers:\n        - name: server\n          image: registry.example.com/ml/model-server:latest\n',
    'apiVersion: v1\nkind: Service\nmetadata:\n  name: selects-no-workload-at-all\n  namespace: inference-serving\nspec:\n  selector:\n    app: nothing-has-this-label-value\n  ports: [{port: 80}]\n',
    `# ${marker.toString('utf8')}\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n${'# padding\n'.repeat(2000)}`,
  ].join('---\n');
}

/**
 * What a check keeps across the files of a target must not keep their text: V8 makes a substring a
 * view of the string it was cut from, so one kept label value would hold its whole document (at
 * 50,000 resources that was ~60 MiB of document texts). The heap is searched for a marker written
 * only in the text; the marker itself is held as bytes, never as a string.
 */
describe('state kept across the parts of a target', () => {
  it('detachedString keeps the characters and not the string they were cut from', () => {
    const viewed = newMarker();
    const copied = newMarker();
    const cut = (marker: Buffer) =>
      `${marker.toString('utf8')} ${'x'.repeat(100_000)} a-value-of-some-length`.slice(-22);
    const view = cut(viewed);
    const copy = detachedString(cut(copied));
    expect(copy).toBe('a-value-of-some-length');
    // The control: a plain substring does hold its source (else this test could not see a leak).
    expect(heapHolds(viewed)).toBe(true);
    expect(heapHolds(copied)).toBe(false);
    expect(view).toBe(copy);
  });

  it('detachedString makes one flat copy, not a view of a copy (32 bytes more for each word kept)', () => {
    const marker = newMarker();
    const copy = (() => {
      const text = `${'x'.repeat(100_000)} ${marker.toString('utf8')}`;
      return detachedString(text.slice(-marker.length));
    })();
    expect(copy).toBe(marker.toString('utf8'));
    expect(heapHolds(marker)).toBe(true);
    // A view's copy is longer than the view (`' ' + s`): only the characters themselves are in the heap.
    expect(heapHolds(Buffer.concat([Buffer.from(' '), marker]))).toBe(false);
    expect(detachedString('\ud800 a lone surrogate, kept')).toBe('\ud800 a lone surrogate, kept');
  });

  it('createValidation and createRedaction keep nothing of a part without findings but its words', async () => {
    const marker = newMarker();
    const validation = createValidation({
      kubernetesVersion: '1.34',
      rules: ALL_RULES,
      crds: loadCrdSchemas([]),
    });
    const redaction = createRedaction({ publicWords: true });
    // In a scope of its own: once it returns, the text and its resources are garbage.
    await (async () => {
      const { resources } = parseManifests(markedDeployment(marker), 'deploy/app.yaml');
      expect(validateResources(resources, { kubernetesVersion: '1.34', rules: ALL_RULES })).toEqual([]);
      validation.add(resources, await loadCatalogueSchemas(resources));
      redaction.add(resources);
    })();
    expect(heapHolds(marker)).toBe(false);
    expect(validation.finish()).toEqual([]);
    expect(redaction.redact([])).toEqual([]);
  });

  it('nor of a file by its findings, or by a Service that waits for a workload to the end', async () => {
    const marker = newMarker();
    // A finding quoting a value (the image), a Service selecting nothing (judged at finish), and the
    // marker in a third document of the same file: only a view of the file's text could hold it.

    const validation = createValidation({
      kubernetesVersion: '1.34',
      rules: ALL_RULES,
      crds: loadCrdSchemas([]),
    });
    await (async () => {
      const { resources } = parseManifests(fileWithFindings(marker), 'deploy/app.yaml');
      validation.add(resources, await loadCatalogueSchemas(resources));
    })();
    // V8 keeps the subject of the last regular expression run (RegExp.input): one string, not one a file.
    /x/.test('x');
    expect(heapHolds(marker)).toBe(false);
    const findings = validation.finish();
    expect(findings.map((f) => [f.rule, f.line])).toEqual([
      ['image-pinned', 15],
      ['selector-match', 23],
    ]);
    expect(findings[0]?.message).toContain('registry.example.com/ml/model-server:latest');
  });

  it("nor of a CRD's file by the schemas compiled from it (names, required keys, enums, patterns)", () => {
    const marker = newMarker();
    // The text is made and dropped inside the closure; every string a compiled schema keeps is 13
    // characters or more (a view) and cut from it.
    const crds = (() => loadCrdSchemas(parseManifests(markedCrd(marker), 'crds/pipeline.yaml').resources))();
    /x/.test('x');
    expect(heapHolds(marker)).toBe(false);
    const [kind] = crds.kinds;
    expect(kind).toMatchObject({
      apiVersion: 'serving.example.com/v1alpha1-preview-release',
      kind: 'InferencePipelineDefinition',
      source: 'CustomResourceDefinition inferencepipelines.serving.example.com',
    });
    const spec = kind?.root.properties?.get('spec');
    expect(spec?.required).toEqual(['modelReferenceName']);
    expect(spec?.properties?.get('acceleratorClassName')?.enum).toEqual([
      'nvidia-h100-80gb-hbm3',
      'nvidia-a100-80gb',
    ]);
    expect(spec?.properties?.get('modelReferenceName')?.pattern?.test('llama-3-8b-or-longer')).toBe(true);
  });
});

function markedCrd(marker: Buffer): string {
  return `# ${marker.toString('utf8')}
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: inferencepipelines.serving.example.com
spec:
  group: serving.example.com
  scope: Namespaced
  names: {kind: InferencePipelineDefinition, plural: inferencepipelines}
  versions:
    - name: v1alpha1-preview-release
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              required: [modelReferenceName]
              properties:
                modelReferenceName: {type: string, pattern: '^[a-z][a-z0-9-]{0,62}-or-longer$'}
                acceleratorClassName: {type: string, enum: [nvidia-h100-80gb-hbm3, nvidia-a100-80gb]}
${'# padding\n'.repeat(2000)}`;
}
