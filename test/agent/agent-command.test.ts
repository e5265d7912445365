import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startAgentServer } from '../../src/agent/agent-server.ts';
import { AgentEnvError, loadAgentEnv, loadAgentTrust } from '../../src/agent/load-agent-env.ts';
import { createLogger } from '../../src/agent/logger.ts';
import { AgentMetrics } from '../../src/agent/metrics.ts';
import { agentCommand } from '../../src/cli/commands/agent.ts';
import { UsageError } from '../../src/cli/usage-error.ts';
import { eventually, type Harness, startHarness } from './helpers/agent-harness.ts';
import { configMap, ferryConfig } from './helpers/manifests.ts';

const CONFIG = ferryConfig({ prod: { path: 'deploy', namespace: 'ml' } });

describe('ferry agent', () => {
  let h: Harness;
  let dir: string;
  let kubeconfig: string;
  const lines: string[] = [];

  beforeEach(async () => {
    h = await startHarness();
    dir = await mkdtemp(join(tmpdir(), 'ferry-agent-cmd-'));
    kubeconfig = join(dir, 'kubeconfig.json');
    await writeFile(kubeconfig, h.server.kubeconfig());
    lines.length = 0;
  });
  afterEach(async () => {
    await h.close();
    await rm(dir, { recursive: true, force: true });
  });

  const overrides = (extra: object = {}) => ({
    env: { FERRY_REPOSITORIES: 'acme/models' },
    write: (l: string) => lines.push(l),
    deps: { github: h.github, fetchRevision: h.deps.fetchRevision, log: createLogger({ level: 'silent' }) },
    ...extra,
  });

  it('--once reconciles every Sync through --kubeconfig and exits 0 when all are healthy', async () => {
    await h.send(h.repo.commit('main', { '.github/ferry.yml': CONFIG, 'deploy/a.yaml': configMap('a') }));
    const code = await agentCommand(['--once', '--kubeconfig', kubeconfig], overrides());
    expect(code).toBe(0);
    expect(lines).toEqual([
      expect.stringMatching(
        /^prod: healthy: [0-9a-f]{7} healthy in [\d.]+s: 1 applied, 0 unchanged, 0 pruned$/,
      ),
    ]);
    expect(h.server.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'ml', name: 'a' })).toBeDefined();
  });

  it('--once exits 1 when a Sync fails, and reads KUBECONFIG when no flag is given', async () => {
    const merged = h.repo.commit('main', { '.github/ferry.yml': CONFIG, 'deploy/a.yaml': configMap('a') });
    await h.send(h.repo.commitOn(merged, { 'deploy/b.yaml': configMap('b') }));
    const code = await agentCommand(
      ['--once'],
      overrides({ env: { KUBECONFIG: kubeconfig, FERRY_REPOSITORIES: 'acme/models' } }),
    );
    expect(code).toBe(1);
    expect(lines[0]).toMatch(/^prod: refused: commit [0-9a-f]{7} is not on branch main/);
  });

  it('runs until stopped, applying what a signal asks for', async () => {
    const stop = new AbortController();
    const running = agentCommand(
      ['--kubeconfig', kubeconfig, '--metrics-port', '0', '--poll', '0'],
      overrides({ signal: stop.signal }),
    );
    const sha = h.repo.commit('main', { '.github/ferry.yml': CONFIG, 'deploy/a.yaml': configMap('a') });
    await h.send(sha);
    await eventually(() => h.sync()?.status?.appliedRevision === sha, 'applied by the running agent');
    stop.abort();
    expect(await running).toBe(0);
  });

  it.each([
    [['--resync', 'often'], /--resync must be a duration such as 30s, 5m or 1h \(got 'often'\)/],
    [['--resync', '1ms'], /^--resync must be at least 10s, or 0 to turn it off \(got '1ms'\)$/],
    [['--resync', '300'], /^--resync 300 has no unit: add one, e\.g\. 300s or 300m/],
    [['--poll', '5'], /^--poll 5 has no unit: add one/],
    [['--metrics-port', '99999'], /--metrics-port must be a port number/],
    [
      ['--namespace', 'Ferry_System'],
      /^option '--namespace' must be a namespace name, a DNS-1123 label: .*\(got 'Ferry_System'\)$/,
    ],
    [['--verbose'], /^unknown option '--verbose'$/],
  ])('refuses %j with a usage error', async (argv, message) => {
    await expect(agentCommand(argv as string[], overrides())).rejects.toThrow(message);
    await expect(agentCommand(argv as string[], overrides())).rejects.toBeInstanceOf(UsageError);
  });

  it('names every missing GitHub credential at once', async () => {
    const err = await agentCommand(['--once', '--kubeconfig', kubeconfig], {
      env: { FERRY_REPOSITORIES: 'acme/models' },
      write: () => undefined,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AgentEnvError);
    expect((err as AgentEnvError).problems).toEqual([
      'no GitHub credentials: set APP_ID and PRIVATE_KEY (the Ferry App), or GITHUB_TOKEN',
    ]);
  });

  it('refuses to start without the trusted repositories, named with the credentials problem', async () => {
    const err = await agentCommand(['--once', '--kubeconfig', kubeconfig], {
      env: { FERRY_TARGETS: 'Prod' },
      write: () => undefined,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AgentEnvError);
    expect((err as AgentEnvError).problems).toEqual([
      'FERRY_REPOSITORIES is not set: list the repositories this agent deploys (owner/repo, comma-separated) in infra/agent/deployment.yaml',
      "FERRY_TARGETS: 'Prod' is not a target name",
      'no GitHub credentials: set APP_ID and PRIVATE_KEY (the Ferry App), or GITHUB_TOKEN',
    ]);
    expect(
      loadAgentTrust({ FERRY_REPOSITORIES: 'acme/models, acme/infra', FERRY_TARGETS: 'prod,staging' }),
    ).toEqual({
      repositories: ['acme/models', 'acme/infra'],
      targets: ['prod', 'staging'],
    });
  });
});

