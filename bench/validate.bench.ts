/**
 * Validation throughput on 10,000 generated resources (Deployments, Services, ConfigMaps and KServe
 * InferenceServices with their CRD), in 100 files of 100 documents, against the floor of YAML parsing:
 *
 *   npx tsx bench/validate.bench.ts [resources]
 *
 * Prints parse-only (yaml parseAllDocuments + toJS), parseManifests and validateResources throughput
 * and the ratio validate/parse-only (goal: ≤ 2). Rules run too when src/validate/rules/all-rules.ts
 * exists. Figures, never assertions.
 */
import { existsSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { parseAllDocuments } from 'yaml';
import { parseManifests } from '../src/manifest/parse-manifests.ts';
import type { Resource } from '../src/types.ts';
import type { Rule } from '../src/validate/rule.ts';
import { loadCatalogueSchemas } from '../src/validate/schema/load-catalogue-schemas.ts';
import { validateResources } from '../src/validate/validate-resources.ts';

const TOTAL = Number(process.argv[2] ?? 10_000);
const PER_FILE = 100;
const ROUNDS = 5;

const CRD = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: inferenceservices.serving.kserve.io
spec:
  group: serving.kserve.io
  names:
    kind: InferenceService
    plural: inferenceservices
    singular: inferenceservice
    shortNames: [isvc]
  scope: Namespaced
  versions:
    - name: v1beta1
      served: true
      storage: true
      subresources:
        status: {}
      schema:
        openAPIV3Schema:
          type: object
          properties:
            apiVersion: {type: string}
            kind: {type: string}
            metadata: {type: object}
            spec:
              type: object
              required: [predictor]
              properties:
                predictor:
                  type: object
                  properties:
                    minReplicas: {type: integer, minimum: 0}
                    maxReplicas: {type: integer, minimum: 0}
                    canaryTrafficPercent: {type: integer, minimum: 0, maximum: 100}
                    serviceAccountName: {type: string}
                    model:
                      type: object
                      required: [modelFormat]
                      properties:
                        modelFormat:
                          type: object
                          required: [name]
                          properties:
                            name: {type: string}
                            version: {type: string}
                        runtime: {type: string}
                        storageUri: {type: string, pattern: '^(gs|s3|pvc|https?)://'}
                        resources:
                          type: object
                          properties:
                            limits:
                              type: object
                              additionalProperties:
                                anyOf: [{type: integer}, {type: string}]
                                x-kubernetes-int-or-string: true
                            requests:
                              type: object
                              additionalProperties:
                                anyOf: [{type: integer}, {type: string}]
                                x-kubernetes-int-or-string: true
                    containers:
                      type: array
                      items:
                        type: object
                        x-kubernetes-preserve-unknown-fields: true
            status:
              type: object
              x-kubernetes-preserve-unknown-fields: true
`;

function deployment(i: number): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: model-server-${i}
  namespace: ml
  labels:
    app.kubernetes.io/name: model-server-${i}
    app.kubernetes.io/part-of: classifier
  annotations:
    ferry.dev/owner: ml-platform
spec:
  replicas: 3
  revisionHistoryLimit: 5
  selector:
    matchLabels:
      app.kubernetes.io/name: model-server-${i}
  strategy:
    type: RollingUpdate
    rollingUpdate: {maxSurge: 25%, maxUnavailable: 0}
  template:
    metadata:
      labels:
        app.kubernetes.io/name: model-server-${i}
    spec:
      containers:
        - name: server
          image: registry.example.com/ml/model-server:1.4.${i % 10}
          imagePullPolicy: IfNotPresent
          args: ["--model", "/models/classifier", "--port", "8080"]
          ports:
            - {name: http, containerPort: 8080, protocol: TCP}
          env:
            - {name: MODEL_VERSION, value: "v${i % 7}"}
          resources:
            requests: {cpu: 500m, memory: 1Gi}
            limits: {cpu: 2, memory: 4Gi, nvidia.com/gpu: 1}
          readinessProbe:
            httpGet: {path: /healthz, port: http}
            periodSeconds: 10
`;
}

