/**
 * A deterministic multi-document YAML stream of realistic manifests (Deployments, Services and KServe
 * InferenceServices, about 40 lines each), for benchmarks. Same `count` → same text, no randomness.
 * With KSERVE_CRD the set is valid except one Deployment in 300, whose image is `:latest` (a finding).
 * With `findings`, every workload's image names the moving tag `latest`: a warning on two resources in
 * three, each at its field's line, as in a repository that has not pinned its images.
 */
export function generateManifests(
  count: number,
  opts: { mix?: boolean; crds?: boolean; dashboards?: boolean; findings?: boolean } = {},
): string {
  const docs: string[] = [];
  for (let i = 0; i < count; i++) {
    const kind = i % 3;
    if (opts.crds && i % 50 === 49) docs.push(generatedCrd(i));
    else if (opts.dashboards && i % 50 === 49) docs.push(dashboard(i));
    else if (opts.mix && i % 10 === 9) docs.push(i % 20 === 9 ? secret(i) : configMap(i));
    else
      docs.push(kind === 0 ? deployment(i, opts) : kind === 1 ? service(i, opts) : inferenceService(i, opts));
  }
  return docs.join('---\n');
}

/**
 * With `mix`, one resource in ten is a Secret (two plaintext values: an error finding each) or a
 * ConfigMap, and Services select `app.kubernetes.io/part-of` (which every workload of the namespace
 * has) before the workload's name, as many charts write them.
 */
function secret(i: number): string {
  return `apiVersion: v1
kind: Secret
metadata:
  name: model-credentials-${i}
  namespace: ${team(i)}
  annotations:
    ferry.dev/owner: "team-${team(i)}"
type: Opaque
stringData:
  token: tok-${i.toString(36)}-${((i * 2654435761) >>> 0).toString(16)}
  endpoint: https://models.example.com/${team(i)}/${i}
`;
}

function configMap(i: number): string {
  return `apiVersion: v1
kind: ConfigMap
metadata:
  name: model-config-${i}
  namespace: ${team(i)}
  annotations:
    ferry.dev/owner: "team-${team(i)}"
data:
  MODEL_NAME: classifier-${i}
  BATCH_SIZE: "${8 << (i % 4)}"
  config.json: |
    {"layers": ${12 + (i % 12)}, "heads": 12, "dropout": 0.1}
`;
}

/**
 * With `dashboards`, one resource in 50 is a Grafana dashboard in a ConfigMap as kube-prometheus-stack
 * ships them: ~30 KB of JSON in a block scalar, its PromQL full of escaped quotes (`\"`).
 */
function dashboard(i: number): string {
  const panels = Array.from({ length: 24 }, (_, p) => ({
    id: p,
    title: `GPU ${p} of model server ${i}`,
    type: 'timeseries',
    targets: [
      {
        expr: `sum(rate(vllm:request_success_total{namespace="${team(i)}", model_name=~"model-server-${i}.*"}[5m])) by (pod)`,
        legendFormat: '{{pod}}',
      },
      {
        expr: `avg(DCGM_FI_DEV_GPU_UTIL{pod=~"model-server-${i}-.*", gpu="${p % 8}"})`,
        legendFormat: 'GPU util',
      },
    ],
    gridPos: { h: 8, w: 12, x: (p % 2) * 12, y: p * 8 },
    fieldConfig: {
      defaults: { unit: 'percent', thresholds: { steps: [{ color: 'green' }, { color: 'red', value: 90 }] } },
    },
  }));
  const json = JSON.stringify({ title: `Model server ${i}`, uid: `ms-${i}`, panels }, null, 2);
  return `apiVersion: v1
kind: ConfigMap
metadata:
  name: dashboard-${i}
  namespace: ${team(i)}
  labels:
    grafana_dashboard: "1"
data:
  model-server-${i}.json: |
${json.replace(/^/gm, '    ')}
`;
}

const TEAMS = ['vision', 'search', 'ranking', 'speech', 'nlp'] as const;

function team(i: number): string {
  return TEAMS[i % TEAMS.length] ?? 'ml';
}

