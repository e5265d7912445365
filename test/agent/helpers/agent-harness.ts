import { KubeConfig } from '@kubernetes/client-node';
import type { AgentDeps } from '../../../src/agent/agent-deps.ts';
import { createClusterClient } from '../../../src/agent/cluster-client.ts';
import { createLogger } from '../../../src/agent/logger.ts';
import { AgentMetrics } from '../../../src/agent/metrics.ts';
import { RenderCache } from '../../../src/agent/render-revision.ts';
import { loadConfig } from '../../../src/config/load-config.ts';
import { checkTarget } from '../../../src/engine/check-target.ts';
import { createKubeconfigSignal } from '../../../src/signal/kubeconfig-signal.ts';
import type { Signal, SyncRequest } from '../../../src/signal/signal.ts';
import type { SyncObject } from '../../../src/signal/sync-object.ts';
import { readyControllers } from '../../helpers/kube-apiserver/controllers.ts';
import {
  type FakeKubeApiServer,
  type KubeApiServerOptions,
  startKubeApiServer,
} from '../../helpers/kube-apiserver/kube-apiserver.ts';
import { loadSyncCrd } from '../../helpers/kube-apiserver/sync-crd.ts';
import { FakeGitHub } from './fake-github.ts';
import { FakeRepo } from './fake-repo.ts';
import { makeTarget } from './make-target.ts';

export interface Harness {
  server: FakeKubeApiServer;
  repo: FakeRepo;
  github: FakeGitHub;
  deps: AgentDeps;
  signal: Signal;
  logs: string[];
  /** Sends a signal for `revision` of target `prod` (overrides allowed). */
  send(revision: string, overrides?: Partial<SyncRequest>): Promise<void>;
  sync(name?: string): SyncObject | undefined;
  close(): Promise<void>;
}

export async function startHarness(
  opts: { server?: KubeApiServerOptions; deps?: Partial<AgentDeps>; timeoutMs?: number } = {},
): Promise<Harness> {
  const server = await startKubeApiServer({
    crds: [loadSyncCrd()],
    namespaces: ['default', 'kube-system', 'ferry-system', 'ml'],
    controllers: readyControllers,
    ...opts.server,
  });
  const kc = new KubeConfig();
  kc.loadFromString(server.kubeconfig());
  const repo = new FakeRepo();
  const github = new FakeGitHub(repo);
  const logs: string[] = [];
  const deps: AgentDeps = {
    client: createClusterClient(kc, { timeoutMs: opts.timeoutMs ?? 5000 }),
    github,
    fetchRevision: ({ revision }) => repo.checkout(revision),
    loadConfig,
    check: checkTarget,
    trust: { repositories: ['acme/models'] },
    namespace: 'ferry-system',
    log: createLogger({ level: 'debug', write: (line) => logs.push(line) }),
    metrics: new AgentMetrics(),
    now: () => new Date(),
    cache: new RenderCache(),
    healthPollMs: 10,
    crdTimeoutMs: 5000,
    applyConcurrency: 4,
    ...opts.deps,
  };
  const signal = createKubeconfigSignal({ kubeConfig: kc });
  return {
    server,
    repo,
    github,
    deps,
    signal,
    logs,
    async send(revision, overrides = {}) {
      await signal.sendSync({
        target: makeTarget(),
        repository: repo.fullName,
        revision,
        reason: 'merge of #1',
        requestedAt: new Date().toISOString(),
        ...overrides,
      });
    },
    sync(name = 'prod') {
      return server.get({
        apiVersion: 'ferry.dev/v1alpha1',
        kind: 'Sync',
        namespace: 'ferry-system',
        name,
      }) as SyncObject | undefined;
    },
    close: () => server.close(),
  };
}

/** Polls `check` until it returns a value (not a timing assertion: the deadline only bounds a hang). */
export async function eventually<T>(
  check: () => T | undefined | Promise<T | undefined>,
  what: string,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value as T;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
