import { KubeConfig } from '@kubernetes/client-node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { describeClusterError } from '../../src/signal/describe-cluster-error.ts';
import { KubeObjectClient } from '../../src/signal/kube-object-client.ts';
import { type FakeKubeApiServer, startKubeApiServer } from '../helpers/kube-apiserver/kube-apiserver.ts';
import { loadSyncCrd } from '../helpers/kube-apiserver/sync-crd.ts';

const SYNCS = { apiVersion: 'ferry.dev/v1alpha1', kind: 'Sync', namespace: 'ferry-system' };

/** A client of `server`, optionally through `url` (another scheme or port) and with a short deadline. */
function clientOf(server: FakeKubeApiServer, opts: { url?: string; timeoutMs?: number } = {}) {
  const kc = new KubeConfig();
  kc.loadFromString(opts.url ? server.kubeconfig().replaceAll(server.url, opts.url) : server.kubeconfig());
  return new KubeObjectClient(kc, opts.timeoutMs === undefined ? {} : { timeoutMs: opts.timeoutMs });
}

/** What listing the Syncs fails with, as the CLI would say it. */
async function describeListFailure(client: KubeObjectClient): Promise<string | undefined> {
  const err = await client.list(SYNCS).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(Error);
  return describeClusterError(err);
}

describe('describeClusterError', () => {
  let server: FakeKubeApiServer;
  afterEach(() => server.close());

  describe('a cluster with the Sync CRD', () => {
    beforeEach(async () => {
      server = await startKubeApiServer({ crds: [loadSyncCrd()], namespaces: ['ferry-system'] });
    });

    it('names the server, the HTTP status and its reason for a server error', async () => {
      server.faults.failNext(1, { code: 500 });
      expect(await describeListFailure(clientOf(server))).toBe(
        `the API server at ${server.url} answered HTTP 500 (InternalError): fake: injected failure; try again later, or check the cluster's health (kubectl get --raw /readyz)`,
      );
    });

    it('says an HTML page is not the Kubernetes API, whatever its status', async () => {
      for (const code of [200, 404, 502]) {
        server.faults.pageNext(1, { code });
        expect(await describeListFailure(clientOf(server))).toBe(
          `the server at ${server.url} answered with an HTML page, not the Kubernetes API: check the server address in the kubeconfig, and any proxy in between (a login page?)`,
        );
      }
    });

    it('says a TLS handshake with a plain-HTTP port failed', async () => {
      const https = server.url.replace('http://', 'https://');
      expect(await describeListFailure(clientOf(server, { url: https }))).toBe(
        `TLS handshake with ${https} failed: the address may be plain http (check the scheme and port of the server in the kubeconfig)`,
      );
    });

    it("says how long a server that never answers was given, the client's own deadline", async () => {
      server.faults.hangNext(1, { ms: 5000 });
      expect(await describeListFailure(clientOf(server, { timeoutMs: 200 }))).toBe(
        `no answer from the API server at ${server.url} within 0.2s: check the server address in the kubeconfig and that this machine can reach it`,
      );
    });

    it('leaves what is not the environment to the caller: a refused connection, a 422', async () => {
      expect(await describeListFailure(clientOf(server, { url: 'http://127.0.0.1:1' }))).toBeUndefined();
      server.faults.failNext(1, { code: 422 });
      expect(await describeListFailure(clientOf(server))).toBeUndefined();
    });
  });

  it('says the Sync CRD is not installed when the cluster does not serve ferry.dev', async () => {
    server = await startKubeApiServer({ namespaces: ['ferry-system'] });
    expect(await describeListFailure(clientOf(server))).toBe(
      'the Sync CRD (syncs.ferry.dev) is not installed: kubectl apply -k infra/agent',
    );
  });
});