function service(i: number): string {
  return `apiVersion: v1
kind: Service
metadata:
  name: model-server-${i}
  namespace: ml
  labels:
    app.kubernetes.io/name: model-server-${i}
    app.kubernetes.io/part-of: classifier
    app.kubernetes.io/managed-by: ferry
  annotations:
    prometheus.io/scrape: "true"
    prometheus.io/port: "9090"
spec:
  type: ClusterIP
  sessionAffinity: None
  internalTrafficPolicy: Cluster
  ipFamilyPolicy: SingleStack
  selector:
    app.kubernetes.io/name: model-server-${i}
  ports:
    - name: http
      port: 80
      targetPort: http
      protocol: TCP
    - name: grpc
      port: 9000
      targetPort: 9000
      protocol: TCP
      appProtocol: grpc
    - name: metrics
      port: 9090
      targetPort: metrics
      protocol: TCP
`;
}

function configMap(i: number): string {
  return `apiVersion: v1
kind: ConfigMap
metadata:
  name: model-config-${i}
  namespace: ml
  labels:
    app.kubernetes.io/name: model-server-${i}
    app.kubernetes.io/component: config
data:
  MODEL_NAME: classifier
  MODEL_VERSION: v${i % 7}
  BATCH_SIZE: "32"
  MAX_LATENCY_MS: "250"
  THRESHOLD: "0.8"
  labels.txt: |
    cat
    dog
    bird
    fish
  serving.yaml: |
    model:
      name: classifier
      path: /models/classifier
      warmup: true
    server:
      port: 8080
      workers: 4
      timeoutSeconds: 30
    logging:
      level: info
      format: json
`;
}

function inferenceService(i: number): string {
  return `apiVersion: serving.kserve.io/v1beta1
kind: InferenceService
metadata:
  name: classifier-${i}
  namespace: ml
  labels:
    app.kubernetes.io/name: classifier-${i}
    app.kubernetes.io/part-of: classifier
  annotations:
    serving.kserve.io/deploymentMode: RawDeployment
    serving.kserve.io/autoscalerClass: hpa
spec:
  predictor:
    minReplicas: 1
    maxReplicas: 4
    canaryTrafficPercent: 10
    serviceAccountName: model-server
    model:
      modelFormat: {name: tensorflow, version: "2"}
      runtime: kserve-tensorflow-serving
      storageUri: s3://models/classifier/v${i % 5}
      resources:
        requests:
          cpu: 1
          memory: 2Gi
        limits:
          cpu: 2
          memory: 4Gi
          nvidia.com/gpu: 1
    containers:
      - name: logger
        image: registry.example.com/ml/logger:0.3.1
        env:
          - {name: LOG_LEVEL, value: info}
        resources:
          limits: {cpu: 100m, memory: 128Mi}
`;
}

/** Files of `PER_FILE` documents cycling through the kinds; one CRD per 1,000 resources. */
function generateFiles(total: number): { file: string; text: string; docs: number }[] {
  const makers = [deployment, service, configMap, inferenceService];
  const files: { file: string; text: string; docs: number }[] = [];
  for (let start = 0; start < total; start += PER_FILE) {
    const docs: string[] = [];
    for (let i = start; i < Math.min(total, start + PER_FILE); i++) {
      docs.push(i % 1000 === 0 ? CRD : (makers[i % makers.length] as (n: number) => string)(i));
    }
    files.push({
      file: `manifests/part-${start / PER_FILE}.yaml`,
      text: docs.join('---\n'),
      docs: docs.length,
    });
  }
  return files;
}

function best(label: string, fn: () => number): number {
  let fastest = Number.POSITIVE_INFINITY;
  let count = 0;
  for (let round = 0; round < ROUNDS; round++) {
    (globalThis as { gc?: () => void }).gc?.();
    const t0 = performance.now();
    count = fn();
    fastest = Math.min(fastest, performance.now() - t0);
  }
  console.log(`${label}: ${fastest.toFixed(1)} ms, ${Math.round((count / fastest) * 1000)} resources/s`);
  return fastest;
}