function deployment(i: number, opts: { mix?: boolean; findings?: boolean }): string {
  return `# Model server ${i}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: model-server-${i}
  namespace: ${team(i)}
  labels:
    app.kubernetes.io/name: model-server-${i}
    app.kubernetes.io/part-of: ${team(i)}
  annotations:
    ferry.dev/owner: "team-${team(i)}"
spec:
  replicas: ${(i % 5) + 1}
  selector:
    matchLabels:
      app.kubernetes.io/name: model-server-${i}
  template:
    metadata:
      labels:
        app.kubernetes.io/name: model-server-${i}${opts.mix ? `\n        app.kubernetes.io/part-of: ${team(i)}` : ''}
    spec:
      containers:
        - name: server
          image: ${i % 300 === 0 || opts.findings ? `registry.example.com/${team(i)}/server:latest` : `registry.example.com/${team(i)}/server@sha256:${i.toString(16).padStart(64, 'a')}`}
          args: ["--port=8080", "--model-dir=/models", "--workers=${(i % 4) + 1}"]
          ports:
            - containerPort: 8080
              name: http
          env:
            - name: MODEL_VERSION
              value: "v${i % 7}"
            - name: LOG_LEVEL
              value: info
          resources:
            requests: { cpu: 500m, memory: 2Gi }
            limits:
              memory: 4Gi
              nvidia.com/gpu: ${i % 2}
          readinessProbe:
            httpGet: { path: /healthz, port: http }
            periodSeconds: 10
`;
}

function service(i: number, opts: { mix?: boolean }): string {
  return `apiVersion: v1
kind: Service
metadata:
  name: model-server-${i - 1}
  namespace: ${team(i - 1)}
  labels:
    app.kubernetes.io/name: model-server-${i - 1}
    app.kubernetes.io/part-of: ${team(i - 1)}
  annotations:
    service.beta.kubernetes.io/aws-load-balancer-internal: "true"
    ferry.dev/owner: "team-${team(i - 1)}"
spec:
  type: ClusterIP
  selector:${opts.mix ? `\n    app.kubernetes.io/part-of: ${team(i - 1)}` : ''}
    app.kubernetes.io/name: model-server-${i - 1}
  ports:
    - name: http
      port: 80
      targetPort: http
      protocol: TCP
    - name: metrics
      port: 9090
      targetPort: 9090
      protocol: TCP
  sessionAffinity: None
  ipFamilyPolicy: SingleStack
  ipFamilies:
    - IPv4
  internalTrafficPolicy: Cluster
  # Keep the cluster IP stable across re-creates.
  publishNotReadyAddresses: false
`;
}

function inferenceService(i: number, opts: { findings?: boolean }): string {
  return `apiVersion: serving.kserve.io/v1beta1
kind: InferenceService
metadata:
  name: classifier-${i}
  namespace: ${team(i)}
  labels:
    app.kubernetes.io/part-of: ${team(i)}
    model.ferry.dev/name: classifier
  annotations:
    serving.kserve.io/deploymentMode: RawDeployment
    ferry.dev/owner: 'team-${team(i)}'
spec:
  predictor:
    minReplicas: 1
    maxReplicas: ${(i % 8) + 2}
    canaryTrafficPercent: ${(i % 10) * 10}
    model:
      modelFormat:
        name: tensorflow
      storageUri: s3://models-${team(i)}/classifier/v${i % 9}
      runtimeVersion: "2.15.0"
      resources:
        requests:
          cpu: "1"
          memory: 4Gi
          nvidia.com/gpu: "1"
        limits:
          cpu: "2"
          memory: 8Gi
          nvidia.com/gpu: "1"
    tolerations:
      - key: nvidia.com/gpu
        operator: Exists
        effect: NoSchedule
    nodeSelector:
      node.kubernetes.io/instance-type: g5.xlarge
  transformer:
    containers:
      - name: preprocess
        image: registry.example.com/${team(i)}/preprocess:${opts.findings ? 'latest' : `1.${i % 20}.0`}
        env:
          - { name: STORAGE_URI, value: "s3://models-${team(i)}/classifier/v${i % 9}" }
        resources:
          requests: { cpu: 500m, memory: 1Gi }
`;
}

