/**
 * A live preview end to end in the agent: the strict API server double over real HTTP (Preview CRD as
 * installed), GitHub as the strict fake on nock (every request checked against GitHub's OpenAPI
 * description), the repository's revisions from a FakeRepo (the tarball path is tested elsewhere).
 */
import { generateKeyPairSync } from 'node:crypto';
import { KubeConfig } from '@kubernetes/client-node';
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AgentDeps } from '../../src/agent/agent-deps.ts';
import { createAgentGitHub } from '../../src/agent/agent-github.ts';
import type { LiveChecks } from '../../src/agent/check-live.ts';
import { createClusterClient } from '../../src/agent/cluster-client.ts';
import { createLogger } from '../../src/agent/logger.ts';
import { AgentMetrics } from '../../src/agent/metrics.ts';
import type { PreviewObject } from '../../src/agent/preview-status.ts';
import { RenderCache } from '../../src/agent/render-revision.ts';
import { type RunningAgent, startAgent } from '../../src/agent/run-agent.ts';
import {
  CHECK_RUN_FORBIDDEN,
  type PreviewRunState,
  runLivePreview,
} from '../../src/agent/run-live-preview.ts';
import { saveTargetState } from '../../src/agent/target-state.ts';
import { loadConfig } from '../../src/config/load-config.ts';
import { checkTarget } from '../../src/engine/check-target.ts';
import { parseLiveMarker } from '../../src/live/live-marker.ts';
import { parseLiveResult } from '../../src/live/live-result.ts';
import {
  PREVIEW_API_VERSION,
  PREVIEW_KIND,
  type PreviewSpec,
  previewNameOf,
} from '../../src/signal/preview-object.ts';
import { FakeGitHub } from '../helpers/github/fake-github.ts';
import { readyControllers } from '../helpers/kube-apiserver/controllers.ts';
import { type FakeKubeApiServer, startKubeApiServer } from '../helpers/kube-apiserver/kube-apiserver.ts';
import { loadPreviewCrd, loadSyncCrd } from '../helpers/kube-apiserver/sync-crd.ts';
import { eventually } from './helpers/agent-harness.ts';
import { FakeRepo } from './helpers/fake-repo.ts';
import { configMap, ferryConfig } from './helpers/manifests.ts';

const quiet = { retry: { enabled: false }, throttle: { enabled: false } };
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const PEM = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();

const LIVE = ferryConfig({ prod: { path: 'deploy', namespace: 'ml', preview: 'live' } });
const RENDER_ONLY = ferryConfig({ prod: { path: 'deploy', namespace: 'ml' } });

let server: FakeKubeApiServer;
let gh: FakeGitHub;
let repo: FakeRepo;
let unmount: () => void;
let logs: string[];
let fetched: string[];
let agent: RunningAgent | undefined;

beforeEach(async () => {
  gh = new FakeGitHub();
  unmount = gh.mountOnNock().unmount;
  // GitHub is nock's; the cluster is a real local HTTP server.
  nock.enableNetConnect('127.0.0.1');
  server = await startKubeApiServer({
    crds: [loadSyncCrd(), loadPreviewCrd()],
    namespaces: ['default', 'kube-system', 'ferry-system', 'ml'],
    controllers: readyControllers,
  });
  repo = new FakeRepo('acme/ml-platform');
  logs = [];
  fetched = [];
});

afterEach(async () => {
  await agent?.stop();
  agent = undefined;
  await server.close();
  unmount();
  nock.cleanAll();
  nock.enableNetConnect();
});

function makeDeps(
  opts: { token?: boolean; rate?: number; timeoutMs?: number; liveChecks?: LiveChecks } = {},
): AgentDeps {
  const kc = new KubeConfig();
  kc.loadFromString(server.kubeconfig());
  return {
    client: createClusterClient(kc, { timeoutMs: 5000 }),
    github: createAgentGitHub({
      auth: opts.token ? { token: 'ghp_plainpersonaltoken' } : { appId: 12345, privateKey: PEM },
      octokitOptions: quiet,
    }),
    fetchRevision: ({ revision }) => {
      fetched.push(revision);
      return repo.checkout(revision);
    },
    loadConfig,
    check: checkTarget,
    trust: { repositories: ['acme/ml-platform'] },
    namespace: 'ferry-system',
    log: createLogger({ level: 'debug', write: (line) => logs.push(line) }),
    metrics: new AgentMetrics(),
    now: () => new Date(),
    cache: new RenderCache(),
    healthPollMs: 10,
    crdTimeoutMs: 5000,
    applyConcurrency: 4,
    preview: { timeoutMs: opts.timeoutMs ?? 30_000, ratePerMinute: opts.rate ?? 6 },
    ...(opts.liveChecks ? { liveChecks: opts.liveChecks } : {}),
  };
}

