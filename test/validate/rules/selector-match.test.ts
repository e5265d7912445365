import { describe, expect, it } from 'vitest';
import { parseManifests } from '../../../src/manifest/parse-manifests.ts';
import { selectorMatchRule } from '../../../src/validate/rules/selector-match.ts';
import { messagesOf, runRule } from './run-rule.ts';

function workload(
  selector: string,
  labels = '{app: classifier, tier: web}',
  kind = 'Deployment',
  apiVersion = 'apps/v1',
) {
  return `apiVersion: ${apiVersion}
kind: ${kind}
metadata: {name: api}
spec:
  selector:
${selector}
  template:
    metadata:
      labels: ${labels}
    spec:
      containers: [{name: app, image: app:1.0}]
`;
}

const DEPLOYMENT = workload('    matchLabels: {app: classifier}');

describe('selector-match: workloads', () => {
  it.each([
    ['matchLabels', '    matchLabels: {app: classifier}'],
    ['matchExpressions In', '    matchExpressions: [{key: tier, operator: In, values: [web, api]}]'],
    ['matchExpressions NotIn', '    matchExpressions: [{key: tier, operator: NotIn, values: [db]}]'],
    ['matchExpressions Exists', '    matchExpressions: [{key: app, operator: Exists}]'],
    ['matchExpressions DoesNotExist', '    matchExpressions: [{key: canary, operator: DoesNotExist}]'],
  ])('accepts a selector with %s that matches the template', (_, selector) => {
    expect(runRule(selectorMatchRule, workload(selector))).toEqual([]);
  });

  it('rejects a selector that misses the template labels, at the selector', () => {
    expect(runRule(selectorMatchRule, workload('    matchLabels: {app: clasifier}'))).toEqual([
      {
        severity: 'error',
        file: 'test.yaml',
        line: 5,
        message:
          'Deployment ml/api selector app=clasifier does not match its pod template labels (app=classifier,tier=web); the API server rejects it ("selector does not match template labels")',
      },
    ]);
  });

  it.each([
    ['StatefulSet', 'apps/v1'],
    ['DaemonSet', 'apps/v1'],
    ['ReplicaSet', 'apps/v1'],
    ['Rollout', 'argoproj.io/v1alpha1'],
  ])('checks a %s', (kind, apiVersion) => {
    const found = messagesOf(
      selectorMatchRule,
      workload(
        '    matchExpressions: [{key: tier, operator: NotIn, values: [web]}]',
        undefined,
        kind,
        apiVersion,
      ),
    );
    expect(found).toEqual([
      `${kind} ml/api selector tier!=web does not match its pod template labels (app=classifier,tier=web); the API server rejects it ("selector does not match template labels")`,
    ]);
  });

  it('rejects an empty apps/v1 selector', () => {
    expect(messagesOf(selectorMatchRule, workload('    matchLabels: {}'))).toEqual([
      "Deployment ml/api has an empty spec.selector; it must select the pod template's labels",
    ]);
  });

  it('checks a Job only when it sets manualSelector', () => {
    const job = (manual: string) => `apiVersion: batch/v1
kind: Job
metadata: {name: train}
spec:
  ${manual}
  selector: {matchLabels: {job: other}}
  template:
    metadata: {labels: {job: train}}
    spec:
      containers: [{name: t}]
`;
    expect(messagesOf(selectorMatchRule, job('manualSelector: true'))).toHaveLength(1);
    expect(messagesOf(selectorMatchRule, job('parallelism: 1'))).toEqual([]);
  });

  it('checks a ReplicationController map selector', () => {
    expect(
      messagesOf(
        selectorMatchRule,
        `apiVersion: v1
kind: ReplicationController
metadata: {name: rc}
spec:
  selector: {app: a}
  template:
    metadata: {labels: {app: b}}
    spec: {containers: [{name: c}]}`,
      ),
    ).toEqual([
      'ReplicationController ml/rc selector app=a does not match its pod template labels (app=b); the API server rejects it ("selector does not match template labels")',
    ]);
  });
});