describe('loadAgentEnv', () => {
  // A real RSA key, with escaped newlines as in a .env file.
  const pem = generateKeyPairSync('rsa', { modulusLength: 1024 })
    .privateKey.export({ type: 'pkcs1', format: 'pem' })
    .toString()
    .trim()
    .replaceAll('\n', '\\n');

  it('takes the App key (with escaped newlines, as in a .env file) over a token', () => {
    const env = loadAgentEnv({ APP_ID: '42', PRIVATE_KEY: pem, GITHUB_TOKEN: 'ghp_x', LOG_LEVEL: 'debug' });
    expect(env.auth).toEqual({ appId: '42', privateKey: pem.replaceAll('\\n', '\n') });
    expect(env.logLevel).toBe('debug');
  });

  it('accepts a plain GITHUB_TOKEN and GitHub Enterprise hosts', () => {
    expect(loadAgentEnv({ GITHUB_TOKEN: 'ghp_x', GHE_HOST: 'github.acme.dev' })).toEqual({
      auth: { token: 'ghp_x' },
      baseUrl: 'https://github.acme.dev/api/v3',
      logLevel: 'info',
    });
  });

  it('reads PRIVATE_KEY_PATH and reports every problem together', () => {
    expect(
      loadAgentEnv(
        { APP_ID: '7', PRIVATE_KEY_PATH: '/secret/key.pem' },
        { readFile: () => pem.replaceAll('\\n', '\n') },
      ).auth,
    ).toMatchObject({ appId: '7' });
    const err = (() => {
      try {
        loadAgentEnv({ APP_ID: '7', PRIVATE_KEY: 'not a key', GHE_PROTOCOL: 'http' });
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect((err as AgentEnvError).problems).toEqual([
      'PRIVATE_KEY is not a PEM private key',
      'GHE_PROTOCOL is set but GHE_HOST is not',
    ]);
  });

  it('refuses a PEM block that does not decode to an RSA key, as ferry serve does', () => {
    const damaged = '-----BEGIN RSA PRIVATE KEY-----\nMIIB\n-----END RSA PRIVATE KEY-----';
    expect(() =>
      loadAgentEnv({ APP_ID: '7', PRIVATE_KEY_PATH: '/secret/key.pem' }, { readFile: () => damaged }),
    ).toThrow(/PRIVATE_KEY_PATH is not a valid private key \(its PEM block does not decode/);
  });
});

describe('agent server', () => {
  it('serves Prometheus metrics and a health check that follows the agent', async () => {
    const metrics = new AgentMetrics();
    metrics.recordSync('prod', 'healthy', new Date(1_700_000_000_000));
    metrics.recordApplyDuration(0.3);
    metrics.setManaged('prod', 12);
    let healthy = true;
    const server = await startAgentServer({ port: 0, host: '127.0.0.1', metrics, healthy: () => healthy });
    try {
      const res = await fetch(`http://127.0.0.1:${server.port}/metrics`);
      expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
      const text = await res.text();
      expect(text).toContain(
        '# TYPE ferry_sync_total counter\nferry_sync_total{target="prod",result="healthy"} 1\n',
      );
      expect(text).toContain(
        'ferry_apply_duration_seconds_bucket{le="0.25"} 0\nferry_apply_duration_seconds_bucket{le="0.5"} 1\n',
      );
      expect(text).toContain('ferry_apply_duration_seconds_count 1\n');
      expect(text).toContain('ferry_resources_managed{target="prod"} 12\n');
      expect(text).toContain('ferry_last_sync_timestamp_seconds{target="prod"} 1700000000\n');
      expect((await fetch(`http://127.0.0.1:${server.port}/healthz`)).status).toBe(200);
      healthy = false;
      expect((await fetch(`http://127.0.0.1:${server.port}/healthz`)).status).toBe(503);
      expect((await fetch(`http://127.0.0.1:${server.port}/other`)).status).toBe(404);
    } finally {
      await server.close();
    }
  });
});
