import { readFileSync } from 'node:fs';
import { KubeConfig } from '@kubernetes/client-node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { InvalidSyncRequestError } from '../../src/signal/format-sync.ts';
import { createKubeconfigSignal } from '../../src/signal/kubeconfig-signal.ts';
import type { PreviewRequest, Signal } from '../../src/signal/signal.ts';
import { PreviewSignalError } from '../../src/signal/upsert-preview.ts';
import { makeTarget, SHA_A, SHA_B } from '../agent/helpers/make-target.ts';
import { fieldOf } from '../helpers/kube-apiserver/field-of.ts';
import {
  type FakeKubeApiServer,
  type RequestAttributes,
  startKubeApiServer,
} from '../helpers/kube-apiserver/kube-apiserver.ts';
import { loadPreviewCrd, loadSyncCrd } from '../helpers/kube-apiserver/sync-crd.ts';

const PREVIEW = { apiVersion: 'ferry.dev/v1alpha1', kind: 'Preview', namespace: 'ferry-system' };

function request(overrides: Partial<PreviewRequest> = {}): PreviewRequest {
  return {
    target: makeTarget(),
    repository: 'acme/models',
    revision: SHA_A,
    pull: 42,
    reason: 'preview of #42',
    requestedAt: '2025-05-01T10:00:00Z',
    ...overrides,
  };
}

/** The rights infra/agent/rbac.yaml gives the group ferry:signal, as an authorizer for the double. */
function signalGroupRbac(): (a: RequestAttributes) => boolean {
  const docs = parseAllDocuments(
    readFileSync(new URL('../../infra/agent/rbac.yaml', import.meta.url), 'utf8'),
  ).map(
    (d) =>
      d.toJS() as {
        kind: string;
        metadata: { name: string; namespace: string };
        rules?: { apiGroups: string[]; resources: string[]; verbs: string[] }[];
      },
  );
  const role = docs.find((d) => d.kind === 'Role' && d.metadata.name === 'ferry-signal');
  return (a) =>
    a.namespace === role?.metadata.namespace &&
    (role?.rules ?? []).some(
      (rule) =>
        rule.apiGroups.includes(a.group) &&
        rule.resources.includes(a.subresource ? `${a.resource}/${a.subresource}` : a.resource) &&
        rule.verbs.includes(a.verb),
    );
}

