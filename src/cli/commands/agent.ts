/**
 * `ferry agent`: the in-cluster reconcile loop (or `--once` for CronJobs and CI). In a pod it uses the
 * service account; outside, --kubeconfig (else KUBECONFIG). GitHub credentials come from the environment.
 */

import { hostname } from 'node:os';
import type { KubeConfig } from '@kubernetes/client-node';
import type { AgentTrust } from '../../agent/admit-sync.ts';
import type { AgentDeps } from '../../agent/agent-deps.ts';
import { createAgentGitHub } from '../../agent/agent-github.ts';
import { startAgentServer } from '../../agent/agent-server.ts';
import { createClusterClient } from '../../agent/cluster-client.ts';
import { createFetchRevision } from '../../agent/fetch-revision.ts';
import { startLeaderElection } from '../../agent/leader-election.ts';
import {
  type AgentEnv,
  AgentEnvError,
  loadAgentEnv,
  loadAgentTrust,
  loadPreviewSettings,
  type PreviewSettings,
} from '../../agent/load-agent-env.ts';
import type { Logger } from '../../agent/logger.ts';
import { createLogger } from '../../agent/logger.ts';
import { AgentMetrics } from '../../agent/metrics.ts';
import { RenderCache } from '../../agent/render-revision.ts';
import { type RunningAgent, runOnce, startAgent } from '../../agent/run-agent.ts';
import { loadConfig } from '../../config/load-config.ts';
import { checkTarget } from '../../engine/check-target.ts';
import { loadKubeConfig } from '../../signal/kubeconfig-signal.ts';
import { SYNC_NAMESPACE } from '../../signal/sync-object.ts';
import { parseArgs } from '../parse-args.ts';
import { parseInterval } from '../parse-interval.ts';
import { parseNamespace } from '../parse-namespace.ts';
import { UsageError } from '../usage-error.ts';

const HELP = `usage: ferry agent [--once] [--kubeconfig PATH] [--context NAME] [--namespace NS]
                   [--resync 5m] [--poll 1m] [--metrics-port 8080] [--leader-elect=false]

Watches the Sync objects in NS (default ${SYNC_NAMESPACE}) and applies the revisions they ask for.
  --once           reconcile every Sync once and exit (1 when any failed)
  --kubeconfig     kubeconfig file (default: in-cluster service account in a pod, else KUBECONFIG)
  --context        kubeconfig context
  --resync         self-heal interval (default 5m; at least 10s; 0 = off)
  --poll           branch-head poll interval, the fallback for a missed signal (default 1m; at least 10s;
                   0 = off)
  --metrics-port   port for /metrics and /healthz (default 8080; 0 = off)
  --leader-elect   true (default): only the replica holding the Lease ferry-agent in NS acts;
                   false for a single run (one replica, a laptop)
GitHub credentials: APP_ID + PRIVATE_KEY (or PRIVATE_KEY_PATH), or GITHUB_TOKEN.
Trust: FERRY_REPOSITORIES (owner/repo, comma-separated; required), FERRY_TARGETS (optional).
Live previews: FERRY_PREVIEW_TIMEOUT (default 120s), FERRY_PREVIEW_RATE (per repository per minute, default 6).`;

export interface AgentCommandOverrides {
  env?: NodeJS.ProcessEnv;
  deps?: Partial<AgentDeps>;
  /** Stops the long-running agent (tests); SIGTERM and SIGINT do the same. */
  signal?: AbortSignal;
  write?: (line: string) => void;
}

