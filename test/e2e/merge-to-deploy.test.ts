/**
 * Merge to deploy, end to end, with every Ferry unit real and only the outside world doubled:
 * GitHub (FakeGitHub on nock, requests checked against GitHub's OpenAPI description), AWS (SQS and S3
 * mocked) and the cluster (the strict in-process API server).
 *
 *   signed push webhook → webhook function → SQS → worker function → GitHub App (preview, Deployment)
 *   → Signal patches the Sync → agent (watch) verifies, fetches the tarball, checkTarget, applies,
 *   prunes, waits for health → GitHub Deployment statuses → deployment_status webhook → App → PR comment
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { S3Client } from '@aws-sdk/client-s3';
import type { SendMessageCommandInput } from '@aws-sdk/client-sqs';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { KubeConfig } from '@kubernetes/client-node';
import { mockClient } from 'aws-sdk-client-mock';
import nock from 'nock';
import { pino } from 'pino';
import { Probot, ProbotOctokit } from 'probot';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHandler as createWebhookHandler } from '../../functions/webhook/create-handler.ts';
import { createHandler as createWorkerHandler } from '../../functions/worker/create-handler.ts';
import type { AgentDeps } from '../../src/agent/agent-deps.ts';
import { type AgentGitHub, createAgentGitHub } from '../../src/agent/agent-github.ts';
import { createClusterClient } from '../../src/agent/cluster-client.ts';
import { createFetchRevision } from '../../src/agent/fetch-revision.ts';
import { createLogger } from '../../src/agent/logger.ts';
import { AgentMetrics } from '../../src/agent/metrics.ts';
import { RenderCache } from '../../src/agent/render-revision.ts';
import { type RunningAgent, startAgent } from '../../src/agent/run-agent.ts';
import { loadConfig } from '../../src/config/load-config.ts';
import { checkTarget } from '../../src/engine/check-target.ts';
import { createFerryApp } from '../../src/github/ferry-app.ts';
import { createKubeconfigSignal } from '../../src/signal/kubeconfig-signal.ts';
import type { Signal } from '../../src/signal/signal.ts';
import type { SyncObject } from '../../src/signal/sync-object.ts';
import { eventually } from '../agent/helpers/agent-harness.ts';
import { githubDelivery, WEBHOOK_SECRET } from '../functions/helpers/function-url-event.ts';
import { fifoRecord, sqsEvent } from '../functions/helpers/sqs-event.ts';
import { loadPayload, SHAS, testPrivateKey } from '../helpers/github/app-harness.ts';
import { FakeGitHub } from '../helpers/github/fake-github.ts';
import { BASE_FILES, configMap, HEAD_FILES, setupMerge } from '../helpers/github/scenario.ts';
import { readyControllers } from '../helpers/kube-apiserver/controllers.ts';
import { type FakeKubeApiServer, startKubeApiServer } from '../helpers/kube-apiserver/kube-apiserver.ts';
import { loadSyncCrd } from '../helpers/kube-apiserver/sync-crd.ts';

const REPO = 'acme/ml-platform';
const SYNC = {
  apiVersion: 'ferry.dev/v1alpha1',
  kind: 'Sync',
  namespace: 'ferry-system',
  name: 'production',
};
const BUCKET = 'ferry-claim-check-123456789012';
const QUEUE = 'https://sqs.eu-west-1.amazonaws.com/123456789012/Ferry-Deliveries.fifo';

// The base runs a legacy ConfigMap the merge deletes: the agent must prune it.
const BASE = { ...BASE_FILES, 'deploy/production/legacy.yaml': configMap('legacy-settings', '1') };
const HEAD = { ...HEAD_FILES };

const sqsMock = mockClient(SQSClient);
const s3Mock = mockClient(S3Client);

/**
 * History of main: base, then the merge. FakeGitHub's compare answers the App's file lists only
 * (always `ahead`), so the agent's reachability and ordering questions are answered from this.
 */