describe('preview requests through a signal (upsertPreview)', () => {
  let server: FakeKubeApiServer;
  let signal: Signal;

  beforeEach(async () => {
    server = await startKubeApiServer({
      crds: [loadSyncCrd(), loadPreviewCrd()],
      namespaces: ['ferry-system'],
      tokens: { 'signal-token': 'ferry-signal' },
      authorize: signalGroupRbac(),
    });
    const kc = new KubeConfig();
    kc.loadFromString(server.kubeconfig({ token: 'signal-token' }));
    signal = createKubeconfigSignal({ kubeConfig: kc });
  });
  afterEach(() => server.close());

  it('creates the Preview <target>-pr-<n> with the SHA and PR only, with the signal group’s rights', async () => {
    await expect(signal.requestPreview(request())).resolves.toEqual({ preview: 'prod-pr-42', changed: true });
    const preview = server.get({ ...PREVIEW, name: 'prod-pr-42' });
    expect(preview?.spec).toEqual({
      target: 'prod',
      repository: 'acme/models',
      pull: 42,
      revision: SHA_A,
      requestedAt: '2025-05-01T10:00:00Z',
      reason: 'preview of #42',
    });
    expect(fieldOf(preview, 'metadata').labels).toEqual({
      'app.kubernetes.io/managed-by': 'ferry',
      'ferry.dev/target': 'prod',
    });
    const create = server.requests.find((r) => r.method === 'POST');
    expect(create?.query.fieldManager).toBe('ferry');
    expect(create?.resource).toBe('previews');
  });

  it('names a request without a PR after the first 12 characters of its SHA', async () => {
    const { pull: _omit, ...withoutPull } = request({ reason: 'ferry preview' });
    await expect(signal.requestPreview(withoutPull)).resolves.toEqual({
      preview: `prod-rev-${SHA_A.slice(0, 12)}`,
      changed: true,
    });
    expect(server.get({ ...PREVIEW, name: `prod-rev-${SHA_A.slice(0, 12)}` })?.spec).not.toHaveProperty(
      'pull',
    );
  });

  it('merge-patches the spec when the PR has a new head, keeping the object', async () => {
    await signal.requestPreview(request());
    const uid = fieldOf(server.get({ ...PREVIEW, name: 'prod-pr-42' }), 'metadata').uid;
    const result = await signal.requestPreview(
      request({
        revision: SHA_B,
        requestedAt: '2025-05-01T11:00:00Z',
        reason: 'preview of #42 (synchronize)',
      }),
    );
    expect(result).toEqual({ preview: 'prod-pr-42', changed: true });
    const patch = server.requests.find((r) => r.method === 'PATCH');
    expect(patch?.contentType).toBe('application/merge-patch+json');
    expect(patch?.body).toEqual({
      spec: {
        target: 'prod',
        repository: 'acme/models',
        pull: 42,
        revision: SHA_B,
        requestedAt: '2025-05-01T11:00:00Z',
        reason: 'preview of #42 (synchronize)',
      },
    });
    const after = server.get({ ...PREVIEW, name: 'prod-pr-42' });
    expect(fieldOf(after, 'spec').revision).toBe(SHA_B);
    expect(fieldOf(after, 'metadata').uid).toBe(uid);
  });

  it('asks once per head SHA: the same SHA again writes nothing, whatever its time', async () => {
    await signal.requestPreview(request());
    const writes = () => server.requests.filter((r) => r.method !== 'GET').length;
    const before = writes();
    const generation = fieldOf(server.get({ ...PREVIEW, name: 'prod-pr-42' }), 'metadata').generation;
    await expect(signal.requestPreview(request({ requestedAt: '2025-05-01T10:05:00Z' }))).resolves.toEqual({
      preview: 'prod-pr-42',
      changed: false,
    });
    expect(writes()).toBe(before);
    expect(fieldOf(server.get({ ...PREVIEW, name: 'prod-pr-42' }), 'metadata').generation).toBe(generation);
  });

  it('cannot write a Preview’s status with the signal group’s rights (only the agent reports)', async () => {
    await signal.requestPreview(request());
    const res = await fetch(
      `${server.url}/apis/ferry.dev/v1alpha1/namespaces/ferry-system/previews/prod-pr-42/status`,
      {
        method: 'PATCH',
        headers: { authorization: 'Bearer signal-token', 'content-type': 'application/merge-patch+json' },
        body: JSON.stringify({ status: { phase: 'Done', conclusion: 'success' } }),
      },
    );
    expect(res.status).toBe(403);
    expect(server.get({ ...PREVIEW, name: 'prod-pr-42' })?.status).toBeUndefined();
  });

  it('refuses a short SHA or a bad PR number before talking to the cluster', async () => {
    await expect(signal.requestPreview(request({ revision: 'abc1234' }))).rejects.toBeInstanceOf(
      InvalidSyncRequestError,
    );
    await expect(signal.requestPreview(request({ pull: 0 }))).rejects.toThrow(/pull must be a PR number/);
    expect(server.requests).toHaveLength(0);
  });

  it('says the Preview CRD is missing when the agent predates live previews', async () => {
    const old = await startKubeApiServer({ crds: [loadSyncCrd()], namespaces: ['ferry-system'] });
    try {
      const kc = new KubeConfig();
      kc.loadFromString(old.kubeconfig());
      const err = await createKubeconfigSignal({ kubeConfig: kc })
        .requestPreview(request())
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(PreviewSignalError);
      expect((err as Error).message).toBe(
        'Preview prod-pr-42: the Preview CRD (previews.ferry.dev) is not installed: kubectl apply -k infra/agent',
      );
    } finally {
      await old.close();
    }
  });

  it('names the RBAC a preview request needs when the group may only touch Syncs', async () => {
    const syncsOnly = await startKubeApiServer({
      crds: [loadSyncCrd(), loadPreviewCrd()],
      namespaces: ['ferry-system'],
      tokens: { 'signal-token': 'ferry-signal' },
      authorize: (a) => a.resource === 'syncs',
    });
    try {
      const kc = new KubeConfig();
      kc.loadFromString(syncsOnly.kubeconfig({ token: 'signal-token' }));
      const err = await createKubeconfigSignal({ kubeConfig: kc })
        .requestPreview(request())
        .catch((e: unknown) => e);
      expect((err as Error).message).toMatch(
        /^Preview prod-pr-42: forbidden \(403\): the signal needs get, create and patch on previews\.ferry\.dev in ferry-system/,
      );
    } finally {
      await syncsOnly.close();
    }
  });
});
