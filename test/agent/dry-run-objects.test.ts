import { KubeConfig } from '@kubernetes/client-node';
import { afterEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { createClusterClient } from '../../src/agent/cluster-client.ts';
import { dryRunObjects } from '../../src/agent/dry-run-objects.ts';
import { applySetIdFor } from '../../src/agent/target-state.ts';
import { parseManifests } from '../../src/manifest/parse-manifests.ts';
import type { Resource } from '../../src/types.ts';
import {
  type FakeKubeApiServer,
  type KubeApiServerOptions,
  startKubeApiServer,
} from '../helpers/kube-apiserver/kube-apiserver.ts';
import { configMap, deployment, job, namespace } from './helpers/manifests.ts';

let server: FakeKubeApiServer;

async function start(opts: KubeApiServerOptions = {}) {
  server = await startKubeApiServer({ namespaces: ['default', 'ml'], ...opts });
  const kc = new KubeConfig();
  kc.loadFromString(server.kubeconfig());
  return createClusterClient(kc, { timeoutMs: 5000 });
}

afterEach(() => server?.close());

function parse(text: string, file = 'deploy/app.yaml'): Resource[] {
  const { resources, findings } = parseManifests(text, file, { defaultNamespace: 'ml' });
  expect(findings).toEqual([]);
  return resources;
}

const TARGET = { name: 'prod', namespace: 'ml', applySetId: applySetIdFor('prod', 'ferry-system') };

/** The live object as a previous merge left it (written as `ferry`, not counted as a test mutation). */
async function applied(client: ReturnType<typeof createClusterClient>, resources: Resource[]) {
  for (const r of resources) {
    await client.apply(
      { ...r.object, metadata: { ...(r.object.metadata as object), namespace: r.id.namespace || undefined } },
      { fieldManager: 'ferry', force: true },
    );
  }
  server.mutations.length = 0;
}

describe('dryRunObjects', () => {
  it('sends each object as the merge would (ferry, dryRun=All, strict, target labels) and writes nothing', async () => {
    const client = await start();
    const resources = parse(`${configMap('settings')}---\n${deployment('api')}`);
    const out = await dryRunObjects({
      client,
      resources,
      concurrency: 2,
      target: { ...TARGET, revision: 'a'.repeat(40) },
    });
    expect(out).toEqual({ findings: [], checked: 2, state: 'done' });
    const applies = server.requests.filter((r) => r.contentType === 'application/apply-patch+yaml');
    expect(applies.map((r) => r.query)).toEqual([
      { fieldManager: 'ferry', dryRun: 'All', fieldValidation: 'Strict' },
      { fieldManager: 'ferry', dryRun: 'All', fieldValidation: 'Strict' },
    ]);
    expect((applies[0]?.body as { metadata?: object } | undefined)?.metadata).toEqual({
      name: 'settings',
      namespace: 'ml',
      labels: { 'ferry.dev/target': 'prod', 'applyset.kubernetes.io/part-of': TARGET.applySetId },
      annotations: { 'ferry.dev/revision': 'a'.repeat(40) },
    });
    expect(server.mutations).toEqual([]);
    expect(
      server.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'ml', name: 'settings' }),
    ).toBeUndefined();
  });

  it('reports an immutable Job field change as an error at the field, with the server’s words as detail', async () => {
    const client = await start();
    await applied(client, parse(job('train', { image: 'ghcr.io/acme/train:1.0.0' })));
    const head = parse(job('train', { image: 'ghcr.io/acme/train:2.0.0' }), 'deploy/train.yaml');
    const out = await dryRunObjects({ client, resources: head, concurrency: 4, target: TARGET });
    expect(out.state).toBe('done');
    expect(out.findings).toEqual([
      {
        check: 'dry-run',
        severity: 'error',
        resource: 'Job ml/train',
        file: 'deploy/train.yaml',
        line: head[0]?.lines?.lineOf('/spec/template'),
        message:
          'merging will fail: the cluster refuses to change spec.template, which is immutable (add the annotation ferry.dev/recreate: enabled to let Ferry delete and recreate it)',
        detail: expect.stringContaining('Job.batch "train" is invalid: spec.template: Invalid value'),
      },
    ]);
    expect(out.findings[0]?.line).toBeGreaterThan(1);
    expect(server.mutations).toEqual([]);
  });

  it('says a Job that opts into recreation will be deleted and recreated (a warning, not a refusal)', async () => {
    const client = await start();
    await applied(client, parse(job('train')));
    const head = parse(
      job('train', { image: 'ghcr.io/acme/train:2.0.0', annotations: { 'ferry.dev/recreate': 'enabled' } }),
    );
    const out = await dryRunObjects({ client, resources: head, concurrency: 4, target: TARGET });
    expect(out.findings.map((f) => [f.severity, f.message])).toEqual([
      [
        'warning',
        'merging will delete and recreate it: spec.template cannot change in place (ferry.dev/recreate: enabled)',
      ],
    ]);
  });

  it('reports a webhook denial in Ferry’s words and keeps the webhook’s message', async () => {
    const client = await start({
      admission: [
        {
          name: 'validate.kyverno.svc',
          sideEffects: 'None',
          rules: [{ apiGroups: ['apps'], resources: ['deployments'], operations: ['CREATE', 'UPDATE'] }],
          review: ({ object }) =>
            JSON.stringify(object).includes(':latest')
              ? { message: 'validation error: images must use a pinned tag. rule require-tag failed' }
              : true,
        },
      ],
    });
    const head = parse(
      `${deployment('api', { image: 'ghcr.io/acme/server:latest' })}---\n${deployment('ok')}`,
    );
    const out = await dryRunObjects({ client, resources: head, concurrency: 4, target: TARGET });
    expect(out.checked).toBe(2);
    expect(out.findings).toMatchObject([
      {
        severity: 'error',
        resource: 'Deployment ml/api',
        message:
          'merging will fail: admission webhook validate.kyverno.svc refuses it: validation error: images must use a pinned tag. rule require-tag failed',
        detail:
          'deployments.apps "api" is forbidden: admission webhook "validate.kyverno.svc" denied the request: validation error: images must use a pinned tag. rule require-tag failed',
      },
    ]);
    expect(server.mutations).toEqual([]);
  });

  it('reports an exceeded quota with what was requested, used and limited', async () => {
    const client = await start();
    server.put({
      apiVersion: 'v1',
      kind: 'ResourceQuota',
      metadata: { name: 'objects', namespace: 'ml' },
      spec: { hard: { configmaps: '1' } },
    });
    await applied(client, parse(configMap('existing')));
    const head = parse(`${configMap('existing')}---\n${configMap('extra')}`);
    const out = await dryRunObjects({ client, resources: head, concurrency: 1, target: TARGET });
    expect(out.findings).toMatchObject([
      {
        severity: 'error',
        resource: 'ConfigMap ml/extra',
        message:
          'merging will fail: it exceeds the quota objects of its namespace (requested configmaps=1, used configmaps=1, limited configmaps=1)',
        detail: expect.stringContaining('exceeded quota: objects'),
      },
    ]);
    expect(server.mutations).toEqual([]);
  });

  it('says an object was not checked when a webhook with side effects cannot dry-run', async () => {
    const client = await start({
      admission: [
        {
          name: 'audit.example.com',
          sideEffects: 'Unknown',
          rules: [{ kinds: ['ConfigMap'], operations: ['CREATE', 'UPDATE'] }],
          review: () => true,
        },
      ],
    });
    const out = await dryRunObjects({ client, resources: parse(configMap('c')), concurrency: 4 });
    expect(out.findings.map((f) => [f.severity, f.message, f.detail])).toEqual([
      [
        'warning',
        'not checked: webhook audit.example.com has side effects and cannot dry-run',
        'admission webhook "audit.example.com" does not support dry run',
      ],
    ]);
  });

  it('warns that merging takes fields over from another manager, then checks the rest with force', async () => {
    const client = await start();
    await applied(client, parse(deployment('api', { replicas: 2 })));
    await client.mergePatch(
      { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'ml', name: 'api' },
      { spec: { replicas: 5 } },
      { fieldManager: 'kubectl-edit' },
    );
    server.mutations.length = 0;
    const head = parse(deployment('api', { replicas: 2 }));
    const out = await dryRunObjects({ client, resources: head, concurrency: 4, target: TARGET });
    expect(out.findings).toMatchObject([
      {
        severity: 'warning',
        message: 'merging takes over spec.replicas from kubectl-edit',
        line: head[0]?.lines?.lineOf('/spec/replicas'),
        detail: expect.stringContaining('conflict with "kubectl-edit"'),
      },
    ]);
    const forced = server.requests.filter((r) => r.query.force === 'true' && r.query.dryRun === 'All');
    expect(forced).toHaveLength(1);
    expect(server.mutations).toEqual([]);
  });

  it('sends an object an autoscaler of the head scales with its live replicas, as the merge will', async () => {
    const client = await start();
    const hpa = stringify({
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'api' },
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'api' },
        minReplicas: 2,
        maxReplicas: 8,
      },
    });
    await applied(client, parse(`${deployment('api', { replicas: 2 })}---\n${hpa}`));
    await client.mergePatch(
      { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'ml', name: 'api' },
      { spec: { replicas: 6 } },
      { fieldManager: 'kube-controller-manager' },
    );
    server.mutations.length = 0;
    const head = parse(
      `${deployment('api', { replicas: 2, image: 'ghcr.io/acme/server:1.1.0' })}---\n${hpa}`,
    );
    const out = await dryRunObjects({ client, resources: head, concurrency: 4, target: TARGET });
    expect(out.findings).toEqual([]);
    const sent = server.requests.find((r) => r.query.dryRun === 'All' && r.resource === 'deployments');
    expect(JSON.stringify(sent?.body)).toContain('"replicas":6');
    expect(server.mutations).toEqual([]);
  });

  it('checks a new CRD and a new namespace but says objects that need them cannot be checked yet', async () => {
    const client = await start();
    const crd = stringify({
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'models.ml.acme.dev' },
      spec: {
        group: 'ml.acme.dev',
        scope: 'Namespaced',
        names: { plural: 'models', singular: 'model', kind: 'Model' },
        versions: [
          {
            name: 'v1',
            served: true,
            storage: true,
            schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
          },
        ],
      },
    });
    const model = stringify({ apiVersion: 'ml.acme.dev/v1', kind: 'Model', metadata: { name: 'llm' } });
    const cmInNewNamespace = configMap('c', { a: '1' }, { namespace: 'team-b' });
    const head = parse([model, crd, namespace('team-b'), cmInNewNamespace].join('---\n'));
    const out = await dryRunObjects({ client, resources: head, concurrency: 4, target: TARGET });
    expect(out.findings.map((f) => [f.severity, f.resource, f.message])).toEqual([
      ['info', 'Model ml/llm', 'not checked: its CRD is new in this revision'],
      ['info', 'ConfigMap team-b/c', 'not checked: its namespace is new in this revision'],
    ]);
    expect(out.checked).toBe(3);
    const order = server.requests.filter((r) => r.query.dryRun === 'All').map((r) => r.resource);
    expect(order).toEqual(['customresourcedefinitions', 'namespaces', 'configmaps']);
    expect(server.mutations).toEqual([]);
  });

  it('refuses a namespace that neither exists nor is created by the revision', async () => {
    const client = await start();
    const out = await dryRunObjects({
      client,
      resources: parse(configMap('c', { a: '1' }, { namespace: 'nowhere' })),
      concurrency: 4,
    });
    expect(out.findings.map((f) => f.message)).toEqual([
      'merging will fail: the namespace nowhere does not exist and this revision does not create it',
    ]);
  });

  it('never echoes a Secret value the server quotes back, in either encoding', async () => {
    const password = 'hunter2-correct-horse';
    const client = await start({
      admission: [
        {
          name: 'secrets.policy.acme.dev',
          sideEffects: 'None',
          rules: [{ kinds: ['Secret'], operations: ['CREATE', 'UPDATE'] }],
          review: ({ object }) => {
            const data = object.data as Record<string, string>;
            const plain = Buffer.from(data.password ?? '', 'base64').toString('utf8');
            return {
              message: `password "${plain}" (${data.password}) is too weak: Invalid value: "${plain}"`,
            };
          },
        },
      ],
    });
    const secret = stringify({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'db' },
      data: { password: Buffer.from(password).toString('base64') },
    });
    const out = await dryRunObjects({ client, resources: parse(secret), concurrency: 4 });
    expect(out.findings).toHaveLength(1);
    const text = JSON.stringify(out.findings);
    expect(text).toContain('is too weak');
    expect(text).not.toContain(password);
    expect(text).not.toContain(Buffer.from(password).toString('base64'));
    expect(server.mutations).toEqual([]);
  });

  it('stops at the signal and says how far it got', async () => {
    const client = await start();
    const controller = new AbortController();
    controller.abort();
    const out = await dryRunObjects({
      client,
      resources: parse(`${configMap('a')}---\n${configMap('b')}`),
      concurrency: 1,
      signal: controller.signal,
    });
    expect(out).toEqual({
      findings: [],
      checked: 0,
      state: 'timed-out',
      note: 'stopped at the deadline: 0 of 2 objects checked',
    });
  });
});