function compareOnMain(base: string, head: string) {
  const history: string[] = [SHAS.base, SHAS.merge];
  const at = (ref: string) => (ref === 'main' ? history.length - 1 : history.indexOf(ref));
  const [b, h] = [at(base), at(head)];
  if (b < 0 || h < 0) return 'diverged' as const;
  return h === b ? ('identical' as const) : h > b ? ('ahead' as const) : ('behind' as const);
}

describe('merge to deploy', () => {
  let gh: FakeGitHub;
  let unmount: () => void;
  let cluster: FakeKubeApiServer;
  let agent: RunningAgent | undefined;
  let delivery = 0;

  beforeEach(async () => {
    sqsMock.reset();
    s3Mock.reset();
    sqsMock.on(SendMessageCommand).resolves({ MessageId: 'm-1', SequenceNumber: '1' });
    gh = new FakeGitHub();
    unmount = gh.mountOnNock().unmount;
    // GitHub is nock's; the cluster is a real local HTTP server.
    nock.enableNetConnect('127.0.0.1');
    cluster = await startKubeApiServer({
      crds: [loadSyncCrd()],
      namespaces: ['default', 'ferry-system', 'ml'],
      controllers: readyControllers,
    });
  });

  afterEach(async () => {
    await agent?.stop();
    agent = undefined;
    await cluster.close();
    unmount();
    nock.cleanAll();
    nock.enableNetConnect();
  });

  const logger = () => new Logger({ serviceName: 'ferry-e2e', logLevel: 'SILENT' });

  /** GitHub → webhook function (HMAC checked) → SQS → worker function → the Ferry App. */
  function pipeline(signal: Signal) {
    const webhook = createWebhookHandler({
      sqs: new SQSClient({ region: 'eu-west-1' }),
      s3: new S3Client({ region: 'eu-west-1' }),
      loadWebhookSecret: async () => WEBHOOK_SECRET,
      queueUrl: QUEUE,
      bucket: BUCKET,
      logger: logger(),
    });
    const worker = createWorkerHandler({
      appFn: createFerryApp({ signalFor: () => signal, now: () => new Date('2025-01-01T12:00:00Z') }),
      loadAppSecret: async () => ({ appId: '12345', privateKey: testPrivateKey() }),
      s3: new S3Client({ region: 'eu-west-1' }),
      bucket: BUCKET,
      sqs: new SQSClient({ region: 'eu-west-1' }),
      queueUrl: QUEUE,
      logger: logger(),
      createProbot: (secret) =>
        new Probot({
          appId: secret.appId,
          privateKey: secret.privateKey,
          log: pino({ level: 'silent' }),
          Octokit: ProbotOctokit.defaults((options: Record<string, unknown>) => ({
            ...options,
            retry: { enabled: false },
            throttle: { enabled: false },
          })),
        }),
    });
    return async (name: string, payload: unknown) => {
      delivery += 1;
      const id = `e2e-delivery-${delivery}`;
      const accepted = await webhook(githubDelivery({ name, id, payload }));
      expect(accepted).toMatchObject({ statusCode: 202 });
      const sent = sqsMock.commandCalls(SendMessageCommand).at(-1)?.args[0].input as SendMessageCommandInput;
      const result = await worker(
        sqsEvent([
          fifoRecord({
            body: String(sent.MessageBody),
            groupId: String(sent.MessageGroupId),
            deduplicationId: String(sent.MessageDeduplicationId),
          }),
        ]),
      );
      expect(result.batchItemFailures).toEqual([]);
    };
  }

  function startClusterAgent(): void {
    const kc = new KubeConfig();
    kc.loadFromString(cluster.kubeconfig());
    const real = createAgentGitHub({
      auth: { token: 'ghs_agent_token' },
      octokitOptions: { retry: { enabled: false }, throttle: { enabled: false } },
    });
    const github: AgentGitHub = { ...real, compare: async ({ base, head }) => compareOnMain(base, head) };
    const deps: AgentDeps = {
      client: createClusterClient(kc),
      github,
      fetchRevision: createFetchRevision(github),
      loadConfig,
      check: checkTarget,
      trust: { repositories: [REPO] },
      namespace: 'ferry-system',
      log: createLogger({ level: 'silent' }),
      metrics: new AgentMetrics(),
      now: () => new Date(),
      cache: new RenderCache(),
      healthPollMs: 10,
      crdTimeoutMs: 5000,
      applyConcurrency: 4,
    };
    agent = startAgent({ deps, resyncMs: 3_600_000, pollMs: 0, retryMs: 20, maxRetryMs: 200 });
  }

  const sync = () => cluster.get(SYNC) as SyncObject | undefined;
  const configMaps = () =>
    cluster
      .list({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'ml' })
      .map((c) => (c.metadata as { name: string }).name);
  const image = () => {
    const spec = cluster.get({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      namespace: 'ml',
      name: 'classifier',
    })?.spec as { template: { spec: { containers: { image: string }[] } } } | undefined;
    return spec?.template.spec.containers[0]?.image;
  };

  it('takes a merged PR from the webhook to a healthy cluster and back to the PR comment', async () => {
    setupMerge(gh, {
      base: BASE,
      head: HEAD,
      changed: ['deploy/production/model.yaml', 'deploy/production/legacy.yaml'],
    });
    // The default branch's config is what the agent trusts for the target's branch.
    gh.setTree('main', HEAD);
    const kc = new KubeConfig();
    kc.loadFromString(cluster.kubeconfig());
    const signal = createKubeconfigSignal({ kubeConfig: kc });
    const deliver = pipeline(signal);
    startClusterAgent();
    await agent?.ready;

    // The cluster runs the base revision (deployed earlier, e.g. with `ferry sync`).
    await signal.sendSync({
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
    expect(configMaps()).toEqual(['legacy-settings']);
    expect(image()).toMatch(/classifier:v1@/);

    // The merge's push webhook.
    await deliver('push', loadPayload('push'));
    const deployment = gh.deployments.find((d) => d.sha === SHAS.merge);
    expect(deployment?.payload).toMatchObject({
      ferry: { target: 'production', merge: SHAS.merge, pull: 42 },
    });
    expect(sync()?.spec).toMatchObject({
      revision: SHAS.merge,
      reason: 'merge of #42',
      deploymentId: deployment?.id,
    });
    expect(gh.commentsOn(42)[0]?.body).toContain('deploying `3333333` to production');

    // The agent applies the merge, prunes what it removed, and reports to GitHub.
    await eventually(
      () => sync()?.status?.appliedRevision === SHAS.merge && sync()?.status?.phase === 'Healthy',
      'the merge deployed',
    );
    expect(image()).toMatch(/classifier:v2@/);
    expect(configMaps()).toEqual([]);
    expect(sync()?.status?.counts).toEqual({ applied: 1, unchanged: 0, pruned: 1 });
    const states = gh.statuses.filter((s) => s.deployment_id === deployment?.id).map((s) => s.state);
    expect(states).toEqual(['queued', 'in_progress', 'success']);
    const success = gh.statuses.find((s) => s.deployment_id === deployment?.id && s.state === 'success');
    expect(success?.description).toMatch(/^3333333 healthy in [\d.]+s: 1 applied, 0 unchanged, 1 pruned$/);

    // GitHub tells the App about the status; the App updates the merged PR's comment.
    const event = loadPayload('deployment_status.created');
    event.deployment.id = deployment?.id;
    event.deployment.sha = SHAS.merge;
    event.deployment.created_at = deployment?.created_at;
    event.deployment.payload = deployment?.payload;
    event.deployment_status.id = success?.id;
    event.deployment_status.state = 'success';
    event.deployment_status.description = success?.description;
    event.deployment_status.created_at = success?.created_at;
    await deliver('deployment_status', event);
    const comments = gh.commentsOn(42);
    expect(comments).toHaveLength(1);
    expect(comments[0]?.body).toContain('✅ deployed `3333333` to production');

    // nock reports requests it let through to the local API server as unmatched: only GitHub's count.
    expect(gh.problems.filter((p) => !p.includes(cluster.url))).toEqual([]);
  });
});
