/**
 * A deterministic multi-document YAML stream of realistic manifests (Deployments, Services and KServe
 * InferenceServices, about 40 lines each), for benchmarks. Same `count` → same text, no randomness.
 */
export function generateManifests(count: number): string {
  const docs: string[] = [];
  for (let i = 0; i < count; i++) {
    const kind = i % 3;
    docs.push(kind === 0 ? deployment(i) : kind === 1 ? service(i) : inferenceService(i));
  }
  return docs.join('---\n');
}

const TEAMS = ['vision', 'search', 'ranking', 'speech', 'nlp'] as const;

function team(i: number): string {
  return TEAMS[i % TEAMS.length] ?? 'ml';
}

function deployment(i: number): string {
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
        app.kubernetes.io/name: model-server-${i}
    spec:
      containers:
        - name: server
          image: registry.example.com/${team(i)}/server@sha256:${i.toString(16).padStart(64, 'a')}
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

function service(i: number): string {
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
  selector:
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

function inferenceService(i: number): string {
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
        image: registry.example.com/${team(i)}/preprocess:1.${i % 20}.0
        env:
          - { name: STORAGE_URI, value: "s3://models-${team(i)}/classifier" }
`;
}
