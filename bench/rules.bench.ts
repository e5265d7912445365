// Rule throughput: every rule in ALL_RULES over 6,000 generated resources (Deployment + Service + InferenceService per namespace slot).
// Run: npx tsx bench/rules.bench.ts
import { parseManifests } from '../src/manifest/parse-manifests.ts';
import { ALL_RULES } from '../src/validate/rules/all-rules.ts';

const docs: string[] = [];
const N = 2000;
for (let i = 0; i < N; i++) {
  const ns = `ns${i % 20}`;
  docs.push(`apiVersion: apps/v1
kind: Deployment
metadata: {name: app${i}, namespace: ${ns}}
spec:
  selector: {matchLabels: {app: app${i}}}
  template:
    metadata: {labels: {app: app${i}, app.kubernetes.io/component: inference}}
    spec:
      containers:
        - name: server
          image: vllm/vllm-openai:v0.6.${i}
          env: [{name: MODEL_VERSION, value: v${i}}, {name: HF_TOKEN, valueFrom: {secretKeyRef: {name: hf, key: t}}}]
          resources: {requests: {cpu: 2, memory: 8Gi}, limits: {nvidia.com/gpu: 1}}
---
apiVersion: v1
kind: Service
metadata: {name: app${i}, namespace: ${ns}}
spec: {selector: {app: app${i}}, ports: [{port: 80}]}
---
apiVersion: serving.kserve.io/v1beta1
kind: InferenceService
metadata: {name: isvc${i}, namespace: ${ns}}
spec:
  predictor:
    canaryTrafficPercent: 10
    model: {modelFormat: {name: sklearn}, storageUri: s3://m/isvc${i}/v3, resources: {requests: {cpu: 1, memory: 2Gi}}}`);
}
const { resources } = parseManifests(docs.join('\n---\n'), 'big.yaml');
const figures: Record<string, number> = { resources: resources.length };
let total = 0;
for (const rule of ALL_RULES) {
  rule.check({ resources, kubernetesVersion: '1.34' }); // warm up
  const runs = 5;
  const start = performance.now();
  for (let r = 0; r < runs; r++) rule.check({ resources, kubernetesVersion: '1.34' });
  const ms = (performance.now() - start) / runs;
  total += ms;
  figures[`${rule.id}_ms`] = Math.round(ms * 100) / 100;
  console.log(`${rule.id}: ${ms.toFixed(2)} ms for ${resources.length} resources`);
}
figures.all_rules_ms = Math.round(total * 100) / 100;
figures.us_per_resource = Math.round(((total * 1000) / resources.length) * 100) / 100;
console.log(`all rules: ${total.toFixed(2)} ms (${figures.us_per_resource} µs/resource)`);
console.log(JSON.stringify({ bench: 'rules', ...figures }));
