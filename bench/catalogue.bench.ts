/**
 * The built-in CRD catalogue stays lazy: a target pays only for the catalogue kinds it uses.
 *
 *   npm run bench -- catalogue
 *
 * 1. Cold: in a fresh Node process each (median of 5), the time to load and compile the catalogue
 *    schemas a set needs (`loadCatalogueSchemas`), for a set of built-in kinds only (0 catalogue
 *    kinds), one KServe InferenceService (1), an AI-platform target (5: InferenceService, Rollout,
 *    VirtualService, DestinationRule, HTTPRoute), beside the floor of loading every kind (what an
 *    eager catalogue would cost at every start), with the bytes of schema each reads.
 * 2. Warm: validateResources throughput on 5,000 objects of catalogue kinds (InferenceService,
 *    Rollout, VirtualService) beside 5,000 Deployments, in the same process: the ratio is the price of
 *    a catalogue object against a built-in one.
 * Figures, never assertions.
 */
import { spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseManifests } from '../src/manifest/parse-manifests.ts';
import { getBuiltinSchemas } from '../src/validate/schema/get-builtin-schemas.ts';
import {
  CATALOGUE_INDEX,
  loadCatalogueKind,
  loadCatalogueSchemas,
} from '../src/validate/schema/load-catalogue-schemas.ts';
import { validateResources } from '../src/validate/validate-resources.ts';

const ROOT = join(fileURLToPath(import.meta.url), '..', '..');
const CRDS = join(ROOT, 'src', 'validate', 'schemas', 'crds');
const RUNS = 5;

const ISVC = (i: number) => `apiVersion: serving.kserve.io/v1beta1
kind: InferenceService
metadata: {name: llm-${i}, namespace: ml}
spec:
  predictor:
    minReplicas: 1
    model:
      modelFormat: {name: huggingface}
      storageUri: hf://org/model-${i}
      resources:
        limits: {cpu: "4", memory: 16Gi, nvidia.com/gpu: "1"}
`;
const ROLLOUT = (i: number) => `apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata: {name: api-${i}, namespace: ml}
spec:
  replicas: 3
  selector: {matchLabels: {app: api-${i}}}
  template:
    metadata: {labels: {app: api-${i}}}
    spec:
      containers:
        - name: api
          image: ghcr.io/example/api:1.4.${i}
          resources: {limits: {cpu: "1", memory: 1Gi}}
  strategy:
    canary:
      steps: [{setWeight: 20}, {pause: {duration: 60}}]
`;
const VS = (i: number) => `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: api-${i}, namespace: ml}
spec:
  hosts: [api-${i}]
  http:
    - route:
        - {destination: {host: api-${i}, subset: stable}, weight: 80}
        - {destination: {host: api-${i}, subset: canary}, weight: 20}
`;
const DR = (i: number) => `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: api-${i}, namespace: ml}
spec:
  host: api-${i}
  subsets: [{name: stable, labels: {v: "1"}}, {name: canary, labels: {v: "2"}}]
`;
const ROUTE = (i: number) => `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: api-${i}, namespace: ml}
spec:
  parentRefs: [{name: gw}]
  rules: [{backendRefs: [{name: api-${i}, port: 80}]}]
`;
const DEPLOYMENT = (i: number) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: api-${i}, namespace: ml}
spec:
  replicas: 3
  selector: {matchLabels: {app: api-${i}}}
  template:
    metadata: {labels: {app: api-${i}}}
    spec:
      containers:
        - name: api
          image: ghcr.io/example/api:1.4.${i}
          resources: {limits: {cpu: "1", memory: 1Gi}}