const newState = (): PreviewRunState => ({
  previewCache: new RenderCache(),
  started: new Map(),
  warned: new Set(),
});

/** The default branch with a config, and a PR head on top of it. */
function setUp(opts: { config?: string; fork?: boolean; head?: Record<string, string> } = {}) {
  const main = repo.commit('main', {
    '.github/ferry.yml': opts.config ?? LIVE,
    'deploy/settings.yaml': configMap('settings', { mode: 'fast' }),
  });
  gh.trees.set('acme/ml-platform@main', { '.github/ferry.yml': opts.config ?? LIVE });
  const head = repo.commitOn(main, opts.head ?? { 'deploy/extra.yaml': configMap('extra') });
  gh.addPull({
    number: 7,
    head: {
      ref: 'feature',
      sha: head,
      repo: opts.fork
        ? { full_name: 'mallory/ml-platform', fork: true }
        : { full_name: 'acme/ml-platform', fork: false },
    },
    base: { ref: 'main', sha: main, repo: { full_name: 'acme/ml-platform', fork: false } },
  });
  return { main, head };
}

async function createPreview(
  deps: AgentDeps,
  spec: Omit<PreviewSpec, 'requestedAt' | 'repository' | 'target'>,
) {
  const full: PreviewSpec = {
    target: 'prod',
    repository: 'acme/ml-platform',
    requestedAt: new Date().toISOString(),
    ...spec,
  };
  return (await deps.client.create({
    apiVersion: PREVIEW_API_VERSION,
    kind: PREVIEW_KIND,
    metadata: { name: previewNameOf(full), namespace: 'ferry-system' },
    spec: full,
  })) as PreviewObject;
}

function previewNow(name: string): PreviewObject | undefined {
  return server.get({
    apiVersion: PREVIEW_API_VERSION,
    kind: PREVIEW_KIND,
    namespace: 'ferry-system',
    name,
  }) as PreviewObject | undefined;
}

const events = () =>
  server.list({ apiVersion: 'v1', kind: 'Event', namespace: 'ferry-system' }) as {
    reason: string;
    type: string;
    message: string;
    involvedObject: { kind: string; name: string };
  }[];

/** Every request that could change the cluster, from index `from` on. */
function writesSince(from: number) {
  return server.requests
    .slice(from)
    .filter((r) => r.verb !== undefined && !['get', 'list', 'watch'].includes(r.verb));
}

/** A preview writes nothing but its own status and Events; any apply is a dry-run. */
function expectOnlyPreviewWrites(from: number, name: string) {
  const writes = writesSince(from);
  expect(writes.length).toBeGreaterThan(0);
  for (const w of writes) {
    const ownStatus = w.resource === 'previews' && w.subresource === 'status' && w.name === name;
    const event = w.resource === 'events' && w.verb === 'create';
    const dryRun = w.contentType === 'application/apply-patch+yaml' && w.query.dryRun === 'All';
    expect({ write: `${w.method} ${w.path}`, allowed: ownStatus || event || dryRun }).toEqual({
      write: `${w.method} ${w.path}`,
      allowed: true,
    });
  }
}

const checkRunWrites = () => gh.requests.filter((r) => r.operationId.startsWith('checks/'));
const githubProblems = () => gh.problems.filter((p) => !p.includes(server.url));

