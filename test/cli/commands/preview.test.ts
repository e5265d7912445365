import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { previewCommand } from '../../../src/cli/commands/preview.ts';
import { UsageError } from '../../../src/cli/usage-error.ts';
import type { LiveResult } from '../../../src/live/live-result.ts';
import { SHA_A, SHA_B } from '../../agent/helpers/make-target.ts';
import { type FakeKubeApiServer, startKubeApiServer } from '../../helpers/kube-apiserver/kube-apiserver.ts';
import { loadPreviewCrd, loadSyncCrd } from '../../helpers/kube-apiserver/sync-crd.ts';

const CONFIG = `targets:
  - name: prod
    path: deploy/prod
    namespace: ml
    cluster: { provider: kubeconfig }
    preview: live
`;
const PREVIEWS = '/apis/ferry.dev/v1alpha1/namespaces/ferry-system/previews';

function result(overrides: Partial<LiveResult> = {}): LiveResult {
  return {
    target: 'prod',
    repository: 'acme/models',
    revision: SHA_A,
    pull: 7,
    checkedAt: '2025-06-01T12:00:05Z',
    durationMs: 5000,
    objects: 3,
    checks: { 'dry-run': { state: 'done' }, drift: { state: 'done' }, capacity: { state: 'done' } },
    findings: [],
    truncated: 0,
    gpu: [],
    ...overrides,
  };
}

/**
 * Plays the agent's part, strictly: it reads Previews and writes only their status subresource, over
 * HTTP, as the ferry-agent user.
 */