`;

const SETS: Record<string, string> = {
  'built-in only': [DEPLOYMENT(0)].join('---\n'),
  '1 kind (InferenceService)': ISVC(0),
  '5 kinds (AI target)': [ISVC(0), ROLLOUT(0), VS(0), DR(0), ROUTE(0)].join('---\n'),
};

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

/** Child mode: load what the named set needs (or `all`), print the milliseconds it took. */
async function child(which: string): Promise<void> {
  // Parsed and the built-in schema compiled first: the figure is the catalogue's own cost.
  const { resources } = parseManifests(SETS[which] ?? '', 'bench.yaml');
  getBuiltinSchemas();
  const started = performance.now();
  if (which === 'all') await Promise.all(Object.keys(CATALOGUE_INDEX).map(loadCatalogueKind));
  else await loadCatalogueSchemas(resources);
  process.stdout.write(String(performance.now() - started));
}

function bytesOf(keys: string[]): number {
  return keys.reduce((sum, k) => sum + statSync(join(CRDS, `${CATALOGUE_INDEX[k]?.file}.json`)).size, 0);
}

function kindsOf(which: string): string[] {
  if (which === 'all') return Object.keys(CATALOGUE_INDEX);
  const { resources } = parseManifests(SETS[which] ?? '', 'bench.yaml');
  return [
    ...new Set(resources.map((r) => `${r.apiVersion.split('/')[0]}/${r.object.kind as string}`)),
  ].filter((k) => k in CATALOGUE_INDEX);
}

function cold(): void {
  const self = fileURLToPath(import.meta.url);
  const measure = (which: string): number =>
    median(
      Array.from({ length: RUNS }, () => {
        const r = spawnSync(process.execPath, ['--import', 'tsx', self, '--child', which], {
          cwd: ROOT,
          encoding: 'utf8',
        });
        if (r.status !== 0) throw new Error(r.stderr);
        return Number(r.stdout);
      }),
    );
  const all = measure('all');
  const allBytes = bytesOf(kindsOf('all'));
  console.log(`cold load + compile of the catalogue schemas a set needs (fresh process, median of ${RUNS}):`);
  for (const which of Object.keys(SETS)) {
    const ms = measure(which);
    const bytes = bytesOf(kindsOf(which));
    console.log(
      `  ${which.padEnd(28)} ${ms.toFixed(1).padStart(7)} ms  ${(bytes / 1024).toFixed(0).padStart(5)} KiB read` +
        `   ratio to all kinds ${(ms / all).toFixed(3)}`,
    );
  }
  console.log(
    `  ${`all ${Object.keys(CATALOGUE_INDEX).length} kinds (eager floor)`.padEnd(28)} ${all.toFixed(1).padStart(7)} ms  ${(allBytes / 1024).toFixed(0).padStart(5)} KiB read`,
  );
}

async function warm(): Promise<void> {
  const N = 5_000;
  const ai = parseManifests(
    Array.from({ length: N }, (_, i) => [ISVC, ROLLOUT, VS][i % 3]?.(i)).join('---\n'),
    'ai.yaml',
  ).resources;
  const builtin = parseManifests(
    Array.from({ length: N }, (_, i) => DEPLOYMENT(i)).join('---\n'),
    'builtin.yaml',
  ).resources;
  const catalogue = await loadCatalogueSchemas(ai);
  const time = (fn: () => void): number => {
    fn(); // warm-up
    return median(
      Array.from({ length: RUNS }, () => {
        const t = performance.now();
        fn();
        return performance.now() - t;
      }),
    );
  };
  const aiMs = time(() => {
    const f = validateResources(ai, { kubernetesVersion: '1.34', rules: [], catalogue });
    if (f.length > 0) throw new Error(`unexpected finding: ${f[0]?.message}`);
  });
  const builtinMs = time(() => {
    const f = validateResources(builtin, { kubernetesVersion: '1.34', rules: [] });
    if (f.length > 0) throw new Error(`unexpected finding: ${f[0]?.message}`);
  });
  console.log(`warm schema validation of ${N} objects (median of ${RUNS}):`);
  console.log(
    `  catalogue kinds (ISVC, Rollout, VirtualService) ${aiMs.toFixed(1).padStart(7)} ms  ${((N / aiMs) * 1000).toFixed(0)} objects/s`,
  );
  console.log(
    `  built-in Deployments (floor)                     ${builtinMs.toFixed(1).padStart(7)} ms  ${((N / builtinMs) * 1000).toFixed(0)} objects/s`,
  );
  console.log(`  ratio catalogue/built-in: ${(aiMs / builtinMs).toFixed(2)}`);
}

const at = process.argv.indexOf('--child');
if (at > 0) {
  await child(process.argv[at + 1] ?? '');
} else {
  cold();
  await warm();
}
