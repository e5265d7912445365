import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { checkTarget } from '../../src/engine/check-target.ts';
import { checkTargetFindings } from '../../src/engine/check-target-findings.ts';
import type { Target } from '../../src/types.ts';

/**
 * Documents whose findings depend on other documents of the target: a CRD and its objects (one CRD
 * spelled with a JSON escape), Services and the workloads they select, duplicates, a catalogue kind
 * and a near miss of it, kinds without a schema, a Secret whose value an earlier finding quotes.
 */
const DOCS: Record<string, string> = {
  crd: `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.example.com}
spec:
  group: example.com
  names: {kind: Widget, plural: widgets}
  scope: Namespaced
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec: {type: object, properties: {size: {type: integer}}}
`,
  escapedCrd: `{"apiVersion": "apiextensions.k8s.io/v1", "kind": "\\u0043ustomResourceDefinition",
 "metadata": {"name": "gizmos.example.com"},
 "spec": {"group": "example.com", "names": {"kind": "Gizmo", "plural": "gizmos"}, "scope": "Namespaced",
  "versions": [{"name": "v1", "served": true, "storage": true,
   "schema": {"openAPIV3Schema": {"type": "object", "properties": {"spec": {"type": "object", "properties": {"size": {"type": "integer"}}}}}}}]}}
`,
  widget: 'apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w1, namespace: ml}\nspec: {size: 3}\n',
  badWidget:
    'apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w2, namespace: ml}\nspec: {size: big}\n',
  widgetV2: 'apiVersion: example.com/v2\nkind: Widget\nmetadata: {name: w3, namespace: ml}\n',
  gizmo:
    'apiVersion: example.com/v1\nkind: Gizmo\nmetadata: {name: g1, namespace: ml}\nspec: {size: large, extra: 1}\n',
  deploy: `apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: ml}
spec:
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec: {containers: [{name: c, image: "reg.example/api@sha256:${'a'.repeat(64)}"}]}
`,
  deployAgain: `apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: ml}
spec:
  selector: {matchLabels: {app: other}}
  template:
    metadata: {labels: {app: api}}
    spec: {containers: [{name: c, image: "reg.example/api:1"}]}
`,
  service:
    'apiVersion: v1\nkind: Service\nmetadata: {name: api, namespace: ml}\nspec: {selector: {app: api}, ports: [{port: 80}]}\n',
  lonelyService:
    'apiVersion: v1\nkind: Service\nmetadata: {name: lonely, namespace: ml}\nspec: {selector: {app: nothing}, ports: [{port: 80}]}\n',
  isvc: `apiVersion: serving.kserve.io/v1beta1
kind: InferenceService
metadata: {name: llm, namespace: ml}
spec:
  predictor:
    model: {modelFormat: {name: huggingface}, storageUri: "hf://org/model@abc"}
`,
  isvcTypo:
    'apiVersion: serving.kserve.io/v1beta1\nkind: InferenceServce\nmetadata: {name: typo, namespace: ml}\n',
  unknown1: 'apiVersion: example.org/v1\nkind: Gadget\nmetadata: {name: a, namespace: ml}\n',
  unknown2: 'apiVersion: example.org/v1\nkind: Gadget\nmetadata: {name: b, namespace: ml}\n',
  secret:
    'apiVersion: v1\nkind: Secret\nmetadata: {name: token, namespace: ml}\nstringData: {token: "s3cr3t-t0ken!"}\n',
  // A Secret value that is also a name the findings show: masked only where it is not that name.
  nameSecret:
    'apiVersion: v1\nkind: Secret\nmetadata: {name: user, namespace: ml}\nstringData: {user: lonely}\n',
  quotesSecret:
    'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm, namespace: ml, labels: {team: "s3cr3t-t0ken!"}}\n',
};
const NAMES = Object.keys(DOCS);
const BROKEN = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: [\n';

const made: string[] = [];
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

/** A repository with one plain target `deploy`, its files holding `files` documents in order. */
function repoWith(files: readonly (readonly string[])[]): { root: string; target: Target } {
  const root = mkdtempSync(join(tmpdir(), 'ferry-stream-'));
  made.push(root);
  mkdirSync(join(root, 'deploy'));
  files.forEach((docs, i) => {
    const json = docs.length === 1 && docs[0]?.startsWith('{');
    const text = docs.map((name) => (name === 'broken' ? BROKEN : DOCS[name])).join('---\n');
    writeFileSync(join(root, 'deploy', `f${String(i).padStart(3, '0')}.${json ? 'json' : 'yaml'}`), text);
  });
  return { root, target: { name: 'deploy', path: 'deploy', schemas: [] } as unknown as Target };
}

async function both(files: readonly (readonly string[])[]) {
  const { root, target } = repoWith(files);
  const opts = { root, target, kubernetesVersion: '1.34' };
  const whole = await checkTarget(opts);
  const streamed = await checkTargetFindings(opts);
  return {
    whole: { findings: whole.findings, failed: whole.failed, checked: whole.checked },
    streamed,
  };
}

/** JSON documents stand alone in a file of their own (a .json file holds one). */
function filesOf(order: readonly string[], sizes: readonly number[]): string[][] {
  const files: string[][] = [];
  let at = 0;
  for (let i = 0; at < order.length; i++) {
    const size = sizes[i % sizes.length] ?? 1;
    const file: string[] = [];
    while (file.length < size && at < order.length) {
      const name = order[at] as string;
      if (DOCS[name]?.startsWith('{')) {
        if (file.length > 0) break;
        file.push(name);
        at++;
        break;
      }
      file.push(name);
      at++;
    }
    files.push(file);
  }
  return files;
}

describe('checkTargetFindings', () => {
  it('finds what checking the whole set finds when every dependency comes late', async () => {
    // Objects before their CRDs, Services before their workloads, the Secret after the finding
    // quoting its value, the near miss before the catalogue kind.
    const order = [
      'quotesSecret',
      'service',
      'lonelyService',
      'widget',
      'badWidget',
      'widgetV2',
      'gizmo',
      'isvcTypo',
      'unknown1',
      'deploy',
      'unknown2',
      'deployAgain',
      'isvc',
      'crd',
      'escapedCrd',
      'secret',
      'nameSecret',
    ];
    const { whole, streamed } = await both(filesOf(order, [1]));
    expect(streamed).toEqual(whole);
    const rules = new Set(whole.findings.map((f) => f.rule));
    for (const rule of ['schema', 'duplicate-resource', 'selector-match']) expect(rules).toContain(rule);
    const messages = whole.findings.map((f) => f.message).join('\n');
    expect(messages).toContain('Service ml/lonely selects');
    expect(messages).toContain('spec.size');
    expect(messages).toContain('InferenceServce');
    expect(messages).not.toContain('s3cr3t-t0ken!');
    expect(messages).toContain('<redacted>');
    expect(messages.match(/no schema for example\.org\/v1 Gadget/g)).toHaveLength(1);
  });

  it('keeps a failed render failed, with what still parsed checked', async () => {
    const { whole, streamed } = await both([['service', 'deploy'], ['broken'], ['deployAgain', 'secret']]);
    expect(whole.failed).toBe(true);
    expect(streamed).toEqual(whole);
  });

  it('gives the same findings for any order and any split into files', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.shuffledSubarray(NAMES, { minLength: 1 }),
        fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 4 }),
        async (order, sizes) => {
          const { whole, streamed } = await both(filesOf(order, sizes));
          expect(streamed).toEqual(whole);
        },
      ),
      { numRuns: 30 },
    );
  });
});
