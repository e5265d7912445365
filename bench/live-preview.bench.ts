/**
 * Live preview benchmark (issue 13): from the pull_request delivery to the sticky comment's "Live"
 * section, for a 500-object target, in process: the real App (probot.receive, FakeGitHub on nock), the
 * kubeconfig Signal, the real agent loop (startAgent with its Preview watch) and the strict API server
 * double over real HTTP. Phases: the App's preview (which now also requests the Preview), the agent's
 * render / dry-run / drift / capacity and its check run, and the App's Live update on check_run.completed.
 * Floors measured in the same run: the App's preview alone without `preview: live` (what the PR already
 * waits for) and 500 bare server-side dry-run applies against the same double (what the cluster costs).
 * Run: npm run bench -- live-preview (BENCH_ROUNDS, default 5). Figures are per machine; nothing asserts.
 */
import { KubeConfig } from '@kubernetes/client-node';
import nock from 'nock';
import { parseAllDocuments } from 'yaml';
import type { AgentDeps } from '../src/agent/agent-deps.ts';
import { type AgentGitHub, createAgentGitHub } from '../src/agent/agent-github.ts';
import { checkCapacity } from '../src/agent/check-capacity.ts';
import { checkDrift } from '../src/agent/check-drift.ts';
import { createClusterClient } from '../src/agent/cluster-client.ts';
import { dryRunObjects } from '../src/agent/dry-run-objects.ts';
import { createFetchRevision } from '../src/agent/fetch-revision.ts';
import { createLogger } from '../src/agent/logger.ts';
import { mapLimit } from '../src/agent/map-limit.ts';
import { AgentMetrics } from '../src/agent/metrics.ts';
import type { PreviewObject } from '../src/agent/preview-status.ts';
import { RenderCache } from '../src/agent/render-revision.ts';
import { type RunningAgent, startAgent } from '../src/agent/run-agent.ts';
import { loadConfig } from '../src/config/load-config.ts';
import { checkTarget } from '../src/engine/check-target.ts';
import { createKubeconfigSignal } from '../src/signal/kubeconfig-signal.ts';
import { PREVIEW_API_VERSION, PREVIEW_KIND } from '../src/signal/preview-object.ts';
import type { SyncObject } from '../src/signal/sync-object.ts';
import { createHarness, loadPayload, SHAS, testPrivateKey } from '../test/helpers/github/app-harness.ts';
import { FAKE_APP_ID } from '../test/helpers/github/fake-github.ts';
import type { TreeFiles } from '../test/helpers/github/make-tarball.ts';
import { readyControllers } from '../test/helpers/kube-apiserver/controllers.ts';
import { startKubeApiServer } from '../test/helpers/kube-apiserver/kube-apiserver.ts';
import { loadPreviewCrd, loadSyncCrd } from '../test/helpers/kube-apiserver/sync-crd.ts';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const OBJECTS = 500;
const PER_FILE = 10;
const REPO = 'acme/ml-platform';

const config = (live: boolean) => `targets:
  - name: production
    path: deploy/production
    namespace: ml
${live ? '    preview: live\n' : ''}    cluster: { provider: eks, name: ml-prod, region: eu-west-1 }
`;

