/**
 * Agent benchmarks (run alone: npx tsx bench/agent.bench.ts; the memory phase re-runs itself, bundled and
 * through tsx, with --expose-gc):
 *  1. signal-to-first-apply latency: from sendSync() to the first server-side apply the API server sees,
 *     in-process (fake API server, the real agent loop with its watch), median of N merges;
 *  2. the agent's memory with 1,000 managed resources: RSS after reconciling a target of 1,000 objects,
 *     with the fake API server in a child process so only the agent is measured.
 * The target is plain YAML rendered and validated by the real engine (checkTarget); figures are per machine.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { KubeConfig } from '@kubernetes/client-node';
import { parse, stringify } from 'yaml';
import type { AgentDeps } from '../src/agent/agent-deps.ts';
import { createClusterClient } from '../src/agent/cluster-client.ts';
import { createLogger } from '../src/agent/logger.ts';
import { mapLimit } from '../src/agent/map-limit.ts';
import { AgentMetrics } from '../src/agent/metrics.ts';
import { RenderCache } from '../src/agent/render-revision.ts';
import { runOnce, startAgent } from '../src/agent/run-agent.ts';
import { loadConfig } from '../src/config/load-config.ts';
import { checkTarget } from '../src/engine/check-target.ts';
import { createKubeconfigSignal } from '../src/signal/kubeconfig-signal.ts';
import { FakeGitHub } from '../test/agent/helpers/fake-github.ts';
import { FakeRepo } from '../test/agent/helpers/fake-repo.ts';
import { makeTarget } from '../test/agent/helpers/make-target.ts';
import { readyControllers } from '../test/helpers/kube-apiserver/controllers.ts';
import { bundleForNode } from './bundle-for-node.ts';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 15);
const RESOURCES = Number(process.env.BENCH_RESOURCES ?? 1000);
const CONFIG = stringify({
  kubernetesVersion: '1.34',
  targets: [{ name: 'prod', path: 'deploy', namespace: 'ml' }],
});

function deps(kubeconfig: string, repo: FakeRepo): AgentDeps {
  const kc = new KubeConfig();
  kc.loadFromString(kubeconfig);
  return {
    client: createClusterClient(kc),
    github: new FakeGitHub(repo),
    fetchRevision: ({ revision }) => repo.checkout(revision),
    loadConfig,
    check: checkTarget,
    trust: { repositories: ['acme/models'] },
    namespace: 'ferry-system',
    log: createLogger({ level: 'silent' }),
    metrics: new AgentMetrics(),
    now: () => new Date(),
    cache: new RenderCache(),
    healthPollMs: 5,
    crdTimeoutMs: 10_000,
    applyConcurrency: 8,
  };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? Number.NaN;
};

async function waitFor(check: () => boolean, what: () => string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`bench: timed out waiting: ${what()}`);
    await new Promise((r) => setTimeout(r, 1));
  }
}

async function latency(): Promise<{ medianMs: number; p90Ms: number; rounds: number }> {
  const { startKubeApiServer } = await import('../test/helpers/kube-apiserver/kube-apiserver.ts');
  const { loadSyncCrd } = await import('../test/helpers/kube-apiserver/sync-crd.ts');
  const server = await startKubeApiServer({
    crds: [loadSyncCrd()],
    namespaces: ['default', 'ferry-system', 'ml'],
    controllers: readyControllers,
    recordBodies: false,
  });
  const repo = new FakeRepo();
  const d = deps(server.kubeconfig(), repo);
  const agent = startAgent({ deps: d, resyncMs: 3_600_000, pollMs: 0 });
  await agent.ready;
  const kc = new KubeConfig();
  kc.loadFromString(server.kubeconfig());
  const signal = createKubeconfigSignal({ kubeConfig: kc });
  const samples: number[] = [];
  repo.commit('main', { '.github/ferry.yml': CONFIG });
  for (let i = 0; i <= ROUNDS; i++) {
    const sha = repo.commit('main', {
      'deploy/app.yaml': stringify({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'app' },
        data: { round: String(i) },
      }),
    });
    let firstApply: bigint | undefined;
    server.onRequest = (r) => {
      if (firstApply === undefined && r.contentType === 'application/apply-patch+yaml') firstApply = r.at;
    };
    const t0 = process.hrtime.bigint();
    await signal.sendSync({
      target: makeTarget(),
      repository: repo.fullName,
      revision: sha,
      reason: 'bench',
      requestedAt: new Date().toISOString(),
    });
    const sync = () =>
      server.get({ apiVersion: 'ferry.dev/v1alpha1', kind: 'Sync', namespace: 'ferry-system', name: 'prod' });
    const describe = () => JSON.stringify(sync()?.status ?? {}).slice(0, 500);
    await waitFor(() => firstApply !== undefined, describe);
    await waitFor(() => {
      const status = sync()?.status as { appliedRevision?: string; phase?: string } | undefined;
      return status?.phase === 'Healthy' && status.appliedRevision === sha;
    }, describe);
    // The first round warms up modules and connections.
    if (i > 0 && firstApply !== undefined) samples.push(Number(firstApply - t0) / 1e6);
  }
  await agent.stop();
  await server.close();
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    medianMs: median(samples),
    p90Ms: sorted[Math.floor(sorted.length * 0.9)] ?? Number.NaN,
    rounds: samples.length,
  };
}

async function memory(): Promise<{
  rssBeforeMb: number;
  rssAfterMb: number;
  heapUsedMb: number;
  firstApplySeconds: number;
  resyncSeconds: number;
  floorApplySeconds: number;
  floorListSeconds: number;
}> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'test/helpers/kube-apiserver/serve-kube-apiserver.ts'],
    {
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  );
  const line = await new Promise<string>((resolve) => {
    createInterface({ input: child.stdout }).once('line', resolve);
  });
  const { kubeconfig } = JSON.parse(line) as { kubeconfig: string };
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const rssBefore = process.memoryUsage().rss;

  const repo = new FakeRepo();
  const files: Record<string, string> = { '.github/ferry.yml': CONFIG };
  for (let i = 0; i < RESOURCES; i++) {
    files[`deploy/cm-${String(i).padStart(5, '0')}.yaml`] = stringify({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: `model-config-${i}`, labels: { app: 'classifier', shard: String(i % 10) } },
      data: {
        'model.json': JSON.stringify({
          name: `model-${i}`,
          version: '3.1.0',
          threshold: 0.5,
          labels: ['cat', 'dog', 'bird'],
        }),
      },
    });
  }
  const sha = repo.commit('main', files);
  const d = deps(kubeconfig, repo);
  const kc = new KubeConfig();
  kc.loadFromString(kubeconfig);
  await createKubeconfigSignal({ kubeConfig: kc }).sendSync({
    target: makeTarget(),
    repository: repo.fullName,
    revision: sha,
    reason: 'bench',
    requestedAt: new Date().toISOString(),
  });
  let t = Date.now();
  const first = await runOnce(d);
  const firstApplySeconds = (Date.now() - t) / 1000;
  if (first.get('prod')?.result !== 'healthy')
    throw new Error(`bench: first reconcile ${JSON.stringify(first.get('prod'))}`);
  t = Date.now();
  const second = await runOnce(d);
  const resyncSeconds = (Date.now() - t) / 1000;
  if (second.get('prod')?.result !== 'unchanged')
    throw new Error(`bench: resync ${JSON.stringify(second.get('prod'))}`);
  gc?.();
  const usage = process.memoryUsage();
  // Floors, same process and server: the same objects server-side applied straight from the client
  // (8 at a time, no render, no diff, no inventory), and one LIST of them by label.
  const rendered = Object.entries(files)
    .filter(([path]) => path.startsWith('deploy/'))
    .map(([, text]) => parse(text) as { metadata: { name: string; labels: Record<string, string> } });
  t = Date.now();
  await mapLimit(rendered, 8, async (o) => {
    await d.client.apply(
      {
        ...o,
        metadata: { ...o.metadata, namespace: 'default', labels: { ...o.metadata.labels, floor: 'yes' } },
      } as never,
      { fieldManager: 'floor', force: true },
    );
  });
  const floorApplySeconds = (Date.now() - t) / 1000;
  t = Date.now();
  await d.client.list({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    namespace: 'default',
    labelSelector: 'floor=yes',
  });
  const floorListSeconds = (Date.now() - t) / 1000;
  child.stdin.end();
  await new Promise((r) => child.once('exit', r));
  const mb = (n: number) => Math.round((n / 1024 / 1024) * 10) / 10;
  return {
    rssBeforeMb: mb(rssBefore),
    rssAfterMb: mb(usage.rss),
    heapUsedMb: mb(usage.heapUsed),
    firstApplySeconds,
    resyncSeconds,
    floorApplySeconds,
    floorListSeconds,
  };
}

/** Bundles this bench into plain JS (as the agent image runs, no tsx loader) in a temp dir. */
async function bundle(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'ferry-agent-bench-'));
  return bundleForNode(fileURLToPath(import.meta.url), join(dir, 'agent.bench.mjs'));
}

