/**
 * A live preview end to end, with every Ferry unit real and only the outside world doubled: GitHub
 * (FakeGitHub on nock, requests checked against GitHub's OpenAPI description) and the cluster (the
 * strict in-process API server with an admission webhook, a ResourceQuota, GPU nodes and pods).
 *
 *   pull_request.opened → App (preview, Live section "requested") → kubeconfig Signal creates the
 *   Preview → agent (watch) admits it, renders the head, dry-runs, diffs the live objects against the
 *   applied revision, weighs GPUs → Preview status + check run `ferry/live: production` →
 *   check_run.completed → App rewrites the comment's Live section
 */
import { KubeConfig } from '@kubernetes/client-node';
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AgentDeps } from '../../src/agent/agent-deps.ts';
import { type AgentGitHub, createAgentGitHub } from '../../src/agent/agent-github.ts';
import { createClusterClient } from '../../src/agent/cluster-client.ts';
import { createFetchRevision } from '../../src/agent/fetch-revision.ts';
import { createLogger } from '../../src/agent/logger.ts';
import { AgentMetrics } from '../../src/agent/metrics.ts';
import type { PreviewObject } from '../../src/agent/preview-status.ts';
import { RenderCache } from '../../src/agent/render-revision.ts';
import { type RunningAgent, startAgent } from '../../src/agent/run-agent.ts';
import { loadConfig } from '../../src/config/load-config.ts';
import { checkTarget } from '../../src/engine/check-target.ts';
import { parseLiveMarker } from '../../src/live/live-marker.ts';
import { LIVE_SECTION_END } from '../../src/report/render-live-section.ts';
import { createKubeconfigSignal } from '../../src/signal/kubeconfig-signal.ts';
import { PREVIEW_API_VERSION, PREVIEW_KIND } from '../../src/signal/preview-object.ts';
import type { SyncObject } from '../../src/signal/sync-object.ts';
import { eventually } from '../agent/helpers/agent-harness.ts';
import {
  createHarness,
  type Harness,
  loadPayload,
  SHAS,
  testPrivateKey,
} from '../helpers/github/app-harness.ts';
import { FAKE_APP_ID } from '../helpers/github/fake-github.ts';
import { readyControllers } from '../helpers/kube-apiserver/controllers.ts';
import { type FakeKubeApiServer, startKubeApiServer } from '../helpers/kube-apiserver/kube-apiserver.ts';
import { loadPreviewCrd, loadSyncCrd } from '../helpers/kube-apiserver/sync-crd.ts';

const REPO = 'acme/ml-platform';
const DIGEST = (c: string) => `sha256:${c.repeat(64)}`;

const CONFIG = `targets:
  - name: production
    path: deploy/production
    namespace: ml
    preview: live
    cluster: { provider: eks, name: ml-prod, region: eu-west-1 }
`;

