/**
 * The GitHub App's handler time for one pull-request event, with GitHub served locally over real
 * HTTP (test/helpers/github/fake-github.ts: the REST API, a 302 to a codeload path, real gzip
 * tarballs), and the number of GitHub API calls per event:
 *
 *   npx tsx bench/github.bench.ts [resources]
 *
 * Phases: fetch (GitHub requests and tarball download + extraction, up to the engine), engine
 * (render + validate + diff as the App runs it: head and base render in parallel), post (stale
 * check, sticky comment, check run). The engine's share is then split into render, validate and
 * diff by calling those units one after another on the same two trees.
 * API calls are counted for repositories of several sizes: the goal is a constant, not one call
 * per file. Octokit's write throttle (one second between writes, on by default in Probot, per
 * GitHub's secondary-rate-limit advice) is off here, so "post" is GitHub's time, not the throttle's.
 * Figures, never assertions.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pino } from 'pino';
import { Probot, ProbotOctokit } from 'probot';
import { parseConfig } from '../src/config/parse-config.ts';
import { diffResources } from '../src/diff/diff-resources.ts';
import { createFerryApp } from '../src/github/ferry-app.ts';
import { defaultFerryDeps, type FerryDeps } from '../src/github/ferry-deps.ts';
import { renderTarget } from '../src/render/render-target.ts';
import { ALL_RULES } from '../src/validate/rules/all-rules.ts';
import { validateResources } from '../src/validate/validate-resources.ts';
import { loadPayload, SHAS, testPrivateKey } from '../test/helpers/github/app-harness.ts';
import { FAKE_APP_ID, FakeGitHub } from '../test/helpers/github/fake-github.ts';
import type { TreeFiles } from '../test/helpers/github/make-tarball.ts';

const RESOURCES = Number(process.argv[2] ?? 500);
const ROUNDS = 5;
const PER_FILE = 10;

const CONFIG = `targets:
  - name: production
    path: deploy/production
    namespace: ml
`;

/** Resource i: a model server, its Service and its ConfigMap, three to a model; clean (no findings). */
function resource(i: number, version: number): string {
  const name = `model-${String(Math.floor(i / 3)).padStart(4, '0')}`;
  switch (i % 3) {
    case 0:
      return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  namespace: ml
  labels: { app: ${name} }
spec:
  replicas: 2
  selector:
    matchLabels: { app: ${name} }
  template:
    metadata:
      labels: { app: ${name} }
    spec:
      containers:
        - name: server
          image: registry.example.com/ml/${name}@sha256:${String(version).padStart(64, '0')}
          ports: [{ containerPort: 8080 }]
          resources:
            requests: { cpu: 500m, memory: 1Gi }
            limits: { cpu: "1", memory: 1Gi }
`;
    case 1:
      return `apiVersion: v1
kind: Service
metadata:
  name: ${name}
  namespace: ml
spec:
  selector: { app: ${name} }
  ports: [{ port: 80, targetPort: 8080 }]
`;
    default:
      return `apiVersion: v1
kind: ConfigMap
metadata:
  name: ${name}-config
  namespace: ml
data:
  MODEL_VERSION: "v${version}"
`;
  }
}

/** `resources` documents in files of 10; `changedEvery` picks which resources the head changes. */
function repo(resources: number, version: (i: number) => number): TreeFiles {
  const files: TreeFiles = { '.github/ferry.yml': CONFIG, 'README.md': '# bench\n' };
  for (let f = 0; f * PER_FILE < resources; f++) {
    const docs: string[] = [];
    for (let i = f * PER_FILE; i < Math.min(resources, (f + 1) * PER_FILE); i++)
      docs.push(resource(i, version(i)));
    files[`deploy/production/part-${String(f).padStart(3, '0')}.yaml`] = docs.join('---\n');
  }
  return files;
}

interface Timings {
  fetch: number;
  render: number;
  post: number;
  total: number;
}

function instrument(deps: FerryDeps, marks: Record<string, number>): Partial<FerryDeps> {
  return {
    extractTarball: async (opts) => {
      const tree = await deps.extractTarball(opts);
      marks.extracted = performance.now();
      return tree;
    },
    preview: async (opts) => {
      marks.previewStart = performance.now();
      const result = await deps.preview(opts);
      marks.previewEnd = performance.now();
      return result;
    },
  };
}

async function measure(
  resources: number,
  rounds: number,
): Promise<{ timings: Timings[]; calls: number[]; downloads: number }> {
  const gh = new FakeGitHub();
  const server = await gh.listen();
  const marks: Record<string, number> = {};
  const deps = defaultFerryDeps();
  const probot = new Probot({
    // The fake's App: the sticky comment it wrote is found as this App's own and updated.
    appId: FAKE_APP_ID,
    privateKey: testPrivateKey(),
    baseUrl: gh.apiUrl,
    log: pino({ level: 'silent' }),
    Octokit: ProbotOctokit.defaults((options: Record<string, unknown>) => ({
      ...options,
      retry: { enabled: false },
      throttle: { enabled: false },
    })),
  });
  await probot.load(createFerryApp({ ...instrument(deps, marks) }));

  const base = repo(resources, () => 1);
  gh.setTree(SHAS.base, base);
  const timings: Timings[] = [];
  const calls: number[] = [];
  let downloads = 0;
  for (let round = 0; round <= rounds; round++) {
    // Each round is a new push to the PR (synchronize): a new head changing ~5% of the resources.
    const head = (round + 5).toString(16).padStart(2, '0').repeat(20);
    const files = repo(resources, (i) => (i % 20 === round % 20 ? round + 2 : 1));
    gh.setTree(head, files);
    const changed = Object.keys(files).filter((f) => files[f] !== base[f]);
    gh.compares.set(`${SHAS.base}...${head}`, { files: changed, mergeBase: SHAS.base });
    gh.pulls.delete(42);
    gh.addPull({
      number: 42,
      head: { ref: 'bench', sha: head, repo: { full_name: 'acme/ml-platform', fork: false } },
      base: { ref: 'main', sha: SHAS.base, repo: { full_name: 'acme/ml-platform', fork: false } },
    });
    const payload = loadPayload('pull_request.synchronize');
    payload.pull_request.head.sha = head;
    const before = gh.requests.length;
    const start = performance.now();
    await probot.receive({ id: `bench-${round}`, name: 'pull_request', payload } as Parameters<
      Probot['receive']
    >[0]);
    const end = performance.now();
    const requests = gh.requests.slice(before);
    downloads = requests.filter((r) => r.operationId === 'codeload').length;
    // Round 0 warms up (JIT, module loading, the installation token).
    if (round === 0) continue;
    calls.push(requests.filter((r) => r.operationId !== 'codeload').length);
    timings.push({
      fetch: (marks.previewStart ?? end) - start,
      render: (marks.previewEnd ?? end) - (marks.previewStart ?? end),
      post: end - (marks.previewEnd ?? end),
      total: end - start,
    });
  }
  gh.assertClean();
  await server.close();
  return { timings, calls, downloads };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

const ms = (n: number) => Math.round(n * 10) / 10;

const main = await measure(RESOURCES, ROUNDS);
const figures = {
  resources: RESOURCES,
  rounds: ROUNDS,
  fetchMs: ms(median(main.timings.map((t) => t.fetch))),
  engineMs: ms(median(main.timings.map((t) => t.render))),
  postMs: ms(median(main.timings.map((t) => t.post))),
  totalMs: ms(median(main.timings.map((t) => t.total))),
  apiCallsPerEvent: median(main.calls),
  tarballDownloadsPerEvent: main.downloads,
};
console.log(`PR event on a ${RESOURCES}-resource repo, median of ${ROUNDS} (GitHub served on 127.0.0.1):`);
console.log(`  fetch            ${figures.fetchMs} ms  (GitHub calls, tarball download + extraction)`);
console.log(`  engine           ${figures.engineMs} ms  (render, validate, diff)`);
console.log(`  post             ${figures.postMs} ms  (stale check, sticky comment, check run)`);
console.log(`  total            ${figures.totalMs} ms`);
console.log(
  `  API calls/event  ${figures.apiCallsPerEvent} (+ ${figures.tarballDownloadsPerEvent} codeload downloads)`,
);

/** The engine's phases one by one on the same base and head (the App overlaps base and head renders). */
async function engineBreakdown(resources: number, rounds: number) {
  const write = (files: TreeFiles) => {
    const root = mkdtempSync(join(tmpdir(), 'ferry-bench-gh-'));
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), text);
    }
    return root;
  };
  const baseRoot = write(repo(resources, () => 1));
  const headRoot = write(repo(resources, (i) => (i % 20 === 1 ? 3 : 1)));
  const { config } = parseConfig(CONFIG, {});
  const target = config.targets[0];
  if (!target) throw new Error('bench config has no target');
  const times = { render: [] as number[], validate: [] as number[], diff: [] as number[] };
  for (let round = 0; round <= rounds; round++) {
    const t0 = performance.now();
    const [base, head] = [
      await renderTarget({ root: baseRoot, target }),
      await renderTarget({ root: headRoot, target }),
    ];
    const t1 = performance.now();
    validateResources(head.resources, { kubernetesVersion: config.kubernetesVersion, rules: ALL_RULES });
    const t2 = performance.now();
    diffResources({ target: target.name, base: base.resources, head: head.resources });
    const t3 = performance.now();
    if (round === 0) continue;
    times.render.push(t1 - t0);
    times.validate.push(t2 - t1);
    times.diff.push(t3 - t2);
  }
  rmSync(baseRoot, { recursive: true, force: true });
  rmSync(headRoot, { recursive: true, force: true });
  return {
    renderMs: ms(median(times.render)),
    validateMs: ms(median(times.validate)),
    diffMs: ms(median(times.diff)),
  };
}

const breakdown = await engineBreakdown(RESOURCES, ROUNDS);
console.log(
  `  engine, unit by unit: render ${breakdown.renderMs} ms (base + head) · validate ${breakdown.validateMs} ms · diff ${breakdown.diffMs} ms`,
);

const scaling: Record<string, number> = {};
for (const size of [50, 2000]) {
  const run = await measure(size, 1);
  scaling[`apiCallsAt${size}`] = median(run.calls);
}
console.log(
  `  API calls/event by repo size: 50 → ${scaling.apiCallsAt50}, ${RESOURCES} → ${figures.apiCallsPerEvent}, 2000 → ${scaling.apiCallsAt2000}`,
);
console.log(JSON.stringify({ bench: 'github', ...figures, ...breakdown, ...scaling }));