/**
 * With `crds`, one resource in 50 is a CustomResourceDefinition as controller-gen writes them (~14 KB):
 * descriptions quoted or plain over several lines that hold `: `, `#`, `*`, backquotes and brackets,
 * CEL rules with `?`, `:` and `!`, JSON paths with `[*]`, patterns and enums. In kserve's, kubeflow's
 * and kubernetes/examples' trees CRDs are 85 % of the bytes; here a sixth.
 */
function generatedCrd(i: number): string {
  const fields = Array.from({ length: 24 }, (_, k) => crdField(i, k)).join('');
  return `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  annotations:
    controller-gen.kubebuilder.io/version: v0.19.0
  name: widgets${i}.ml.example.com
spec:
  group: ml.example.com
  names:
    kind: Widget${i}
    listKind: Widget${i}List
    plural: widgets${i}
    singular: widget${i}
  scope: Namespaced
  versions:
  - additionalPrinterColumns:
    - jsonPath: .status.addresses[*].url
      name: URL
      type: string
    - jsonPath: .spec.supportedModelFormats[*].name
      name: Formats
      type: string
    name: v1alpha1
    schema:
      openAPIV3Schema:
        description: Widget${i} is the Schema for the widgets${i} API.
        properties:
          apiVersion:
            description: 'APIVersion defines the versioned schema of this representation
              of an object. Servers should convert recognized schemas to the latest
              internal value, and may reject unrecognized values. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources'
            type: string
          kind:
            description: 'Kind is a string value representing the REST resource this
              object represents. Servers may infer this from the endpoint the client
              submits requests to. Cannot be updated. In CamelCase. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds'
            type: string
          metadata:
            type: object
          spec:
            description: Widget${i}Spec defines the desired state of a widget, in *any*
              namespace. See \`^IST[0-9]{4}$\` and "quoted" words, [the API
              conventions](https://x.example.com/a#b) for more.
            properties:
${fields}            type: object
            x-kubernetes-validations:
            - message: only one of selector and targetRef may be set
              rule: '(has(self.selector) ? 1 : 0) + (has(self.targetRef) ? 1 : 0) <= 1'
            - message: must not contain '#' when type is 'Exact'
              rule: self.type != 'Exact' || !self.value.contains('#')
          status:
            type: object
            x-kubernetes-preserve-unknown-fields: true
        type: object
    served: true
    storage: true
    subresources:
      status: {}
`;
}

function crdField(i: number, k: number): string {
  const name = `field${k}`;
  switch (k % 4) {
    case 0:
      return `              ${name}:
                description: 'The ${name} of widget ${i}: how many replicas serve it,
                  at least one. More info: https://example.com/docs#${name} (see *notes*)'
                format: int32
                minimum: 0
                type: integer
`;
    case 1:
      return `              ${name}:
                description: The ${name} names the model format, e.g. sklearn or
                  onnx; it must match \`^[a-z][a-z0-9-]*$\` and is *not* case sensitive
                  [Kubernetes API conventions].
                pattern: ^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$
                type: string
`;
    case 2:
      return `              ${name}:
                description: "Accelerator class for ${name} of widget ${i}: one of the
                  listed values. Defaults to \\"none\\"."
                enum:
                - none
                - nvidia-a100-80gb
                - nvidia-h100-80gb-hbm3
                type: string
`;
    default:
      return `              ${name}:
                description: Arguments to the entrypoint, as a shell takes them ("a && b" or
                  "!c") are passed as they are.
                items:
                  type: string
                type: array
                x-kubernetes-list-type: atomic
`;
  }
}

/** The KServe InferenceService CRD (a reduced schema), so the generated InferenceServices validate. */
export const KSERVE_CRD = `apiVersion: apiextensions.k8s.io/v1
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
                    nodeSelector: {type: object, additionalProperties: {type: string}}
                    tolerations:
                      type: array
                      items: {type: object, x-kubernetes-preserve-unknown-fields: true}
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
                        runtimeVersion: {type: string}
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
                transformer:
                  type: object
                  x-kubernetes-preserve-unknown-fields: true
            status:
              type: object
              x-kubernetes-preserve-unknown-fields: true
`;