async function loadRules(): Promise<Rule[]> {
  const path = new URL('../src/validate/rules/all-rules.ts', import.meta.url);
  if (!existsSync(path)) return [];
  const mod = (await import(path.href)) as { ALL_RULES?: Rule[] };
  return mod.ALL_RULES ?? [];
}

const files = generateFiles(TOTAL);
const bytes = files.reduce((n, f) => n + f.text.length, 0);
const lines = files.reduce((n, f) => n + f.text.split('\n').length, 0);
console.log(
  `input: ${TOTAL} resources in ${files.length} files, ${lines} lines, ${(bytes / 1e6).toFixed(1)} MB`,
);

const parseOnlyMs = best('parse-only (yaml parseAllDocuments + toJS)', () => {
  let n = 0;
  for (const f of files) for (const doc of parseAllDocuments(f.text)) if (doc.toJS()) n++;
  return n;
});

let resources: Resource[] = [];
const parseManifestsMs = best('parseManifests', () => {
  resources = files.flatMap((f) => parseManifests(f.text, f.file).resources);
  return resources.length;
});

let findings = 0;
const validateMs = best('validateResources (schema)', () => {
  findings = validateResources(resources, { kubernetesVersion: '1.34', rules: [] }).length;
  return resources.length;
});

const rules = await loadRules();
let rulesMs: number | undefined;
let rulesFindings = 0;
if (rules.length > 0) {
  rulesMs = best(`validateResources (schema + ${rules.length} rules)`, () => {
    rulesFindings = validateResources(resources, { kubernetesVersion: '1.34', rules }).length;
    return resources.length;
  });
}

// The same set validated as a repo without the CRD would be: InferenceService against the built-in
// catalogue's released KServe schema, loaded lazily (only the kinds the set uses), cold load timed apart.
const withoutCrd = resources.filter((r) => r.object.kind !== 'CustomResourceDefinition');
const loadStart = performance.now();
const catalogue = await loadCatalogueSchemas(withoutCrd);
const catalogueLoadMs = performance.now() - loadStart;
console.log(
  `catalogue load (cold, ${catalogue.kinds.length} kind(s) used of the catalogue): ${catalogueLoadMs.toFixed(1)} ms`,
);
let catalogueFindings = 0;
const catalogueMs = best(`validateResources (schema + ${rules.length} rules, catalogue KServe)`, () => {
  catalogueFindings = validateResources(withoutCrd, { kubernetesVersion: '1.34', rules, catalogue }).length;
  return withoutCrd.length;
});
console.log(
  `findings with the catalogue schema: ${catalogueFindings} (with the repo CRD: ${rulesFindings}; rule warnings included)`,
);
console.log(`validate (schema + rules, catalogue)/parse-only: ${(catalogueMs / parseOnlyMs).toFixed(3)}`);

const ratio = validateMs / parseOnlyMs;
// The goal is about the whole validation (schemas and rules), so that ratio is the headline.
const fullRatio = (rulesMs ?? validateMs) / parseOnlyMs;
console.log(`findings: ${findings} (expected 0: the generated set is valid)`);
console.log(`validate (schema)/parse-only: ${ratio.toFixed(3)}`);
console.log(`validate (schema + rules)/parse-only: ${fullRatio.toFixed(3)} (goal ≤ 2)`);
console.log(
  JSON.stringify({
    bench: 'validate',
    resources: TOTAL,
    parseOnlyMs: Math.round(parseOnlyMs),
    parseManifestsMs: Math.round(parseManifestsMs),
    validateMs: Math.round(validateMs),
    ...(rulesMs === undefined ? {} : { validateWithRulesMs: Math.round(rulesMs), rules: rules.length }),
    parseOnlyPerSec: Math.round((TOTAL / parseOnlyMs) * 1000),
    parseManifestsPerSec: Math.round((TOTAL / parseManifestsMs) * 1000),
    validatePerSec: Math.round((TOTAL / validateMs) * 1000),
    ratioValidateToParse: Number(ratio.toFixed(3)),
    ratioFullValidateToParse: Number(fullRatio.toFixed(3)),
    findings,
    catalogueLoadMs: Math.round(catalogueLoadMs),
    validateWithCatalogueMs: Math.round(catalogueMs),
    catalogueFindings,
  }),
);