describe('selector-match: Services, PodDisruptionBudgets, NetworkPolicies', () => {
  it('warns about a Service that selects no workload in its namespace, at the selector', () => {
    expect(
      runRule(
        selectorMatchRule,
        `${DEPLOYMENT}---
apiVersion: v1
kind: Service
metadata: {name: api}
spec:
  selector:
    app: clasifier
  ports: [{port: 80}]`,
      ),
    ).toEqual([
      {
        severity: 'warning',
        file: 'test.yaml',
        line: 17,
        message: 'Service ml/api selects app=clasifier but no workload in this target has those labels',
      },
    ]);
  });

  it.each([
    [
      'a Service that matches',
      'apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {selector: {app: classifier}}',
    ],
    [
      'a Service without a selector',
      'apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {ports: [{port: 80}]}',
    ],
    [
      'an ExternalName Service',
      'apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {type: ExternalName, externalName: x.example.com, selector: {app: x}}',
    ],
    [
      'a Service in a namespace without workloads',
      'apiVersion: v1\nkind: Service\nmetadata: {name: s, namespace: other}\nspec: {selector: {app: nothing}}',
    ],
    [
      'a Service pinned to a StatefulSet pod by a controller label',
      'apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {selector: {app: classifier, statefulset.kubernetes.io/pod-name: api-0}}',
    ],
    [
      'a PDB that matches',
      'apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: p}\nspec: {minAvailable: 1, selector: {matchLabels: {app: classifier}}}',
    ],
    [
      'a PDB with an empty selector',
      'apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: p}\nspec: {minAvailable: 1, selector: {}}',
    ],
    [
      'a NetworkPolicy for every pod',
      'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: n}\nspec: {podSelector: {}}',
    ],
  ])('accepts %s', (_, yaml) => {
    expect(runRule(selectorMatchRule, `${DEPLOYMENT}---\n${yaml}`)).toEqual([]);
  });

  it('stays quiet when the namespace only has objects that run no pods', () => {
    expect(
      runRule(
        selectorMatchRule,
        'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {selector: {app: x}}',
      ),
    ).toEqual([]);
  });

  it('without a target namespace, matches a Service in default with a workload that names no namespace', () => {
    // aibrix's samples: the Deployment names no namespace, its Service says `namespace: default`.
    const docs = (serviceNamespace: string) =>
      `apiVersion: apps/v1
kind: Deployment
metadata: {name: llama}
spec:
  selector: {matchLabels: {model: llama}}
  template:
    metadata: {labels: {model: llama}}
    spec: {containers: [{name: c, image: "vllm:1"}]}
---
apiVersion: v1
kind: Service
metadata: {name: llama, namespace: ${serviceNamespace}}
spec:
  selector: {model: llama}
  ports: [{port: 80}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: other, namespace: ${serviceNamespace}}
spec:
  selector: {matchLabels: {app: other}}
  template:
    metadata: {labels: {app: other}}
    spec: {containers: [{name: c, image: "x:1"}]}`;
    const seen = (yaml: string) =>
      runRule(selectorMatchRule, parseManifests(yaml, 'samples.yaml').resources).map((f) => f.message);
    expect(seen(docs('default'))).toEqual([]);
    expect(seen(docs('serving'))).toEqual([
      'Service serving/llama selects model=llama but no workload in this target has those labels',
    ]);
  });

  it("takes the pod templates inside an operator's custom resource as possibly selected", () => {
    // vllm-project/aibrix: a RayClusterFleet's RayCluster template holds the pods; KubeRay adds
    // ray.io/node-type, and the operator may add labels of its own.
    const fleet = `apiVersion: orchestration.aibrix.ai/v1alpha1
kind: RayClusterFleet
metadata: {name: qwen, namespace: default}
spec:
  template:
    metadata: {labels: {model.aibrix.ai/name: qwen}}
    spec:
      rayClusterSpec:
        headGroupSpec:
          template:
            metadata: {labels: {model.aibrix.ai/name: qwen, tier: db}}
            spec: {containers: [{name: ray-head, image: "vllm:1"}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: gateway, namespace: default}
spec:
  selector: {matchLabels: {app: gateway}}
  template:
    metadata: {labels: {app: gateway}}
    spec: {containers: [{name: c, image: "gw:1"}]}
`;
    const service = (selector: string) =>
      `---\napiVersion: v1\nkind: Service\nmetadata: {name: qwen, namespace: default}\nspec:\n  selector: ${selector}\n  ports: [{port: 80}]\n`;
    const seen = (selector: string) => messagesOf(selectorMatchRule, fleet + service(selector));
    expect(seen('{model.aibrix.ai/name: qwen, ray.io/node-type: head}')).toEqual([]);
    expect(seen('{model.aibrix.ai/name: llama}')).toEqual([
      'Service default/qwen selects model.aibrix.ai/name=llama but no workload in this target has those labels',
    ]);
    // A label the template sets to another value is not the operator's to change.
    expect(seen('{model.aibrix.ai/name: qwen, tier: web}')).toEqual([
      'Service default/qwen selects model.aibrix.ai/name=qwen,tier=web but no workload in this target has those labels',
    ]);
    expect(seen('{tier: web}')).toEqual([
      'Service default/qwen selects tier=web but no workload in this target has those labels',
    ]);
  });

  it('warns about a PodDisruptionBudget and a NetworkPolicy that select nothing', () => {
    const found = runRule(
      selectorMatchRule,
      `${DEPLOYMENT}---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: api}
spec:
  maxUnavailable: 1
  selector:
    matchExpressions: [{key: app, operator: In, values: [web, worker]}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: api}
spec:
  podSelector:
    matchLabels: {role: db}`,
    );
    expect(found.map((f) => [f.severity, f.line, f.message])).toEqual([
      [
        'warning',
        18,
        'PodDisruptionBudget ml/api selects app in (web,worker) but no workload in this target has those labels',
      ],
      ['warning', 25, 'NetworkPolicy ml/api selects role=db but no workload in this target has those labels'],
    ]);
  });

  it('matches Services against KServe pods by the labels KServe gives them, and allows labels it may add', () => {
    const isvc = `apiVersion: serving.kserve.io/v1beta1
kind: InferenceService
metadata: {name: clf}
spec:
  predictor:
    model: {modelFormat: {name: sklearn}}
`;
    const service = (selector: string) =>
      `${isvc}---\napiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {selector: ${selector}}`;
    expect(runRule(selectorMatchRule, service('{serving.kserve.io/inferenceservice: clf}'))).toEqual([]);
    expect(runRule(selectorMatchRule, service('{app: clf-predictor}'))).toEqual([]);
    expect(runRule(selectorMatchRule, service('{app: isvc.clf-predictor}'))).toEqual([]);
    expect(messagesOf(selectorMatchRule, service('{app: clasifier}'))).toEqual([
      'Service ml/s selects app=clasifier but no workload in this target has those labels',
    ]);
    expect(messagesOf(selectorMatchRule, service('{serving.kserve.io/inferenceservice: other}'))).toEqual([
      'Service ml/s selects serving.kserve.io/inferenceservice=other but no workload in this target has those labels',
    ]);
  });
});
