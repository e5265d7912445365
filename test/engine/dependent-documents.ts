// Documents whose findings depend on each other, for the tests that compare checking a set in parts
// with checking it whole (check-target-findings.test.ts, check-paths.test.ts).

/**
 * Documents whose findings depend on other documents of the target: a CRD and its objects (one CRD
 * spelled with a JSON escape), Services and the workloads they select, duplicates, a catalogue kind
 * and a near miss of it, kinds without a schema, a Secret whose value an earlier finding quotes.
 */
export const DOCS: Record<string, string> = {
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
export const NAMES = Object.keys(DOCS);
export const BROKEN = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: [\n';

/** The text of one file holding the named documents in order (`broken`: a document that does not parse). */
export function textOf(docs: readonly string[]): string {
  return docs.map((name) => (name === 'broken' ? BROKEN : DOCS[name])).join('---\n');
}

/** The file name for the `i`th file holding `docs`: a lone JSON document is a .json file. */
export function fileNameOf(i: number, docs: readonly string[]): string {
  const json = docs.length === 1 && docs[0]?.startsWith('{');
  return `f${String(i).padStart(3, '0')}.${json ? 'json' : 'yaml'}`;
}

/** JSON documents stand alone in a file of their own (a .json file holds one). */
export function filesOf(order: readonly string[], sizes: readonly number[]): string[][] {
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