function parse(argv: string[]) {
  return parseArgs(
    argv,
    {
      once: { type: 'boolean', default: false },
      kubeconfig: { type: 'string' },
      context: { type: 'string' },
      namespace: { type: 'string', default: SYNC_NAMESPACE },
      resync: { type: 'string' },
      poll: { type: 'string' },
      'metrics-port': { type: 'string', default: '8080' },
      'leader-elect': { type: 'string', default: 'true' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    false,
  ).values;
}

/** Trust and credentials from the environment, every problem at once. */
function loadEnvironment(
  env: NodeJS.ProcessEnv,
  overrides: AgentCommandOverrides,
): { trust: AgentTrust; agentEnv: AgentEnv | undefined; preview: PreviewSettings | undefined } {
  const needsGitHub = !overrides.deps?.github || !overrides.deps.fetchRevision;
  const problems: string[] = [];
  const attempt = <T>(load: () => T): T | undefined => {
    try {
      return load();
    } catch (err) {
      if (!(err instanceof AgentEnvError)) throw err;
      problems.push(...err.problems);
      return undefined;
    }
  };
  const trust = overrides.deps?.trust ?? attempt(() => loadAgentTrust(env));
  const agentEnv = needsGitHub ? attempt(() => loadAgentEnv(env)) : undefined;
  const preview = attempt(() => loadPreviewSettings(env));
  if (problems.length > 0 || !trust) throw new AgentEnvError(problems);
  return { trust, agentEnv, preview };
}

export async function agentCommand(argv: string[], overrides: AgentCommandOverrides = {}): Promise<number> {
  const flags = parse(argv);
  const write = overrides.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  if (flags.help) {
    write(HELP);
    return 0;
  }
  const env = overrides.env ?? process.env;
  const resyncMs = parseInterval('resync', flags.resync, 5 * 60_000);
  const pollMs = parseInterval('poll', flags.poll, 60_000);
  const namespace = parseNamespace(flags.namespace);
  if (flags['leader-elect'] !== 'true' && flags['leader-elect'] !== 'false')
    throw new UsageError(`--leader-elect must be true or false (got '${flags['leader-elect']}')`);
  const leaderElect = flags['leader-elect'] === 'true';
  const metricsPort = Number(flags['metrics-port']);
  if (!Number.isInteger(metricsPort) || metricsPort < 0 || metricsPort > 65_535) {
    throw new UsageError(`--metrics-port must be a port number (got '${flags['metrics-port']}')`);
  }

  const inCluster = !flags.kubeconfig && !env.KUBECONFIG && Boolean(env.KUBERNETES_SERVICE_HOST);
  const kubeConfig = loadKubeConfig({
    ...(flags.kubeconfig ? { file: flags.kubeconfig } : {}),
    env,
    ...(flags.context ? { context: flags.context } : {}),
    inCluster,
  });
  const { trust, agentEnv, preview } = loadEnvironment(env, overrides);
  const log = overrides.deps?.log ?? createLogger({ level: agentEnv?.logLevel ?? 'info' });
  const github =
    overrides.deps?.github ??
    createAgentGitHub({
      auth: (agentEnv as NonNullable<typeof agentEnv>).auth,
      ...(agentEnv?.baseUrl ? { baseUrl: agentEnv.baseUrl } : {}),
    });
  const deps: AgentDeps = {
    client: createClusterClient(kubeConfig),
    github,
    fetchRevision: createFetchRevision(github),
    loadConfig,
    check: checkTarget,
    trust,
    namespace,
    log,
    metrics: new AgentMetrics(),
    now: () => new Date(),
    cache: new RenderCache(),
    healthPollMs: 2000,
    crdTimeoutMs: 60_000,
    applyConcurrency: 8,
    ...(preview ? { preview } : {}),
    ...overrides.deps,
  };

  if (flags.once) {
    const outcomes = await runOnce(deps);
    let failed = false;
    for (const [name, outcome] of outcomes) {
      write(`${name}: ${outcome.result}: ${outcome.message}`);
      if (!['healthy', 'unchanged', 'held'].includes(outcome.result)) failed = true;
    }
    if (outcomes.size === 0) write(`no Syncs in ${deps.namespace}`);
    return failed ? 1 : 0;
  }

  return serveAgent({ deps, resyncMs, pollMs, leaderElect, metricsPort, env, log, kubeConfig, overrides });
}

/** The long-running agent: with leader election only the replica holding the Lease runs the loop. */
async function serveAgent(opts: {
  deps: AgentDeps;
  resyncMs: number;
  pollMs: number;
  leaderElect: boolean;
  metricsPort: number;
  env: NodeJS.ProcessEnv;
  log: Logger;
  kubeConfig: KubeConfig;
  overrides: AgentCommandOverrides;
}): Promise<number> {
  const { deps, resyncMs, pollMs, leaderElect, metricsPort, env, log, kubeConfig, overrides } = opts;
  // A standby is healthy too.
  let agent: RunningAgent | undefined;
  let lost = false;
  let stopWaiting: () => void = () => undefined;
  // First, so a port in use stops the agent before it takes the Lease or starts a loop.
  const server =
    metricsPort > 0
      ? await startAgentServer({
          port: metricsPort,
          metrics: deps.metrics,
          healthy: () => (agent ? agent.healthy() : !lost),
        })
      : undefined;
  const election = leaderElect
    ? startLeaderElection({
        client: deps.client,
        namespace: deps.namespace,
        identity: env.POD_NAME || `${hostname()}-${process.pid}`,
        leaseDurationMs: 15_000,
        retryMs: 2_000,
        now: deps.now,
        log,
        onStartedLeading: () => {
          agent = startAgent({ deps, resyncMs, pollMs });
        },
        onStoppedLeading: () => {
          // Another replica leads now: stop at once and exit, so the pod restarts as a clean standby.
          lost = true;
          stopWaiting();
        },
      })
    : undefined;
  if (!election) agent = startAgent({ deps, resyncMs, pollMs });
  log.info('ferry agent started', {
    namespace: deps.namespace,
    server: kubeConfig.getCurrentCluster()?.server,
    resyncMs,
    pollMs,
    leaderElect,
    metricsPort: server?.port,
  });
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGTERM', stop);
      process.off('SIGINT', stop);
      resolve();
    };
    stopWaiting = stop;
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
    overrides.signal?.addEventListener('abort', stop, { once: true });
  });
  log.info('ferry agent stopping');
  await agent?.stop();
  await election?.stop();
  await server?.close();
  return lost ? 1 : 0;
}