/** The memory figure comes from a fresh process, so the latency phase's garbage does not count. */
async function memoryInChild(
  runner: 'tsx' | 'bundle',
  resources = RESOURCES,
): Promise<Awaited<ReturnType<typeof memory>>> {
  const script = runner === 'tsx' ? ['--import', 'tsx', 'bench/agent.bench.ts'] : [await bundle()];
  const child = spawn(process.execPath, ['--expose-gc', ...script, '--memory-only'], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, BENCH_RESOURCES: String(resources) },
    cwd: repoRoot,
  });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString('utf8');
  });
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (runner === 'bundle') await rm(dirname(script[0] ?? ''), { recursive: true, force: true });
  if (code !== 0) throw new Error(`bench: memory child (${runner}) exited with ${code}`);
  return JSON.parse(out.trim().split('\n').at(-1) ?? '{}');
}

if (process.argv.includes('--memory-only')) {
  console.log(JSON.stringify(await memory()));
} else {
  const lat = await latency();
  console.log(
    `signal → first apply: median ${lat.medianMs.toFixed(1)} ms, p90 ${lat.p90Ms.toFixed(1)} ms over ${lat.rounds} merges (in-process)`,
  );
  const bundled = await memoryInChild('bundle');
  const viaTsx = await memoryInChild('tsx');
  // The ApplySet inventory's goal: 10,000 objects per target under 300 MB RSS bundled.
  const large = await memoryInChild('bundle', 10_000);
  const ratio = (a: number, b: number) => (b > 0 ? (a / b).toFixed(1) : 'n/a');
  for (const [label, count, mem] of [
    ['bundled JS, as the image runs', RESOURCES, bundled],
    ['through the tsx loader (npx ferry agent)', RESOURCES, viaTsx],
    ['bundled JS, as the image runs', 10_000, large],
  ] as const) {
    console.log(
      `${count} managed resources, ${label}: RSS ${mem.rssAfterMb} MB after reconcile (floor: ${mem.rssBeforeMb} MB at start → ${ratio(mem.rssAfterMb, mem.rssBeforeMb)}×; heap ${mem.heapUsedMb} MB); first apply ${mem.firstApplySeconds.toFixed(2)} s (floor: bare applies ${mem.floorApplySeconds.toFixed(2)} s → ${ratio(mem.firstApplySeconds, mem.floorApplySeconds)}×), in-sync resync ${mem.resyncSeconds.toFixed(2)} s (floor: one LIST ${mem.floorListSeconds.toFixed(2)} s → ${ratio(mem.resyncSeconds, mem.floorListSeconds)}×)`,
    );
  }
  console.log(
    JSON.stringify({
      bench: 'agent',
      signalToFirstApplyMedianMs: Number(lat.medianMs.toFixed(1)),
      signalToFirstApplyP90Ms: Number(lat.p90Ms.toFixed(1)),
      resources: RESOURCES,
      rssMb: bundled.rssAfterMb,
      rssAtStartMb: bundled.rssBeforeMb,
      heapUsedMb: bundled.heapUsedMb,
      rssViaTsxMb: viaTsx.rssAfterMb,
      firstApplySeconds: Number(bundled.firstApplySeconds.toFixed(2)),
      inSyncResyncSeconds: Number(bundled.resyncSeconds.toFixed(2)),
      rssMbAt10k: large.rssAfterMb,
      firstApplySecondsAt10k: Number(large.firstApplySeconds.toFixed(2)),
      inSyncResyncSecondsAt10k: Number(large.resyncSeconds.toFixed(2)),
    }),
  );
}
