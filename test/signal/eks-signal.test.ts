import { DescribeClusterCommand, EKSClient } from '@aws-sdk/client-eks';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { clearEksClusterCache, createEksSignal } from '../../src/signal/eks-signal.ts';
import type { SyncRequest } from '../../src/signal/signal.ts';
import { makeTarget, SHA_A, SHA_B } from '../agent/helpers/make-target.ts';
import { fieldOf } from '../helpers/kube-apiserver/field-of.ts';
import {
  type FakeKubeApiServer,
  readTestTls,
  startKubeApiServer,
} from '../helpers/kube-apiserver/kube-apiserver.ts';
import { loadPreviewCrd, loadSyncCrd } from '../helpers/kube-apiserver/sync-crd.ts';

const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' };
const eksMock = mockClient(EKSClient);
const TLS = readTestTls();

function request(revision: string): SyncRequest {
  return {
    target: makeTarget(),
    repository: 'acme/models',
    revision,
    reason: 'merge of #1',
    requestedAt: '2025-05-01T10:00:00Z',
  };
}

/** Accepts tokens that decode to an STS URL signed for cluster `ml-prod` (what the EKS authenticator checks). */
function acceptEksToken(token: string): string | undefined {
  if (!token.startsWith('k8s-aws-v1.')) return undefined;
  const url = new URL(Buffer.from(token.slice(11), 'base64url').toString('utf8'));
  const signed = url.searchParams.get('X-Amz-SignedHeaders')?.split(';') ?? [];
  return url.host === 'sts.eu-west-1.amazonaws.com' && signed.includes('x-k8s-aws-id')
    ? 'arn:aws:iam::1:role/ferry-worker'
    : undefined;
}

describe('EKS signal', () => {
  let server: FakeKubeApiServer;
  const seenTokens: string[] = [];

  beforeEach(async () => {
    clearEksClusterCache();
    eksMock.reset();
    seenTokens.length = 0;
    server = await startKubeApiServer({
      tls: TLS,
      crds: [loadSyncCrd(), loadPreviewCrd()],
      namespaces: ['ferry-system'],
      authenticate: (token) => {
        seenTokens.push(token);
        return acceptEksToken(token);
      },
      authorize: (a) =>
        ['syncs', 'previews'].includes(a.resource) &&
        a.subresource === '' &&
        a.namespace === 'ferry-system' &&
        ['get', 'create', 'patch'].includes(a.verb),
    });
    eksMock.on(DescribeClusterCommand, { name: 'ml-prod' }).resolves({
      cluster: {
        name: 'ml-prod',
        endpoint: server.url,
        certificateAuthority: { data: Buffer.from(TLS.ca).toString('base64') },
        status: 'ACTIVE',
      },
    });
  });
  afterEach(() => server.close());

  it('patches the Sync over TLS with the cluster CA and an IAM token', async () => {
    const signal = createEksSignal({
      clusterName: 'ml-prod',
      region: 'eu-west-1',
      eks: new EKSClient({ region: 'eu-west-1' }),
      credentials,
    });
    await expect(signal.sendSync(request(SHA_A))).resolves.toEqual({ sync: 'prod', changed: true });
    expect(
      fieldOf(
        server.get({
          apiVersion: 'ferry.dev/v1alpha1',
          kind: 'Sync',
          namespace: 'ferry-system',
          name: 'prod',
        }),
        'spec',
      ).revision,
    ).toBe(SHA_A);
    expect(seenTokens.length).toBeGreaterThan(0);
    expect(server.requests.every((r) => r.user === 'arn:aws:iam::1:role/ferry-worker')).toBe(true);
  });

  it('describes the cluster once per process and reuses a token within its lifetime', async () => {
    let now = new Date('2025-05-01T10:00:00Z');
    const eks = new EKSClient({ region: 'eu-west-1' });
    const first = createEksSignal({
      clusterName: 'ml-prod',
      region: 'eu-west-1',
      eks,
      credentials,
      now: () => now,
    });
    await first.sendSync(request(SHA_A));
    now = new Date('2025-05-01T10:13:00Z');
    await first.sendSync(request(SHA_B));
    expect(new Set(seenTokens).size).toBe(1);

    now = new Date('2025-05-01T10:14:30Z');
    await first.sendSync(request(SHA_A));
    expect(new Set(seenTokens).size).toBe(2);

    const second = createEksSignal({
      clusterName: 'ml-prod',
      region: 'eu-west-1',
      eks,
      credentials,
      now: () => now,
    });
    await second.sendSync(request(SHA_B));
    expect(eksMock.commandCalls(DescribeClusterCommand)).toHaveLength(1);
  });

  it('makes a fresh token once when the cluster answers 401', async () => {
    let now = new Date('2025-05-01T10:00:00Z');
    const signal = createEksSignal({
      clusterName: 'ml-prod',
      region: 'eu-west-1',
      eks: new EKSClient({ region: 'eu-west-1' }),
      credentials,
      now: () => now,
    });
    await signal.sendSync(request(SHA_A));
    server.faults.failNext(1, { code: 401 });
    now = new Date('2025-05-01T10:01:00Z');
    await expect(signal.sendSync(request(SHA_B))).resolves.toEqual({ sync: 'prod', changed: true });
    expect(new Set(seenTokens).size).toBe(2);
  });

  it('asks for a live preview over the same cluster access, renewing a refused token once', async () => {
    let minutes = 0;
    const signal = createEksSignal({
      clusterName: 'ml-prod',
      region: 'eu-west-1',
      eks: new EKSClient({ region: 'eu-west-1' }),
      credentials,
      // Each token is signed a minute later, so the renewed one differs from the refused one.
      now: () => {
        minutes += 1;
        return new Date(Date.UTC(2025, 4, 1, 10, minutes));
      },
    });
    server.faults.failNext(1, { code: 401 });
    await expect(
      signal.requestPreview({
        target: makeTarget(),
        repository: 'acme/models',
        revision: SHA_A,
        pull: 7,
        reason: 'preview of #7',
        requestedAt: '2025-05-01T10:00:00Z',
      }),
    ).resolves.toEqual({ preview: 'prod-pr-7', changed: true });
    expect(
      fieldOf(
        server.get({
          apiVersion: 'ferry.dev/v1alpha1',
          kind: 'Preview',
          namespace: 'ferry-system',
          name: 'prod-pr-7',
        }),
        'spec',
      ).revision,
    ).toBe(SHA_A);
    // The refused request was answered before authentication; the renewed token was the one checked.
    expect(server.requests.map((r) => r.status)).toContain(401);
    expect(seenTokens.length).toBeGreaterThan(0);
  });

  it('does not cache a failed DescribeCluster', async () => {
    eksMock
      .on(DescribeClusterCommand, { name: 'ml-prod' })
      .rejectsOnce(new Error('ThrottlingException'))
      .resolves({
        cluster: {
          endpoint: server.url,
          certificateAuthority: { data: Buffer.from(TLS.ca).toString('base64') },
        },
      });
    const signal = createEksSignal({
      clusterName: 'ml-prod',
      region: 'eu-west-1',
      eks: new EKSClient({ region: 'eu-west-1' }),
      credentials,
    });
    await expect(signal.sendSync(request(SHA_A))).rejects.toThrow(/ThrottlingException/);
    await expect(signal.sendSync(request(SHA_A))).resolves.toEqual({ sync: 'prod', changed: true });
    expect(eksMock.commandCalls(DescribeClusterCommand)).toHaveLength(2);
  });
});