describe('a live preview in the agent', () => {
  it('admits the open PR head, writes Done with the result and posts ferry/live: prod with the marker, changing nothing else in the cluster', async () => {
    const deps = makeDeps();
    const { main, head } = setUp();
    await saveTargetState(deps.client, {
      target: 'prod',
      namespace: 'ferry-system',
      state: { repository: 'acme/ml-platform', branch: 'main', appliedRevision: main, kinds: [] },
    });
    const preview = await createPreview(deps, { pull: 7, revision: head });
    const from = server.requests.length;

    const outcome = await runLivePreview(deps, preview, { state: newState() });

    expect(outcome.result).toBe('done');
    const status = previewNow('prod-pr-7')?.status;
    expect(status).toMatchObject({ observedGeneration: 1, phase: 'Done', revision: head });
    expect(status?.startedAt).toBeDefined();
    expect(status?.finishedAt).toBeDefined();
    const result = parseLiveResult(status?.result);
    expect(result).toMatchObject({
      target: 'prod',
      repository: 'acme/ml-platform',
      revision: head,
      pull: 7,
      appliedRevision: main,
    });
    expect(fetched.sort()).toEqual([head, main].sort());

    const [create] = checkRunWrites();
    expect(create?.operationId).toBe('checks/create');
    expect(create?.body).toMatchObject({ name: 'ferry/live: prod', head_sha: head, status: 'completed' });
    const run = gh.checkRuns[0];
    expect(parseLiveMarker(run?.output.summary ?? '')).toEqual(result);
    expect(status?.conclusion).toBe(run?.conclusion);
    expect(status?.message).toBe(run?.output.title);
    expect(githubProblems()).toEqual([]);

    expectOnlyPreviewWrites(from, 'prod-pr-7');
    expect(events().map((e) => [e.involvedObject.kind, e.reason])).toContainEqual(['Preview', 'PreviewDone']);
  });

  it('refuses a fork PR when the target does not allow forks: an Event, Refused, and no check run', async () => {
    const deps = makeDeps();
    const { head } = setUp({ fork: true });
    const preview = await createPreview(deps, { pull: 7, revision: head });

    expect((await runLivePreview(deps, preview, { state: newState() })).result).toBe('refused');

    expect(previewNow('prod-pr-7')?.status).toMatchObject({ phase: 'Refused', observedGeneration: 1 });
    expect(previewNow('prod-pr-7')?.status?.message).toMatch(/comes from a fork \(mallory\/ml-platform\)/);
    expect(events().find((e) => e.reason === 'ForkNotAllowed')).toMatchObject({ type: 'Warning' });
    expect(checkRunWrites()).toEqual([]);
    expect(fetched).toEqual([]);
    expect(githubProblems()).toEqual([]);
  });

  it('refuses when the default branch does not say preview: live, whatever the PR head says', async () => {
    const deps = makeDeps();
    const { head } = setUp({ config: RENDER_ONLY, head: { '.github/ferry.yml': LIVE } });
    const preview = await createPreview(deps, { pull: 7, revision: head });
    expect((await runLivePreview(deps, preview, { state: newState() })).result).toBe('refused');
    expect(events().map((e) => e.reason)).toContain('LivePreviewOff');
    expect(fetched).toEqual([]);
  });

  it('does no work for a SHA the PR has moved on from', async () => {
    const deps = makeDeps();
    const { main } = setUp();
    const older = repo.commitOn(main, { 'deploy/old.yaml': configMap('old') });
    const preview = await createPreview(deps, { pull: 7, revision: older });
    const from = server.requests.length;

    const outcome = await runLivePreview(deps, preview, { state: newState() });

    expect(outcome).toMatchObject({
      result: 'refused',
      message: expect.stringMatching(/is not the head of #7/),
    });
    expect(previewNow('prod-pr-7')?.status?.phase).toBe('Refused');
    expect(events().find((e) => e.reason === 'NotThePullHead')).toMatchObject({ type: 'Normal' });
    expect(fetched).toEqual([]);
    expect(checkRunWrites()).toEqual([]);
    expectOnlyPreviewWrites(from, 'prod-pr-7');
  });

  it('rate-limits previews per repository, and says when the next may run', async () => {
    const deps = makeDeps({ rate: 1 });
    const { head } = setUp();
    const state = newState();
    const first = await createPreview(deps, { pull: 7, revision: head });
    expect((await runLivePreview(deps, first, { state })).result).toBe('done');

    const other = repo.commitOn(head, { 'deploy/more.yaml': configMap('more') });
    gh.addPull({
      number: 8,
      head: { ref: 'other', sha: other, repo: { full_name: 'acme/ml-platform', fork: false } },
      base: { ref: 'main', sha: head, repo: { full_name: 'acme/ml-platform', fork: false } },
    });
    const second = await createPreview(deps, { pull: 8, revision: other });
    const outcome = await runLivePreview(deps, second, { state });

    expect(outcome).toMatchObject({ result: 'rate-limited' });
    expect(outcome.result === 'rate-limited' && outcome.retryAfterMs).toBeGreaterThan(50_000);
    expect(previewNow('prod-pr-8')?.status?.phase).toBe('RateLimited');
    expect(previewNow('prod-pr-8')?.status?.message).toMatch(/FERRY_PREVIEW_RATE: 1/);
    expect(gh.checkRuns).toHaveLength(1);
  });

  it('reports the checks the deadline cut short as timed out, and still answers', async () => {
    const hang = (signal?: AbortSignal) =>
      new Promise<never>((_, reject) =>
        signal?.addEventListener('abort', () => reject(new Error('aborted'))),
      );
    const deps = makeDeps({
      timeoutMs: 300,
      liveChecks: {
        dryRunObjects: async ({ resources }) => ({ findings: [], checked: resources.length, state: 'done' }),
        checkDrift: ({ signal }) => hang(signal),
        checkCapacity: () => new Promise<never>(() => undefined),
      },
    });
    const { main, head } = setUp();
    await saveTargetState(deps.client, {
      target: 'prod',
      namespace: 'ferry-system',
      state: { repository: 'acme/ml-platform', branch: 'main', appliedRevision: main, kinds: [] },
    });
    const preview = await createPreview(deps, { pull: 7, revision: head });

    expect((await runLivePreview(deps, preview, { state: newState() })).result).toBe('done');

    const result = parseLiveResult(previewNow('prod-pr-7')?.status?.result);
    expect(result?.checks).toEqual({
      'dry-run': { state: 'done' },
      drift: { state: 'timed-out', note: 'the 0.3 s deadline (FERRY_PREVIEW_TIMEOUT) passed first' },
      capacity: { state: 'timed-out', note: 'the 0.3 s deadline (FERRY_PREVIEW_TIMEOUT) passed first' },
    });
    expect(result?.objects).toBe(2);
    expect(gh.checkRuns[0]?.conclusion).toBe('neutral');
    expect(gh.checkRuns[0]?.output.title).toBe('Live: drift, capacity timed out');
  });

  it('fails with the blocking findings when the head does not render, and says so on the PR', async () => {
    const deps = makeDeps();
    const { head } = setUp({
      head: { 'deploy/broken.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: [\n' },
    });
    const preview = await createPreview(deps, { pull: 7, revision: head });

    expect((await runLivePreview(deps, preview, { state: newState() })).result).toBe('failed');

    const status = previewNow('prod-pr-7')?.status;
    expect(status?.phase).toBe('Failed');
    expect(status?.message).toMatch(/^not checked: 1 error\(s\) block the apply: deploy\/broken\.yaml:/);
    expect(gh.checkRuns[0]).toMatchObject({ conclusion: 'failure' });
  });

  it('with a plain token: says once that check runs need the App, and the status still carries the result', async () => {
    const deps = makeDeps({ token: true });
    const { head } = setUp();
    const state = newState();
    const preview = await createPreview(deps, { pull: 7, revision: head });

    expect((await runLivePreview(deps, preview, { state })).result).toBe('done');
    const status = previewNow('prod-pr-7')?.status;
    expect(status?.phase).toBe('Done');
    expect(status?.message).toContain(CHECK_RUN_FORBIDDEN);
    expect(parseLiveResult(status?.result)).toBeDefined();
    expect(checkRunWrites().map((r) => r.status)).toEqual([403]);

    // A second preview: the Warning is not repeated.
    const next = repo.commitOn(head, { 'deploy/more.yaml': configMap('more') });
    const pull = gh.pulls.get(7);
    if (pull) pull.head.sha = next;
    await deps.client.mergePatch(
      { apiVersion: PREVIEW_API_VERSION, kind: PREVIEW_KIND, namespace: 'ferry-system', name: 'prod-pr-7' },
      { spec: { revision: next } },
    );
    const updated = previewNow('prod-pr-7') as PreviewObject;
    expect((await runLivePreview(deps, updated, { state })).result).toBe('done');
    expect(events().filter((e) => e.reason === 'CheckRunForbidden')).toHaveLength(1);
    expect(events().find((e) => e.reason === 'CheckRunForbidden')?.message).toBe(CHECK_RUN_FORBIDDEN);
  });

  it('the agent loop picks up a new Preview, answers it once, and collects it a day after it finished', async () => {
    const base = makeDeps();
    let now = Date.now();
    const deps: AgentDeps = { ...base, now: () => new Date(now) };
    const { head } = setUp();
    agent = startAgent({ deps, resyncMs: 3_600_000, pollMs: 0, retryMs: 20, maxRetryMs: 200 });
    await agent.previewsReady;
    await createPreview(deps, { pull: 7, revision: head });

    await eventually(() => previewNow('prod-pr-7')?.status?.phase === 'Done', 'the preview Done');
    await agent.previewsIdle();
    expect(gh.checkRuns).toHaveLength(1);

    await agent.collectPreviews();
    expect(previewNow('prod-pr-7')).toBeDefined();
    now += 25 * 3_600_000;
    await agent.collectPreviews();
    expect(previewNow('prod-pr-7')).toBeUndefined();
    expect(gh.checkRuns).toHaveLength(1);
  });
});