/** Object i: Deployments (every 5th with one GPU a pod), Services and ConfigMaps, in turn. */
function resource(i: number, version: number): string {
  const name = `model-${String(Math.floor(i / 3)).padStart(4, '0')}`;
  const gpu = Math.floor(i / 3) % 5 === 0 ? ', nvidia.com/gpu: "1"' : '';
  switch (i % 3) {
    case 0:
      return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
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
            requests: { cpu: 500m, memory: 1Gi${gpu} }
            limits: { cpu: "1", memory: 1Gi${gpu} }
`;
    case 1:
      return `apiVersion: v1
kind: Service
metadata:
  name: ${name}
spec:
  selector: { app: ${name} }
  ports: [{ port: 80, targetPort: 8080 }]
`;
    default:
      return `apiVersion: v1
kind: ConfigMap
metadata:
  name: ${name}
data:
  MODEL_VERSION: "${version}"
`;
  }
}

/** The target's files; `changed` objects (indices) get `version` 2. */
function tree(live: boolean, changed: ReadonlySet<number>): TreeFiles {
  const files: TreeFiles = { '.github/ferry.yml': config(live) };
  for (let f = 0; f < OBJECTS / PER_FILE; f++) {
    const docs: string[] = [];
    for (let i = f * PER_FILE; i < (f + 1) * PER_FILE; i++) docs.push(resource(i, changed.has(i) ? 2 : 1));
    files[`deploy/production/models-${String(f).padStart(3, '0')}.yaml`] = docs.join('---\n');
  }
  return files;
}

// The PR changes the images of two GPU Deployments (a rollout with surge) in the first file.
const CHANGED = new Set([0, 15]);
const CHANGED_FILES = ['deploy/production/models-000.yaml', 'deploy/production/models-001.yaml'];

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? Number.NaN;
};
const ms = (x: number) => `${x.toFixed(0)} ms`;
const now = () => performance.now();

async function main(): Promise<void> {
  nock.disableNetConnect();
  const cluster = await startKubeApiServer({
    crds: [loadSyncCrd(), loadPreviewCrd()],
    namespaces: ['default', 'ferry-system', 'ml'],
    controllers: readyControllers,
    recordBodies: false,
  });
  nock.enableNetConnect('127.0.0.1');
  const kubeConfig = () => {
    const kc = new KubeConfig();
    kc.loadFromString(cluster.kubeconfig());
    return kc;
  };
  for (let n = 0; n < 4; n++) {
    cluster.put({
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: `gpu-${n}`, labels: { 'nvidia.com/gpu.product': 'NVIDIA-H100-80GB-HBM3' } },
      spec: {},
    });
    cluster.setStatus(
      { apiVersion: 'v1', kind: 'Node', name: `gpu-${n}` },
      { allocatable: { 'nvidia.com/gpu': '8' }, conditions: [{ type: 'Ready', status: 'True' }] },
    );
  }

  // Phase timers: the agent's units wrapped where they are called (one preview at a time).
  const phase: Record<string, number> = {};
  const timed =
    <A extends unknown[], R>(name: string, fn: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      const t = now();
      try {
        return await fn(...args);
      } finally {
        phase[name] = (phase[name] ?? 0) + now() - t;
      }
    };

  // One FakeGitHub per round (createHarness mounts it on nock); the agent reaches whichever is mounted.
  const real = createAgentGitHub({
    auth: { appId: FAKE_APP_ID, privateKey: testPrivateKey() },
    octokitOptions: { retry: { enabled: false }, throttle: { enabled: false } },
  });
  const onMain = (ref: string) => (ref === 'main' ? SHAS.base : ref);
  const github: AgentGitHub = {
    ...real,
    compare: async ({ base, head }) => (onMain(base) === onMain(head) ? 'identical' : 'ahead'),
    createCheckRun: timed('check run', real.createCheckRun),
    updateCheckRun: timed('check run', real.updateCheckRun),
  };
  const deps: AgentDeps = {
    client: createClusterClient(kubeConfig()),
    github,
    fetchRevision: timed('render', createFetchRevision(github)),
    loadConfig,
    check: timed('render', checkTarget),
    trust: { repositories: [REPO] },
    namespace: 'ferry-system',
    log: createLogger({ level: 'silent' }),
    metrics: new AgentMetrics(),
    now: () => new Date(),
    cache: new RenderCache(),
    healthPollMs: 5,
    crdTimeoutMs: 10_000,
    applyConcurrency: 8,
    preview: { timeoutMs: 120_000, ratePerMinute: 10_000 },
    liveChecks: {
      dryRunObjects: timed('dry-run', dryRunObjects),
      checkDrift: timed('drift', checkDrift),
      checkCapacity: timed('capacity', checkCapacity),
    },
  };
  const agent: RunningAgent = startAgent({ deps, resyncMs: 3_600_000, pollMs: 0 });
  await agent.ready;
  await agent.previewsReady;

  // The base deployed by the agent (a real Sync), as a live preview finds the target.
  const setup = await createHarness();
  nock.enableNetConnect('127.0.0.1'); // mounting GitHub's fake shuts the network; the cluster is local
  setup.gh.setTree(SHAS.base, tree(true, new Set()));
  setup.gh.setTree('main', tree(true, new Set()));
  await createKubeconfigSignal({ kubeConfig: kubeConfig() }).sendSync({
    target: {
      name: 'production',
      path: 'deploy/production',
      branch: 'main',
      namespace: 'ml',
      schemas: [],
      prune: true,
      maxPruneShare: 0.5,
      autoRollback: false,
      selfHeal: true,
      healthTimeoutSeconds: 600,
    },
    repository: REPO,
    revision: SHAS.base,
    reason: 'ferry sync',
    requestedAt: new Date().toISOString(),
  });
  const sync = () =>
    cluster.get({
      apiVersion: 'ferry.dev/v1alpha1',
      kind: 'Sync',
      namespace: 'ferry-system',
      name: 'production',
    }) as SyncObject | undefined;
  const t0 = now();
  while (sync()?.status?.phase !== 'Healthy') {
    if (now() - t0 > 120_000) throw new Error(`the base did not deploy: ${sync()?.status?.phase}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  setup.close();
  console.log(`base of ${OBJECTS} objects deployed in ${ms(now() - t0)}`);

  const preview = () =>
    cluster.get({
      apiVersion: PREVIEW_API_VERSION,
      kind: PREVIEW_KIND,
      namespace: 'ferry-system',
      name: 'production-pr-42',
    }) as PreviewObject | undefined;

  /** One PR round with a fresh head SHA (no render cache hit for the head). */
  async function round(r: number, live: boolean) {
    const headSha = r.toString(16).padStart(40, 'c');
    const h = await createHarness({
      now: () => new Date(),
      signalFor: () => createKubeconfigSignal({ kubeConfig: kubeConfig() }),
    });
    nock.enableNetConnect('127.0.0.1');
    try {
      h.gh.setTree(SHAS.base, tree(live, new Set()));
      h.gh.setTree('main', tree(live, new Set()));
      h.gh.setTree(headSha, tree(live, CHANGED));
      h.gh.compares.set(`${SHAS.base}...${headSha}`, { files: CHANGED_FILES, mergeBase: SHAS.base });
      h.gh.addPull({
        number: 42,
        node_id: 'PR_kwDOACME42',
        title: 'Two new model images',
        head: { ref: 'feature/models', sha: headSha, repo: { full_name: REPO, fork: false } },
        base: { ref: 'main', sha: SHAS.base, repo: { full_name: REPO, fork: false } },
      });
      const opened = loadPayload('pull_request.opened');
      opened.pull_request.head.sha = headSha;
      for (const k of Object.keys(phase)) delete phase[k];
      const start = now();
      await h.receive('pull_request', opened);
      const app = now() - start;
      if (!live) return { app, total: app };
      const waitFrom = now();
      const answered = () => {
        const p = preview();
        return (
          p?.status?.phase === 'Done' &&
          p.status.revision === headSha &&
          p.status.observedGeneration === p.metadata.generation
        );
      };
      while (!answered()) {
        if (now() - waitFrom > 120_000) throw new Error(`no answer: ${preview()?.status?.message}`);
        await new Promise((res) => setTimeout(res, 2));
      }
      const agentMs = now() - waitFrom;
      const run = h.gh.checkRuns.find((c) => c.name === 'ferry/live: production' && c.head_sha === headSha);
      const event = loadPayload('check_run.completed');
      Object.assign(event.check_run, {
        id: run?.id,
        name: run?.name,
        head_sha: headSha,
        conclusion: run?.conclusion,
      });
      event.check_run.output.summary = run?.output.summary;
      event.check_run.app.id = run?.app.id;
      event.check_run.pull_requests[0].number = 42;
      const u = now();
      await h.receive('check_run', event);
      const update = now() - u;
      const body = h.gh.commentsOn(42)[0]?.body ?? '';
      if (!body.includes('#### Live') || !body.includes('**production**: ') || body.includes('⏳')) {
        throw new Error(
          `the comment has no Live result: ${body.slice(body.indexOf('#### Live'), body.indexOf('#### Live') + 600)}`,
        );
      }
      if (h.gh.problems.some((p) => !p.includes(cluster.url))) throw new Error(h.gh.problems.join('\n'));
      return { app, agent: agentMs, update, total: now() - start, phases: { ...phase } };
    } finally {
      h.close();
    }
  }

  await round(99, true); // warm-up: JIT, the applied revision's render cache
  const lives: Awaited<ReturnType<typeof round>>[] = [];
  for (let r = 0; r < ROUNDS; r++) lives.push(await round(r, true));
  const plain = [];
  for (let r = 0; r < ROUNDS; r++) plain.push(await round(r + 20, false));

  // Floor: the same 500 objects of the head, dry-run applied bare (no render, no findings).
  const docs = Object.entries(tree(true, CHANGED))
    .filter(([path]) => path.startsWith('deploy/'))
    .flatMap(([, text]) => parseAllDocuments(String(text)).map((d) => d.toJS() as Record<string, unknown>))
    .map((o) => ({ ...o, metadata: { ...(o.metadata as object), namespace: 'ml' } }));
  const client = createClusterClient(kubeConfig());
  const bare: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const t = now();
    await mapLimit(docs, deps.applyConcurrency, (o) =>
      client.apply(o as never, { fieldManager: 'ferry', dryRun: true, force: true }),
    );
    bare.push(now() - t);
  }
  await agent.stop();
  await cluster.close();

  const total = median(lives.map((l) => l.total));
  const appPlain = median(plain.map((p) => p.app));
  const dryFloor = median(bare);
  const pm = (name: string) => median(lives.map((l) => l.phases?.[name] ?? 0));
  console.log(`live preview, ${OBJECTS}-object target, median of ${ROUNDS} rounds (after one warm-up):`);
  console.log(`  pull_request delivery → Live section in the comment: ${ms(total)}`);
  console.log(`    App preview + Preview request:  ${ms(median(lives.map((l) => l.app)))}`);
  console.log(`    agent, request → status Done:   ${ms(median(lives.map((l) => l.agent ?? 0)))}`);
  console.log(`      render (fetch + check, head and applied): ${ms(pm('render'))}`);
  console.log(
    `      dry-run: ${ms(pm('dry-run'))}   drift: ${ms(pm('drift'))}   capacity: ${ms(pm('capacity'))}`,
  );
  console.log(`      check run (create + annotation batches): ${ms(pm('check run'))}`);
  console.log(`    App live update (check_run.completed): ${ms(median(lives.map((l) => l.update ?? 0)))}`);
  console.log('floors (same run):');
  console.log(
    `  App preview without live: ${ms(appPlain)} → Live section at ${(total / appPlain).toFixed(2)}×`,
  );
  console.log(
    `  ${docs.length} bare server-side dry-run applies: ${ms(dryFloor)} → agent's dry-run at ${(pm('dry-run') / dryFloor).toFixed(2)}×`,
  );
}

await main();
