import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { syncCommand } from '../../src/cli/commands/sync.ts';
import { UsageError } from '../../src/cli/usage-error.ts';
import type { Signal, SyncRequest } from '../../src/signal/signal.ts';
import type { ClusterRef } from '../../src/types.ts';
import { SHA_A } from '../agent/helpers/make-target.ts';
import { fieldOf } from '../helpers/kube-apiserver/field-of.ts';
import { type FakeKubeApiServer, startKubeApiServer } from '../helpers/kube-apiserver/kube-apiserver.ts';
import { loadSyncCrd } from '../helpers/kube-apiserver/sync-crd.ts';

/** `ferry sync` never asks for a preview: a fake that says so if it did. */
const notAPreview: Signal['requestPreview'] = async () => {
  throw new Error('ferry sync asked for a preview');
};

const CONFIG = `kubernetesVersion: "1.34"
targets:
  - name: prod
    path: deploy/prod
    branch: release
    namespace: ml
    cluster: { provider: eks, name: ml-prod, region: eu-west-1 }
`;

describe('ferry sync', () => {
  let server: FakeKubeApiServer;
  let dir: string;
  let kubeconfig: string;
  const lines: string[] = [];

  beforeEach(async () => {
    server = await startKubeApiServer({ crds: [loadSyncCrd()], namespaces: ['ferry-system'] });
    dir = await mkdtemp(join(tmpdir(), 'ferry-sync-'));
    await mkdir(join(dir, '.github'));
    await writeFile(join(dir, '.github', 'ferry.yml'), CONFIG);
    kubeconfig = join(dir, 'kubeconfig.json');
    await writeFile(kubeconfig, server.kubeconfig());
    lines.length = 0;
  });
  afterEach(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  const run = (argv: string[], env: NodeJS.ProcessEnv = {}) =>
    syncCommand(argv, {
      env,
      cwd: dir,
      write: (l) => lines.push(l),
      now: () => new Date('2025-06-01T12:00:00Z'),
    });

  it('patches the target Sync through a kubeconfig, with the target read from .github/ferry.yml', async () => {
    const code = await run([
      'prod',
      '--revision',
      SHA_A,
      '--repo',
      'acme/models',
      '--kubeconfig',
      kubeconfig,
      '--reason',
      'hotfix from CI',
    ]);
    expect(code).toBe(0);
    expect(lines).toEqual([`Sync prod: requested ${SHA_A.slice(0, 7)}`]);
    const spec = fieldOf(
      server.get({ apiVersion: 'ferry.dev/v1alpha1', kind: 'Sync', namespace: 'ferry-system', name: 'prod' }),
      'spec',
    );
    expect(spec).toMatchObject({
      target: 'prod',
      repository: 'acme/models',
      branch: 'release',
      path: 'deploy/prod',
      revision: SHA_A,
      reason: 'hotfix from CI',
      requestedAt: '2025-06-01T12:00:00.000Z',
    });

    await run(['prod', '--revision', SHA_A, '--repo', 'acme/models', '--kubeconfig', kubeconfig]);
    expect(lines.at(-1)).toBe(`Sync prod: ${SHA_A.slice(0, 7)} was already requested`);
  });

  it('takes an upper-case SHA as git and GitHub do, and sends it in lower case', async () => {
    const code = await run([
      'prod',
      '--revision',
      SHA_A.toUpperCase(),
      '--repo',
      'acme/models',
      '--kubeconfig',
      kubeconfig,
    ]);
    expect(code).toBe(0);
    expect(lines).toEqual([`Sync prod: requested ${SHA_A.slice(0, 7)}`]);
    const spec = fieldOf(
      server.get({ apiVersion: 'ferry.dev/v1alpha1', kind: 'Sync', namespace: 'ferry-system', name: 'prod' }),
      'spec',
    );
    expect(spec).toMatchObject({ revision: SHA_A });
  });

  it("finds the target from a subfolder of the repository: --root defaults to the working directory's git root", async () => {
    execFileSync('git', ['init', '-q'], { cwd: dir });
    await mkdir(join(dir, 'deploy', 'prod'), { recursive: true });
    const code = await syncCommand(
      ['prod', '--revision', SHA_A, '--repo', 'acme/models', '--kubeconfig', kubeconfig],
      {
        env: {},
        cwd: join(dir, 'deploy', 'prod'),
        write: (l) => lines.push(l),
      },
    );
    expect(code).toBe(0);
    expect(lines).toEqual([`Sync prod: requested ${SHA_A.slice(0, 7)}`]);
  });

  it('reaches a plain-http server as kubectl does (kubectl proxy), without insecure-skip-tls-verify', async () => {
    const config = JSON.parse(server.kubeconfig()) as { clusters: { cluster: Record<string, unknown> }[] };
    for (const c of config.clusters) {
      expect(c.cluster.server).toMatch(/^http:\/\//);
      delete c.cluster['insecure-skip-tls-verify'];
    }
    await writeFile(kubeconfig, JSON.stringify(config));
    const code = await run([
      'prod',
      '--revision',
      SHA_A,
      '--repo',
      'acme/models',
      '--kubeconfig',
      kubeconfig,
    ]);
    expect(code).toBe(0);
    expect(lines).toEqual([`Sync prod: requested ${SHA_A.slice(0, 7)}`]);
  });

  it('sends rollback, deployment id and the mass-prune override when asked', async () => {
    let sent: SyncRequest | undefined;
    let cluster: ClusterRef | undefined;
    const signal: Signal = {
      async sendSync(request) {
        sent = request;
        return { sync: request.target.name, changed: true };
      },
      requestPreview: notAPreview,
    };
    await syncCommand(
      ['prod', '--revision', SHA_A, '--rollback', '--deployment-id', '77', '--allow-mass-prune'],
      {
        env: { GITHUB_REPOSITORY: 'acme/models' },
        cwd: dir,
        write: (l) => lines.push(l),
        createSignal: (c) => {
          cluster = c;
          return signal;
        },
      },
    );
    expect(sent).toMatchObject({
      repository: 'acme/models',
      rollback: true,
      deploymentId: 77,
      allowMassPrune: true,
      reason: 'rollback requested with ferry sync',
    });
    // Without cluster flags, the target's own cluster from .github/ferry.yml.
    expect(cluster).toEqual({ provider: 'eks', name: 'ml-prod', region: 'eu-west-1' });
    expect(lines).toEqual([`Sync prod: requested ${SHA_A.slice(0, 7)} (rollback)`]);
  });

  it('sends --release-hold as this request’s releaseHold and says so', async () => {
    let sent: SyncRequest | undefined;
    await syncCommand(['prod', '--revision', SHA_A, '--release-hold'], {
      env: { GITHUB_REPOSITORY: 'acme/models' },
      cwd: dir,
      write: (l) => lines.push(l),
      createSignal: () => ({
        async sendSync(request) {
          sent = request;
          return { sync: request.target.name, changed: true };
        },
        requestPreview: notAPreview,
      }),
    });
    expect(sent).toMatchObject({ revision: SHA_A, releaseHold: true });
    expect(sent?.rollback).toBeUndefined();
    expect(lines).toEqual([`Sync prod: requested ${SHA_A.slice(0, 7)} (releasing the hold)`]);
  });

  it('lets --eks-cluster and --region override the cluster', async () => {
    let cluster: ClusterRef | undefined;
    await syncCommand(
      ['prod', '--revision', SHA_A, '--repo', 'a/b', '--eks-cluster', 'other', '--region', 'us-west-2'],
      {
        cwd: dir,
        env: {},
        write: () => undefined,
        createSignal: (c) => {
          cluster = c;
          return { sendSync: async () => ({ sync: 'prod', changed: true }), requestPreview: notAPreview };
        },
      },
    );
    expect(cluster).toEqual({ provider: 'eks', name: 'other', region: 'us-west-2' });
  });

  it("takes the region of a target's EKS cluster that names none from --region or AWS_REGION, else says to give one", async () => {
    await writeFile(
      join(dir, '.github', 'ferry.yml'),
      'targets:\n  - name: prod\n    path: deploy\n    cluster: { provider: eks, name: ml-prod }\n',
    );
    const clusters: ClusterRef[] = [];
    const sync = (argv: string[], env: NodeJS.ProcessEnv) =>
      syncCommand(['prod', '--revision', SHA_A, '--repo', 'a/b', ...argv], {
        cwd: dir,
        env,
        write: () => undefined,
        createSignal: (c) => {
          clusters.push(c);
          return { sendSync: async () => ({ sync: 'prod', changed: true }), requestPreview: notAPreview };
        },
      });
    await sync(['--region', 'us-west-2'], { AWS_REGION: 'eu-west-1' });
    await sync([], { AWS_REGION: 'eu-west-1' });
    await sync([], { AWS_DEFAULT_REGION: 'ap-south-1' });
    expect(clusters.map((c) => (c.provider === 'eks' ? c.region : undefined))).toEqual([
      'us-west-2',
      'eu-west-1',
      'ap-south-1',
    ]);
    const err = await sync([], {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message).toBe(
      "target 'prod' is on EKS cluster ml-prod, whose region .github/ferry.yml does not say: pass --region (or set AWS_REGION), or add cluster.region to the target",
    );
  });

  it.each([
    [['prod'], /^missing --revision \(the full 40-character commit SHA to sync\)$/],
    [['prod', '--revision', 'abc123', '--repo', 'a/b'], /option '--revision' must be a full/],
    [['prod', '--revision', SHA_A], /missing --repo \(owner\/repo\): .* has no GitHub 'origin' remote/],
    [['prod', '--revision', SHA_A, '--repo', 'nope'], /option '--repo' must be owner\/repo/],
    [['--revision', SHA_A, '--repo', 'a/b'], /^missing TARGET$/],
    [
      ['staging', '--revision', SHA_A, '--repo', 'a/b'],
      /no target 'staging' in .github\/ferry.yml \(targets: prod\); pass --branch/,
    ],
    [['prod', '--revision', SHA_A, '--repo', 'a/b', '--eks-cluster', 'x'], /--eks-cluster needs --region/],
    [
      ['prod', '--revision', 'g'.repeat(40), '--repo', 'a/b'],
      /^option '--revision' must be a commit SHA, 40 hexadecimal digits \(0-9, a-f\) \(got 'g{40}'\)$/,
    ],
    [
      ['prod', '--revision', SHA_A, '--repo', 'a/b', '--eks-cluster', 'x', '--kubeconfig', 'k'],
      /^options '--eks-cluster' and '--kubeconfig' conflict: give --eks-cluster \(and --region\) to reach an EKS cluster through AWS, or --kubeconfig\/--context to reach it through a kubeconfig, not both$/,
    ],
    [
      ['prod', '--revision', SHA_A, '--repo', 'a/b', '--eks-cluster', 'x', '--region', 'r', '--context', 'c'],
      /^options '--eks-cluster' and '--context' conflict/,
    ],
    [
      ['prod', '--revision', SHA_A, '--repo', 'a/b', '--namespace', 'BAD_NS'],
      /^option '--namespace' must be a namespace name, a DNS-1123 label: at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit \(got 'BAD_NS'\)$/,
    ],
    [
      ['prod', '--revision', SHA_A, '--repo', 'a/b', '--namespace', 'a'.repeat(64)],
      /^option '--namespace' must be/,
    ],
    [
      ['prod', '--revision', SHA_A, '--repo', 'a/b', '--deployment-id=0'],
      /option '--deployment-id' must be a positive integer/,
    ],
    [['prod', '--bogus'], /^unknown option '--bogus'$/],
    [['prod', '--revison', SHA_A], /^unknown option '--revison' \(did you mean '--revision'\?\)$/],
  ])('refuses %j with a one-line usage error', async (argv, message) => {
    const err = await run(argv as string[]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message).toMatch(message);
    expect((err as Error).message).not.toContain('\n');
  });

  it('syncs a target that is not in the config when --branch says where it lives', async () => {
    const code = await run([
      'adhoc',
      '--revision',
      SHA_A,
      '--repo',
      'acme/models',
      '--branch',
      'main',
      '--kubeconfig',
      kubeconfig,
    ]);
    expect(code).toBe(0);
    const spec = fieldOf(
      server.get({
        apiVersion: 'ferry.dev/v1alpha1',
        kind: 'Sync',
        namespace: 'ferry-system',
        name: 'adhoc',
      }),
      'spec',
    );
    expect(spec).toMatchObject({ target: 'adhoc', branch: 'main' });
  });
});
