import { randomUUID } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeHeapSnapshot } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { createRedaction } from '../../src/diff/redact-findings.ts';
import { detachedString } from '../../src/manifest/detached.ts';
import { parseManifests } from '../../src/manifest/parse-manifests.ts';
import { ALL_RULES } from '../../src/validate/rules/all-rules.ts';
import { loadCatalogueSchemas } from '../../src/validate/schema/load-catalogue-schemas.ts';
import { loadCrdSchemas } from '../../src/validate/schema/load-crd-schemas.ts';
import { createValidation, validateResources } from '../../src/validate/validate-resources.ts';

/**
 * What a check keeps across the files of a target must not keep their text: V8 makes a substring a
 * view of the string it was cut from, so one kept label value would hold its whole document (at
 * 50,000 resources that was ~60 MiB of document texts). The heap is searched for a marker written
 * only in the text; the marker itself is held as bytes, never as a string.
 */
function heapHolds(marker: Buffer): boolean {
  const file = join(tmpdir(), `ferry-kept-state-${process.pid}-${randomUUID()}.heapsnapshot`);
  writeHeapSnapshot(file); // collects garbage first
  try {
    return readFileSync(file).includes(marker);
  } finally {
    rmSync(file, { force: true });
  }
}

const newMarker = (): Buffer => Buffer.from(`ferry-marker-${randomUUID()}`);

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
});