function deployment(o: { name: string; image: string; replicas: number; gpus?: number }): string {
  const gpu = o.gpus ? `, nvidia.com/gpu: "${o.gpus}"` : '';
  const selector = o.gpus ? '      nodeSelector: { nvidia.com/gpu.product: NVIDIA-H100-80GB-HBM3 }\n' : '';
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${o.name}
  labels: { app: ${o.name} }
spec:
  replicas: ${o.replicas}
  selector:
    matchLabels: { app: ${o.name} }
  template:
    metadata:
      labels: { app: ${o.name} }
    spec:
${selector}      containers:
        - name: server
          image: ${o.image}
          resources:
            requests: { cpu: 500m, memory: 1Gi${gpu} }
            limits: { cpu: "1", memory: 1Gi${gpu} }
`;
}

function service(name: string): string {
  return `apiVersion: v1
kind: Service
metadata:
  name: ${name}
spec:
  selector: { app: ${name} }
  ports:
    - port: 80
      targetPort: 8080
`;
}

function job(tag: string, c: string): string {
  return `apiVersion: batch/v1
kind: Job
metadata:
  name: migrate
spec:
  template:
    spec:
      restartPolicy: Never
      containers:
        - name: migrate
          image: registry.example.com/ml/migrate:${tag}@${DIGEST(c)}
          resources:
            requests: { cpu: 100m, memory: 128Mi }
            limits: { cpu: 100m, memory: 128Mi }
`;
}

// What main runs (and the agent applied): the classifier, its Service and a migration Job.
const BASE = {
  '.github/ferry.yml': CONFIG,
  'deploy/production/model.yaml': deployment({
    name: 'classifier',
    image: `registry.example.com/ml/classifier:v1@${DIGEST('a')}`,
    replicas: 2,
  }),
  'deploy/production/service.yaml': service('classifier'),
  'deploy/production/migrate.yaml': job('v1', 'c'),
  'README.md': '# ml-platform\n',
};

// The PR: the Job's template changes (immutable), a notebook from Docker Hub (the policy webhook
// refuses it), a new Service (over the namespace's quota of one) and an LLM needing 8 GPUs (4 free).
const HEAD = {
  ...BASE,
  'deploy/production/migrate.yaml': job('v2', 'd'),
  'deploy/production/notebook.yaml': deployment({
    name: 'notebook',
    image: `docker.io/jupyter/base-notebook:2024@${DIGEST('e')}`,
    replicas: 1,
  }),
  'deploy/production/llm.yaml': `${deployment({
    name: 'llm',
    image: `registry.example.com/ml/llm:v1@${DIGEST('f')}`,
    replicas: 2,
    gpus: 4,
  })}---\n${service('llm')}`,
};

interface Annotation {
  path: string;
  annotation_level: string;
  title: string;
  message: string;
}

/** What the cluster must say about HEAD: (a) to (e) of issue 13's "Must show". */
const EXPECTED = [
  {
    check: 'Server-side dry-run',
    resource: 'Job ml/migrate',
    path: 'deploy/production/migrate.yaml',
    level: 'failure',
    message: /^merging will fail: the cluster refuses to change spec\.template, which is immutable/,
  },
  {
    check: 'Server-side dry-run',
    resource: 'Deployment ml/notebook',
    path: 'deploy/production/notebook.yaml',
    level: 'failure',
    message:
      /^merging will fail: admission webhook images\.policy\.example\.com refuses it: images must come from registry\.example\.com/,
  },
  {
    check: 'Server-side dry-run',
    resource: 'Service ml/llm',
    path: 'deploy/production/llm.yaml',
    level: 'failure',
    message:
      /^merging will fail: it exceeds the quota ml-quota of its namespace \(requested services=1, used services=1, limited services=1\)/,
  },
  {
    check: 'Drift from the applied commit',
    resource: 'Deployment ml/classifier',
    path: 'deploy/production/model.yaml',
    level: 'warning',
    message:
      /^changed in the cluster \(not by Ferry\): spec\.replicas: main says 2, cluster has 5 \(kubectl-edit\)/,
  },
  {
    check: 'GPU capacity',
    resource: 'Deployment ml/llm',
    path: 'deploy/production/llm.yaml',
    level: 'failure',
    message:
      /^needs 8 × nvidia\.com\/gpu \(NVIDIA-H100-80GB-HBM3\) at peak \(2 replicas × 4\), its pods hold 0 now; 4 free on matching nodes/,
  },
];

/** A message pattern without its start anchor, to find it inside a line. */
const bare = (pattern: RegExp) => pattern.source.replace(/^\^/, '');

/** How the comment's Live section names each check. */
const CHECK_LABEL: Record<string, string> = {
  'Server-side dry-run': 'dry-run',
  'Drift from the applied commit': 'drift',
  'GPU capacity': 'capacity',
};

const CHANGED = [
  'deploy/production/migrate.yaml',
  'deploy/production/notebook.yaml',
  'deploy/production/llm.yaml',
];

describe('live preview', () => {
  let h: Harness;
  let cluster: FakeKubeApiServer;
  let agent: RunningAgent | undefined;

  beforeEach(async () => {
    h = await createHarness({
      signalFor: () => createKubeconfigSignal({ kubeConfig: kubeConfig() }),
    });
    // GitHub is nock's; the cluster is a real local HTTP server.
    nock.enableNetConnect('127.0.0.1');
    cluster = await startKubeApiServer({
      crds: [loadSyncCrd(), loadPreviewCrd()],
      namespaces: ['default', 'ferry-system', 'ml'],
      controllers: readyControllers,
      admission: [
        {
          name: 'images.policy.example.com',
          sideEffects: 'None',
          rules: [{ apiGroups: ['apps'], resources: ['deployments'], operations: ['CREATE', 'UPDATE'] }],
          review: ({ object }) => {
            const spec = object.spec as { template: { spec: { containers: { image: string }[] } } };
            const bad = spec.template.spec.containers.find((c) => c.image.startsWith('docker.io/'));
            return bad ? { message: `images must come from registry.example.com, not ${bad.image}` } : true;
          },
        },
      ],
    });
  });

  afterEach(async () => {
    await agent?.stop();
    agent = undefined;
    await cluster.close();
    h.close();
    nock.cleanAll();
    nock.enableNetConnect();
  });

  function kubeConfig(): KubeConfig {
    const kc = new KubeConfig();
    kc.loadFromString(cluster.kubeconfig());
    return kc;
  }

  function startClusterAgent(): void {
    // Check runs need an App: the agent runs with the App's credentials (docs/agent.md).
    const real = createAgentGitHub({
      auth: { appId: FAKE_APP_ID, privateKey: testPrivateKey() },
      octokitOptions: { retry: { enabled: false }, throttle: { enabled: false } },
    });
    // The fake's compare answers the App's file lists only; main is the base commit, nothing else.
    const onMain = (ref: string) => (ref === 'main' ? SHAS.base : ref);
    const github: AgentGitHub = {
      ...real,
      compare: async ({ base, head }) =>
        onMain(base) === onMain(head) ? 'identical' : onMain(base) === SHAS.base ? 'ahead' : 'diverged',
    };
    const deps: AgentDeps = {
      client: createClusterClient(kubeConfig()),
      github,
      fetchRevision: createFetchRevision(github),
      loadConfig,
      check: checkTarget,
      trust: { repositories: [REPO] },
      namespace: 'ferry-system',
      log: createLogger({ level: process.env.E2E_LOG ? 'debug' : 'silent' }),
      metrics: new AgentMetrics(),
      now: () => new Date(),
      cache: new RenderCache(),
      healthPollMs: 10,
      crdTimeoutMs: 5000,
      applyConcurrency: 4,
      preview: { timeoutMs: 20_000, ratePerMinute: 6 },
    };
    agent = startAgent({ deps, resyncMs: 3_600_000, pollMs: 0, retryMs: 20, maxRetryMs: 200 });
  }

  const sync = () =>
    cluster.get({
      apiVersion: 'ferry.dev/v1alpha1',
      kind: 'Sync',
      namespace: 'ferry-system',
      name: 'production',
    }) as SyncObject | undefined;
  const preview = () =>
    cluster.get({
      apiVersion: PREVIEW_API_VERSION,
      kind: PREVIEW_KIND,
      namespace: 'ferry-system',
      name: 'production-pr-42',
    }) as PreviewObject | undefined;

  /** The base revision deployed by the agent (a real Sync), then the cluster as the PR finds it. */
  async function deployBaseAndAge(): Promise<void> {
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
        healthTimeoutSeconds: 60,
      },
      repository: REPO,
      revision: SHAS.base,
      reason: 'ferry sync',
      requestedAt: new Date().toISOString(),
    });
    await eventually(() => sync()?.status?.phase === 'Healthy', 'the base revision deployed');

    // Someone scaled the classifier by hand (kubectl edit: a patch under its own field manager).
    const client = createClusterClient(kubeConfig());
    await client.mergePatch(
      { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'ml', name: 'classifier' },
      { spec: { replicas: 5 } },
      { fieldManager: 'kubectl-edit' },
    );
    // The namespace allows one Service (the classifier's).
    cluster.put({
      apiVersion: 'v1',
      kind: 'ResourceQuota',
      metadata: { name: 'ml-quota', namespace: 'ml' },
      spec: { hard: { services: '1' } },
    });
    // One H100 node with 8 GPUs, 4 of them held by another team's pod.
    cluster.put({
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: 'gpu-1', labels: { 'nvidia.com/gpu.product': 'NVIDIA-H100-80GB-HBM3' } },
      spec: {},
    });
    cluster.setStatus(
      { apiVersion: 'v1', kind: 'Node', name: 'gpu-1' },
      { allocatable: { 'nvidia.com/gpu': '8' }, conditions: [{ type: 'Ready', status: 'True' }] },
    );
    cluster.put({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'trainer-0', namespace: 'default', labels: { app: 'trainer' } },
      spec: {
        nodeName: 'gpu-1',
        containers: [{ name: 't', image: 'trainer:1', resources: { limits: { 'nvidia.com/gpu': '4' } } }],
      },
    });
    cluster.setStatus(
      { apiVersion: 'v1', kind: 'Pod', namespace: 'default', name: 'trainer-0' },
      { phase: 'Running' },
    );
  }

  const liveSectionOf = (body: string) =>
    body.slice(body.indexOf('<!-- ferry:live-section '), body.indexOf(LIVE_SECTION_END));

  it('puts the cluster’s refusals, the drift and the GPU shortfall in the check run and the comment, writing nothing', async () => {
    h.gh.setTree(SHAS.base, BASE);
    h.gh.setTree('main', BASE);
    h.gh.setTree(SHAS.head, HEAD);
    h.gh.compares.set(`${SHAS.base}...${SHAS.head}`, { files: CHANGED, mergeBase: SHAS.base });
    h.gh.addPull({
      number: 42,
      node_id: 'PR_kwDOACME42',
      title: 'Migration v2, a notebook and an LLM',
      head: { ref: 'feature/llm', sha: SHAS.head, repo: { full_name: REPO, fork: false } },
      base: { ref: 'main', sha: SHAS.base, repo: { full_name: REPO, fork: false } },
    });
    startClusterAgent();
    await agent?.ready;
    await agent?.previewsReady;
    await deployBaseAndAge();
    const before = cluster.mutations.length;

    // The PR opens: the App previews it and asks the cluster.
    await h.receive('pull_request', loadPayload('pull_request.opened'));
    expect(preview()?.spec).toMatchObject({
      target: 'production',
      repository: REPO,
      revision: SHAS.head,
      pull: 42,
    });
    expect(liveSectionOf(h.gh.commentsOn(42)[0]?.body ?? '')).toContain(
      'live check requested from the cluster',
    );

    // The agent answers on the Preview and on the PR head.
    await eventually(() => preview()?.status?.phase === 'Done', 'the preview answered');
    const run = h.gh.checkRuns.find((r) => r.name === 'ferry/live: production');
    expect(run).toMatchObject({ head_sha: SHAS.head, status: 'completed', conclusion: 'failure' });
    const summary = String(run?.output.summary);
    const annotations = (run?.output.annotations ?? []) as Annotation[];
    expect(run?.output.title).toBe('Live: 3 refused, 1 warning, 1 drifted, GPUs short');
    for (const expected of EXPECTED) {
      // Each finding is an annotation on its file and a line of the summary, in Ferry's words.
      expect(annotations).toContainEqual(
        expect.objectContaining({
          path: expected.path,
          annotation_level: expected.level,
          title: `${expected.check}: ${expected.resource}`,
          message: expect.stringMatching(expected.message),
        }),
      );
      expect(summary).toMatch(
        new RegExp(`\`${expected.resource}\` \\(\`${expected.path}:\\d+\`\\): ${bare(expected.message)}`),
      );
    }
    const result = parseLiveMarker(summary);
    expect(result?.revision).toBe(SHAS.head);
    expect(preview()?.status?.result).toEqual(result);

    // GitHub tells the App the check run completed; the App rewrites the Live section.
    const event = loadPayload('check_run.completed');
    event.check_run.id = run?.id;
    event.check_run.name = run?.name;
    event.check_run.head_sha = run?.head_sha;
    event.check_run.conclusion = run?.conclusion;
    event.check_run.output.title = run?.output.title;
    event.check_run.output.summary = run?.output.summary;
    event.check_run.app.id = run?.app.id;
    event.check_run.pull_requests[0].number = 42;
    await h.receive('check_run', event);
    const comments = h.gh.commentsOn(42);
    expect(comments).toHaveLength(1);
    const live = liveSectionOf(comments[0]?.body ?? '');
    expect(live).toContain('- ❌ **production**: 3 refused, 1 drifted, GPU shortfall · [check run](');
    // Each finding of the issue is named in the comment too: the refusals, the GPU shortfall, the drift.
    for (const expected of EXPECTED) {
      const check = CHECK_LABEL[expected.check];
      expect(live).toMatch(new RegExp(`\`${expected.resource}\` \\(${check}\\): ${bare(expected.message)}`));
    }

    // Nothing but the App's request (the Preview), its status and the agent's Events was written.
    const mutations = cluster.mutations.slice(before);
    expect(mutations.filter((m) => m.namespace !== 'ferry-system')).toEqual([]);
    expect(mutations.filter((m) => m.kind === 'Preview' && !m.subresource)).toHaveLength(1);
    const writes = mutations.map((m) => `${m.verb} ${m.kind}${m.subresource ? `/${m.subresource}` : ''}`);
    expect(new Set(writes)).toEqual(new Set(['create Preview', 'patch Preview/status', 'create Event']));
    expect(
      cluster.get({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'ml', name: 'llm' }),
    ).toBeUndefined();
    expect(h.gh.problems.filter((p) => !p.includes(cluster.url))).toEqual([]);
  });
});