function startAgent(
  server: FakeKubeApiServer,
  answer: (spec: Record<string, unknown>) => Record<string, unknown>,
) {
  let stopped = false;
  const headers = { authorization: 'Bearer agent-token', 'content-type': 'application/merge-patch+json' };
  const loop = (async () => {
    while (!stopped) {
      const list = (await (await fetch(`${server.url}${PREVIEWS}`, { headers })).json()) as {
        items: {
          metadata: { name: string };
          spec: Record<string, unknown>;
          status?: { revision?: string };
        }[];
      };
      for (const item of list.items) {
        if (item.status?.revision === item.spec.revision) continue;
        const res = await fetch(`${server.url}${PREVIEWS}/${item.metadata.name}/status`, {
          method: 'PATCH',
          headers,
          body: JSON.stringify({ status: { revision: item.spec.revision, ...answer(item.spec) } }),
        });
        if (!res.ok) throw new Error(`status write refused: ${res.status} ${await res.text()}`);
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  return async () => {
    stopped = true;
    await loop;
  };
}

describe('ferry preview', () => {
  let server: FakeKubeApiServer;
  let dir: string;
  let kubeconfig: string;
  let stopAgent: (() => Promise<void>) | undefined;
  const lines: string[] = [];

  beforeEach(async () => {
    server = await startKubeApiServer({
      crds: [loadSyncCrd(), loadPreviewCrd()],
      namespaces: ['ferry-system'],
      tokens: { 'cli-token': 'alice', 'agent-token': 'ferry-agent' },
      // alice has the ferry:signal Role's rights on previews; only the agent may write their status.
      authorize: (a) =>
        a.resource === 'previews' &&
        (a.user === 'ferry-agent'
          ? ['get', 'list', 'watch', 'patch'].includes(a.verb)
          : a.subresource === '' && ['get', 'create', 'patch'].includes(a.verb)),
    });
    dir = await mkdtemp(join(tmpdir(), 'ferry-preview-'));
    await mkdir(join(dir, '.github'));
    await writeFile(join(dir, '.github', 'ferry.yml'), CONFIG);
    kubeconfig = join(dir, 'kubeconfig.yaml');
    await writeFile(kubeconfig, server.kubeconfig({ token: 'cli-token' }));
    lines.length = 0;
  });
  afterEach(async () => {
    await stopAgent?.();
    stopAgent = undefined;
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  const run = (argv: string[]) =>
    previewCommand(argv, {
      env: {},
      cwd: dir,
      write: (l) => lines.push(l),
      now: () => new Date('2025-06-01T12:00:00Z'),
      pollMs: 20,
    });
  const base = () => [
    'prod',
    '--revision',
    SHA_A,
    '--pull',
    '7',
    '--repo',
    'acme/models',
    '--kubeconfig',
    kubeconfig,
  ];

  it('asks the agent through a Preview and prints what the cluster accepts, exit 0', async () => {
    stopAgent = startAgent(server, () => ({
      phase: 'Done',
      conclusion: 'success',
      checkRunUrl: 'https://github.com/acme/models/runs/9',
      result: result(),
    }));

    expect(await run(base())).toBe(0);

    expect(lines).toEqual([
      `✓ prod @ ${SHA_A.slice(0, 7)}: the cluster accepts 3 objects`,
      '  check run: https://github.com/acme/models/runs/9',
    ]);
    const preview = server.get({
      apiVersion: 'ferry.dev/v1alpha1',
      kind: 'Preview',
      namespace: 'ferry-system',
      name: 'prod-pr-7',
    });
    expect(preview?.spec).toEqual({
      target: 'prod',
      repository: 'acme/models',
      pull: 7,
      revision: SHA_A,
      requestedAt: '2025-06-01T12:00:00.000Z',
      reason: 'ferry preview',
    });
    // The CLI wrote the spec only; the status came from the agent's status subresource write.
    const writes = server.requests.filter((r) => r.method !== 'GET');
    expect(writes.filter((r) => r.user === 'alice').map((r) => [r.method, r.subresource ?? ''])).toEqual([
      ['POST', ''],
    ]);
    expect(writes.filter((r) => r.user === 'ferry-agent').every((r) => r.subresource === 'status')).toBe(
      true,
    );
  });

  it('takes an upper-case SHA as git and GitHub do, and asks about it in lower case', async () => {
    stopAgent = startAgent(server, () => ({ phase: 'Done', conclusion: 'success', result: result() }));
    const argv = base();
    argv[argv.indexOf(SHA_A)] = SHA_A.toUpperCase();

    expect(await run(argv)).toBe(0);

    expect(lines[0]).toBe(`✓ prod @ ${SHA_A.slice(0, 7)}: the cluster accepts 3 objects`);
    const preview = server.get({
      apiVersion: 'ferry.dev/v1alpha1',
      kind: 'Preview',
      namespace: 'ferry-system',
      name: 'prod-pr-7',
    });
    expect(preview?.spec).toMatchObject({ revision: SHA_A });
  });

  it('prints every finding and a GPU shortfall, and exits 1 on a failure', async () => {
    stopAgent = startAgent(server, () => ({
      phase: 'Done',
      conclusion: 'failure',
      result: result({
        findings: [
          {
            check: 'dry-run',
            severity: 'error',
            resource: 'Job ml/train',
            file: 'deploy/prod/train.yaml',
            line: 12,
            message: 'spec.template is immutable: the Job must be re-created\u001b[2J',
          },
        ],
        gpu: [
          {
            resource: 'Deployment ml/llm',
            gpuResource: 'nvidia.com/gpu',
            gpuType: 'NVIDIA-H100-80GB-HBM3',
            peak: 8,
            held: 0,
            free: 6,
            fits: false,
          },
        ],
      }),
    }));

    expect(await run(base())).toBe(1);

    expect(lines).toEqual([
      `✗ prod @ ${SHA_A.slice(0, 7)}: 1 refused, GPU shortfall`,
      '  error   dry-run  Job ml/train (deploy/prod/train.yaml:12): spec.template is immutable: the Job must be re-created\ufffd[2J',
      '  gpu     Deployment ml/llm: needs 8 × nvidia.com/gpu NVIDIA-H100-80GB-HBM3 at peak, holds 0, 6 free on matching nodes: the rollout will stall',
    ]);
  });

  it('prints JSON with --json', async () => {
    stopAgent = startAgent(server, () => ({ phase: 'Refused', message: 'SHA is not the head of PR #7' }));

    expect(await run([...base(), '--json'])).toBe(1);

    expect(JSON.parse(lines.join('\n'))).toEqual({
      preview: 'prod-pr-7',
      target: 'prod',
      revision: SHA_A,
      phase: 'Refused',
      message: 'SHA is not the head of PR #7',
    });
  });

  it('waits for the answer about this revision, not an earlier one on the same Preview', async () => {
    stopAgent = startAgent(server, (spec) => ({
      phase: 'Done',
      conclusion: 'success',
      result: result({ revision: String(spec.revision) }),
    }));
    expect(await run(base())).toBe(0);
    lines.length = 0;

    expect(
      await run([
        'prod',
        '--revision',
        SHA_B,
        '--pull',
        '7',
        '--repo',
        'acme/models',
        '--kubeconfig',
        kubeconfig,
      ]),
    ).toBe(0);
    expect(lines[0]).toBe(`✓ prod @ ${SHA_B.slice(0, 7)}: the cluster accepts 3 objects`);
  });

  it('gives up after --timeout with one line saying how to check the agent', async () => {
    const err = await run([...base(), '--timeout', '200ms']).catch((e: unknown) => e);

    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message).toBe(
      'the agent did not answer Preview prod-pr-7 within 200ms; check that it runs and sees the request: kubectl -n ferry-system get previews',
    );
  });

  it.each([
    [['prod', '--repo', 'a/b'], /^missing --revision \(the full 40-character commit SHA to check\)$/],
    [
      ['prod', '--revision', 'abc1234', '--repo', 'a/b'],
      /^option '--revision' must be a full 40-character commit SHA \(got 'abc1234'\)$/,
    ],
    [
      ['prod', '--revision', `${SHA_A.slice(0, 39)}z`, '--repo', 'a/b'],
      /^option '--revision' must be a commit SHA, 40 hexadecimal digits \(0-9, a-f\)/,
    ],
    [
      ['prod', '--revision', SHA_A, '--repo', 'a/b', '--namespace', 'BAD_NS'],
      /^option '--namespace' must be a namespace name, a DNS-1123 label: .* \(got 'BAD_NS'\)$/,
    ],
    [
      ['prod', '--revision', SHA_A, '--repo', 'a/b', '--pull', 'x'],
      /^option '--pull' must be a pull request number/,
    ],
    [
      ['prod', '--revision', SHA_A, '--repo', 'a/b', '--timeout', 'soon'],
      /^option '--timeout' must be a duration/,
    ],
    [
      ['staging', '--revision', SHA_A, '--repo', 'a/b'],
      /^no target 'staging' in .github\/ferry.yml \(targets: prod\)$/,
    ],
    [['--revision', SHA_A, '--repo', 'a/b'], /^missing TARGET$/],
  ])('refuses %j with a one-line usage error', async (argv, message) => {
    const err = await run(argv as string[]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message).toMatch(message);
    expect((err as Error).message).not.toContain('\n');
    expect(server.requests).toEqual([]);
  });
});
