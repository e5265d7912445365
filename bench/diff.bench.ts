/**
 * Diff + report cost against the render floor, on a 5,000-resource repository where every resource
 * changes (a third each: Deployments with a new image and replica count, Services with a new port,
 * KServe InferenceServices with a new storageUri and GPU count).
 *
 * The floor is parsing both sides with `parseManifests`: every renderer ends there, so a real render
 * of plain files costs at least this (kustomize and helm add process time on top).
 * Goal: diffResources + renderComment + renderCheckRun ≤ 50% of the floor; comment ≤ 65,536 chars.
 *
 * Run: npx tsx bench/diff.bench.ts [resources=5000] [runs=3]
 */
import { diffResources } from '../src/diff/diff-resources.ts';
import { parseManifests } from '../src/manifest/parse-manifests.ts';
import { renderCheckRun } from '../src/report/render-check-run.ts';
import { COMMENT_LIMIT, renderComment } from '../src/report/render-comment.ts';
import type { Report } from '../src/report/report.ts';

const RESOURCES = Number(process.argv[2] ?? 5000);
const RUNS = Number(process.argv[3] ?? 3);

function deployment(i: number, head: boolean): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api-${i}
  namespace: ml-${i % 20}
  labels:
    app.kubernetes.io/name: api-${i}
    app.kubernetes.io/part-of: vision
spec:
  replicas: ${head ? 4 : 3}
  selector:
    matchLabels:
      app.kubernetes.io/name: api-${i}
  template:
    metadata:
      labels:
        app.kubernetes.io/name: api-${i}
    spec:
      containers:
        - name: server
          image: registry.example.com/ml/api-${i}:${head ? '1.5.0' : '1.4.2'}
          args: ["--port=8080", "--workers=4"]
          ports:
            - name: http
              containerPort: 8080
          env:
            - name: MODEL_NAME
              value: classifier
            - name: LOG_LEVEL
              value: info
          resources:
            requests:
              cpu: 500m
              memory: 1Gi
            limits:
              memory: 2Gi
          readinessProbe:
            httpGet:
              path: /healthz
              port: http
            periodSeconds: 10
`;
}

function service(i: number, head: boolean): string {
  return `apiVersion: v1
kind: Service
metadata:
  name: api-${i}
  namespace: ml-${i % 20}
  labels:
    app.kubernetes.io/name: api-${i}
    app.kubernetes.io/part-of: vision
  annotations:
    prometheus.io/scrape: "true"
spec:
  type: ClusterIP
  selector:
    app.kubernetes.io/name: api-${i}
  ports:
    - name: http
      port: 80
      targetPort: ${head ? 8081 : 8080}
      protocol: TCP
    - name: metrics
      port: 9090
      targetPort: 9090
      protocol: TCP
`;
}

function inferenceService(i: number, head: boolean): string {
  return `apiVersion: serving.kserve.io/v1beta1
kind: InferenceService
metadata:
  name: model-${i}
  namespace: ml-${i % 20}
  labels:
    app.kubernetes.io/name: model-${i}
    app.kubernetes.io/part-of: vision
  annotations:
    serving.kserve.io/deploymentMode: RawDeployment
spec:
  predictor:
    minReplicas: 1
    maxReplicas: ${head ? 6 : 3}
    canaryTrafficPercent: 10
    model:
      modelFormat:
        name: tensorflow
        version: "2"
      runtime: kserve-tensorflow-serving
      storageUri: gs://vision-models/model-${i}/${head ? 'v8' : 'v7'}
      resources:
        requests:
          cpu: "2"
          memory: 8Gi
        limits:
          cpu: "4"
          memory: 16Gi
          nvidia.com/gpu: ${head ? 2 : 1}
    nodeSelector:
      nvidia.com/gpu.product: NVIDIA-A10G
    tolerations:
      - key: nvidia.com/gpu
        operator: Exists
        effect: NoSchedule
`;
}

function repository(head: boolean): string {
  const docs: string[] = [];
  for (let i = 0; i < RESOURCES; i++) {
    const make = [deployment, service, inferenceService][i % 3] as (i: number, head: boolean) => string;
    docs.push(make(i, head));
  }
  return docs.join('---\n');
}

function time<T>(fn: () => T): { ms: number; value: T } {
  const start = performance.now();
  const value = fn();
  return { ms: performance.now() - start, value };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

const baseText = repository(false);
const headText = repository(true);
const figures = {
  parse: [] as number[],
  diff: [] as number[],
  comment: [] as number[],
  checkRun: [] as number[],
};
let commentChars = 0;
let checkRunTextChars = 0;
let changed = 0;
for (let run = 0; run < RUNS; run++) {
  const parsed = time(() => ({
    base: parseManifests(baseText, 'base.yaml').resources,
    head: parseManifests(headText, 'head.yaml').resources,
  }));
  const diffed = time(() => diffResources({ target: 'production', ...parsed.value }));
  const report: Report = {
    repository: 'acme/vision',
    headSha: 'a'.repeat(40),
    baseSha: 'b'.repeat(40),
    changeSets: [{ target: 'production', ...diffed.value, findings: [], renderFailed: false }],
    detailsUrl: 'https://github.com/acme/vision/runs/1',
  };
  const comment = time(() => renderComment(report));
  const checkRun = time(() => renderCheckRun(report));
  figures.parse.push(parsed.ms);
  figures.diff.push(diffed.ms);
  figures.comment.push(comment.ms);
  figures.checkRun.push(checkRun.ms);
  commentChars = comment.value.length;
  checkRunTextChars = checkRun.value.text.length;
  changed = diffed.value.changes.filter((c) => c.action === 'changed').length;
}

const parseMs = median(figures.parse);
const diffMs = median(figures.diff);
const commentMs = median(figures.comment);
const checkRunMs = median(figures.checkRun);
const ratio = (diffMs + commentMs + checkRunMs) / parseMs;
console.log(`resources per side:          ${RESOURCES} (${changed} changed), ${RUNS} runs, medians`);
console.log(
  `parse both sides (floor):    ${parseMs.toFixed(0)} ms  (a real render of plain files costs at least this)`,
);
console.log(`diffResources:               ${diffMs.toFixed(0)} ms`);
console.log(`renderComment:               ${commentMs.toFixed(0)} ms`);
console.log(`renderCheckRun:              ${checkRunMs.toFixed(0)} ms`);
console.log(`(diff + report) / floor:     ${(ratio * 100).toFixed(1)}%  (goal ≤ 50%)`);
console.log(`comment length:              ${commentChars} chars (limit ${COMMENT_LIMIT})`);
console.log(`check-run text length:       ${checkRunTextChars} chars (limit 65535)`);
console.log(
  JSON.stringify({
    bench: 'diff',
    resources: RESOURCES,
    parseMs: Math.round(parseMs),
    diffMs: Math.round(diffMs),
    commentMs: Math.round(commentMs),
    checkRunMs: Math.round(checkRunMs),
    overheadPercent: Math.round(ratio * 1000) / 10,
    commentChars,
    checkRunTextChars,
  }),
);
