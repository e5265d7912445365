import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FakeKubeApiServer, startKubeApiServer } from './kube-apiserver.ts';
import { loadSyncCrd } from './sync-crd.ts';

// biome-ignore lint/suspicious/noExplicitAny: wire JSON read loosely in assertions.
type Json = Record<string, any>;

let server: FakeKubeApiServer;

async function call(
  method: string,
  path: string,
  opts: { body?: unknown; type?: string; raw?: string } = {},
) {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers:
      opts.body !== undefined || opts.raw !== undefined
        ? { 'Content-Type': opts.type ?? 'application/json' }
        : {},
    body: opts.raw ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body)),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : {}) as Json, headers: res.headers };
}

const apply = (path: string, body: unknown, query = 'fieldManager=ferry') =>
  call('PATCH', `${path}?${query}`, { body, type: 'application/apply-patch+yaml' });

const cm = (name: string, data: Json = { a: '1' }, labels: Json = {}) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: 'default', labels },
  data,
});

function deployment(name: string, replicas = 1): Json {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'default' },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: 'c', image: 'nginx:1.27' }] },
      },
    },
  };
}

const CM_PATH = '/api/v1/namespaces/default/configmaps';
const DEPLOY_PATH = '/apis/apps/v1/namespaces/default/deployments';

beforeEach(async () => {
  server = await startKubeApiServer({ crds: [loadSyncCrd()], namespaces: ['default', 'ferry-system'] });
});
afterEach(() => server.close());

describe('discovery', () => {
  it('serves API groups and resource lists with namespaced flags and status subresources', async () => {
    expect((await call('GET', '/api')).body.versions).toEqual(['v1']);
    const core = (await call('GET', '/api/v1')).body;
    const byName = Object.fromEntries(core.resources.map((r: Json) => [r.name, r]));
    expect(byName.configmaps).toMatchObject({ kind: 'ConfigMap', namespaced: true });
    expect(byName.namespaces).toMatchObject({ kind: 'Namespace', namespaced: false });
    const groups = (await call('GET', '/apis')).body.groups.map((g: Json) => g.name);
    expect(groups).toEqual(expect.arrayContaining(['apps', 'batch', 'apiextensions.k8s.io', 'ferry.dev']));
    const apps = (await call('GET', '/apis/apps/v1')).body.resources.map((r: Json) => r.name);
    expect(apps).toEqual(expect.arrayContaining(['deployments', 'deployments/status', 'statefulsets']));
    expect((await call('GET', '/apis/serving.kserve.io/v1beta1')).status).toBe(404);
  });

  it('serves a CRD kind only once the CRD is Established', async () => {
    const crd = {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'inferenceservices.serving.kserve.io' },
      spec: {
        group: 'serving.kserve.io',
        scope: 'Namespaced',
        names: { kind: 'InferenceService', plural: 'inferenceservices', singular: 'inferenceservice' },
        versions: [{ name: 'v1beta1', served: true, storage: true, subresources: { status: {} } }],
      },
    };
    expect(
      (
        await apply(
          '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/inferenceservices.serving.kserve.io',
          crd,
        )
      ).status,
    ).toBe(201);
    let established = false;
    for (let i = 0; i < 200 && !established; i++) {
      const got = (
        await call(
          'GET',
          '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/inferenceservices.serving.kserve.io',
        )
      ).body;
      established = (got.status?.conditions ?? []).some(
        (c: Json) => c.type === 'Established' && c.status === 'True',
      );
      if (!established) await new Promise((r) => setTimeout(r, 5));
    }
    expect(established).toBe(true);
    const list = (await call('GET', '/apis/serving.kserve.io/v1beta1')).body.resources.map(
      (r: Json) => r.name,
    );
    expect(list).toEqual(['inferenceservices', 'inferenceservices/status']);
  });

  it('refuses a CRD whose name is not plural.group', async () => {
    const bad = {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'models' },
      spec: {
        group: 'ml.acme.dev',
        scope: 'Namespaced',
        names: { kind: 'Model', plural: 'models' },
        versions: [{ name: 'v1', served: true, storage: true }],
      },
    };
    const res = await call('POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', { body: bad });
    expect(res.status).toBe(422);
    expect(res.body.details.causes[0].field).toBe('metadata.name');
  });
});

describe('errors as Status objects', () => {
  it('answers a missing object with a NotFound Status', async () => {
    const res = await call('GET', `${DEPLOY_PATH}/nope`);
    expect(res.status).toBe(404);
    expect(res.body).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'deployments.apps "nope" not found',
      reason: 'NotFound',
      details: { name: 'nope', group: 'apps', kind: 'deployments' },
      code: 404,
    });
  });

  it('refuses malformed bodies, mismatched names and namespaces, duplicates and missing namespaces', async () => {
    expect((await call('POST', CM_PATH, { raw: '{not json' })).status).toBe(400);
    expect((await call('PUT', `${CM_PATH}/x`, { body: cm('y') })).status).toBe(400);
    const ns = await call('POST', CM_PATH, {
      body: { ...cm('x'), metadata: { name: 'x', namespace: 'other' } },
    });
    expect(ns.status).toBe(400);
    expect(ns.body.message).toMatch(/namespace of the provided object does not match/);
    expect((await call('POST', CM_PATH, { body: cm('x') })).status).toBe(201);
    const dup = await call('POST', CM_PATH, { body: cm('x') });
    expect([dup.status, dup.body.reason]).toEqual([409, 'AlreadyExists']);
    const missing = await call('POST', '/api/v1/namespaces/ghost/configmaps', {
      body: { ...cm('x'), metadata: { name: 'x' } },
    });
    expect([missing.status, missing.body.message]).toEqual([404, 'namespaces "ghost" not found']);
    expect((await call('GET', '/apis/apps/v1/namespaces/default/widgets')).status).toBe(404);
    const wrongKind = await call('POST', CM_PATH, { body: { ...cm('z'), apiVersion: 'apps/v1' } });
    expect(wrongKind.status).toBe(400);
  });

  it('validates names and label values like the real server (422)', async () => {
    const res = await call('POST', CM_PATH, { body: cm('Bad_Name') });
    expect([res.status, res.body.reason]).toEqual([422, 'Invalid']);
    const label = await call('POST', CM_PATH, { body: cm('ok', {}, { team: 'x'.repeat(64) }) });
    expect(label.status).toBe(422);
  });
});

describe('list and label selectors', () => {
  beforeEach(async () => {
    await call('POST', CM_PATH, { body: cm('a', {}, { tier: 'web', env: 'prod' }) });
    await call('POST', CM_PATH, { body: cm('b', {}, { tier: 'db', env: 'prod' }) });
    await call('POST', CM_PATH, { body: cm('c', {}, { tier: 'web' }) });
  });

  const names = async (selector: string) =>
    (await call('GET', `${CM_PATH}?labelSelector=${encodeURIComponent(selector)}`)).body.items.map(
      (i: Json) => i.metadata.name,
    );

  it.each([
    ['tier=web', ['a', 'c']],
    ['tier==web,env=prod', ['a']],
    ['tier!=web', ['b']],
    ['tier in (web,db)', ['a', 'b', 'c']],
    ['tier notin (web)', ['b']],
    ['env', ['a', 'b']],
    ['!env', ['c']],
  ])('selects %s', async (selector, expected) => {
    expect(await names(selector)).toEqual(expected);
  });

  it('refuses a malformed selector with 400', async () => {
    expect((await call('GET', `${CM_PATH}?labelSelector=${encodeURIComponent('tier in web')}`)).status).toBe(
      400,
    );
  });

  it('omits apiVersion and kind on built-in list items, pages with continue tokens', async () => {
    const page = (await call('GET', `${CM_PATH}?limit=2`)).body;
    expect(page.kind).toBe('ConfigMapList');
    expect(page.items).toHaveLength(2);
    expect(page.items[0].apiVersion).toBeUndefined();
    const rest = (await call('GET', `${CM_PATH}?limit=2&continue=${page.metadata.continue}`)).body;
    expect(rest.items.map((i: Json) => i.metadata.name)).toEqual(['c']);
  });
});

describe('watch', () => {
  async function readEvents(path: string, count: number): Promise<Json[]> {
    const controller = new AbortController();
    const res = await fetch(`${server.url}${path}`, { signal: controller.signal });
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    const events: Json[] = [];
    let buffer = '';
    while (events.length < count) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += Buffer.from(value).toString('utf8');
      let nl = buffer.indexOf('\n');
      while (nl >= 0) {
        events.push(JSON.parse(buffer.slice(0, nl)));
        buffer = buffer.slice(nl + 1);
        nl = buffer.indexOf('\n');
      }
    }
    controller.abort();
    return events;
  }

  it('streams ADDED, MODIFIED and DELETED as JSON lines and resumes from a resourceVersion', async () => {
    const created = (await call('POST', CM_PATH, { body: cm('w') })).body;
    const rv = created.metadata.resourceVersion;
    await call('PATCH', `${CM_PATH}/w`, { body: { data: { a: '2' } }, type: 'application/merge-patch+json' });
    await call('DELETE', `${CM_PATH}/w`);
    const events = await readEvents(`${CM_PATH}?watch=true&resourceVersion=${rv}`, 2);
    expect(events.map((e) => e.type)).toEqual(['MODIFIED', 'DELETED']);
    expect(events[0]?.object.data).toEqual({ a: '2' });
    expect(Number(events[1]?.object.metadata.resourceVersion)).toBeGreaterThan(Number(rv));
    expect(events[0]?.object.kind).toBe('ConfigMap');
  });

  it('sends the current objects as ADDED when no resourceVersion is given', async () => {
    await call('POST', CM_PATH, { body: cm('x', {}, { app: 'one' }) });
    await call('POST', CM_PATH, { body: cm('y', {}, { app: 'two' }) });
    const events = await readEvents(`${CM_PATH}?watch=1&labelSelector=app%3Dtwo`, 1);
    expect(events.map((e) => [e.type, e.object.metadata.name])).toEqual([['ADDED', 'y']]);
  });

  it('answers a resourceVersion older than its history with an ERROR event carrying 410 Expired', async () => {
    const created = (await call('POST', CM_PATH, { body: cm('old') })).body;
    await call('POST', CM_PATH, { body: cm('newer') });
    server.faults.compactHistory();
    const [event] = await readEvents(
      `${CM_PATH}?watch=true&resourceVersion=${created.metadata.resourceVersion}`,
      1,
    );
    expect(event).toMatchObject({ type: 'ERROR', object: { kind: 'Status', code: 410, reason: 'Expired' } });
  });
});

describe('server-side apply', () => {
  it('requires a field manager', async () => {
    const res = await call('PATCH', `${CM_PATH}/x`, { body: cm('x'), type: 'application/apply-patch+yaml' });
    expect(res.status).toBe(422);
    expect(res.body.message).toMatch(/fieldManager: Required value/);
  });

  it('creates, records the manager, and keeps the resourceVersion on a no-op apply', async () => {
    const first = await apply(`${CM_PATH}/x`, cm('x'));
    expect(first.status).toBe(201);
    expect(first.body.metadata.managedFields[0]).toMatchObject({
      manager: 'ferry',
      operation: 'Apply',
      fieldsType: 'FieldsV1',
    });
    const again = await apply(`${CM_PATH}/x`, cm('x'));
    expect(again.status).toBe(200);
    expect(again.body.metadata.resourceVersion).toBe(first.body.metadata.resourceVersion);
  });

  it('accepts YAML bodies', async () => {
    const yaml =
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: y\n  namespace: default\ndata:\n  k: v\n';
    const res = await call('PATCH', `${CM_PATH}/y?fieldManager=ferry`, {
      raw: yaml,
      type: 'application/apply-patch+yaml',
    });
    expect([res.status, res.body.data]).toEqual([201, { k: 'v' }]);
  });

  it('conflicts (409) when another manager owns a field with a different value, unless forced', async () => {
    await apply(`${CM_PATH}/x`, cm('x', { a: '1' }), 'fieldManager=kubectl');
    const conflict = await apply(`${CM_PATH}/x`, cm('x', { a: '2' }));
    expect(conflict.status).toBe(409);
    expect(conflict.body.reason).toBe('Conflict');
    expect(conflict.body.details.causes).toEqual([
      { reason: 'FieldManagerConflict', message: 'conflict with "kubectl"', field: '.data.a' },
    ]);
    const same = await apply(`${CM_PATH}/x`, cm('x', { a: '1' }));
    expect(same.status).toBe(200);
    const forced = await apply(`${CM_PATH}/x`, cm('x', { a: '2' }), 'fieldManager=ferry&force=true');
    expect([forced.status, forced.body.data]).toEqual([200, { a: '2' }]);
  });

  it('removes fields the manager stops applying, but not fields others own', async () => {
    await apply(`${CM_PATH}/x`, cm('x', { a: '1', b: '2' }));
    await call('PATCH', `${CM_PATH}/x?fieldManager=someone`, {
      body: { data: { c: '3' } },
      type: 'application/merge-patch+json',
    });
    const res = await apply(`${CM_PATH}/x`, cm('x', { a: '1' }));
    expect(res.body.data).toEqual({ a: '1', c: '3' });
  });

  it('persists nothing with dryRun=All and rejects other dryRun values', async () => {
    const dry = await apply(`${CM_PATH}/x`, cm('x'), 'fieldManager=ferry&dryRun=All');
    expect(dry.status).toBe(201);
    expect(
      server.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'default', name: 'x' }),
    ).toBeUndefined();
    expect((await apply(`${CM_PATH}/x`, cm('x'), 'fieldManager=ferry&dryRun=Yes')).status).toBe(400);
  });

  it('refuses unknown fields with fieldValidation=Strict, and drops them with a Warning otherwise', async () => {
    const typo = { ...deployment('api'), spec: { ...deployment('api').spec, replica: 3 } };
    const strict = await apply(`${DEPLOY_PATH}/api`, typo, 'fieldManager=ferry&fieldValidation=Strict');
    expect(strict.status).toBe(400);
    expect(strict.body.message).toMatch(/strict decoding error: unknown field "spec.replica"/);
    const warn = await apply(`${DEPLOY_PATH}/api`, typo);
    expect(warn.status).toBe(201);
    expect(warn.headers.get('warning')).toMatch(/unknown field \\"spec.replica\\"/);
    expect(warn.body.spec.replica).toBeUndefined();
  });

  it('refuses managedFields in the body and force on a non-apply patch', async () => {
    const body = { ...cm('x'), metadata: { name: 'x', namespace: 'default', managedFields: [] } };
    expect((await apply(`${CM_PATH}/x`, body)).status).toBe(400);
    await apply(`${CM_PATH}/x`, cm('x'));
    const merge = await call('PATCH', `${CM_PATH}/x?force=true`, {
      body: { data: {} },
      type: 'application/merge-patch+json',
    });
    expect(merge.status).toBe(400);
  });
});

describe('writes', () => {
  it('bumps generation on spec changes only, and keeps status out of main-resource writes', async () => {
    const created = (await apply(`${DEPLOY_PATH}/api`, { ...deployment('api'), status: { replicas: 9 } }))
      .body;
    expect(created.metadata.generation).toBe(1);
    expect(created.status).toBeUndefined();
    const labelled = (
      await apply(`${DEPLOY_PATH}/api`, {
        ...deployment('api'),
        metadata: { name: 'api', namespace: 'default', labels: { x: 'y' } },
      })
    ).body;
    expect(labelled.metadata.generation).toBe(1);
    const scaled = (
      await apply(`${DEPLOY_PATH}/api`, {
        ...deployment('api', 3),
        metadata: { name: 'api', namespace: 'default', labels: { x: 'y' } },
      })
    ).body;
    expect(scaled.metadata.generation).toBe(2);
    const status = await call('PUT', `${DEPLOY_PATH}/api/status`, {
      body: { ...scaled, spec: { replicas: 100 }, status: { replicas: 3 } },
    });
    expect(status.body.status).toEqual({ replicas: 3 });
    expect(status.body.spec.replicas).toBe(3);
    expect(status.body.metadata.generation).toBe(2);
  });

  it('refuses a ConfigMap or Secret holding more than 1 MiB of data with 422 Invalid on the whole object', async () => {
    const big = 'x'.repeat(1048577);
    const res = await apply(`${CM_PATH}/big`, cm('big', { blob: big }));
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({
      kind: 'Status',
      reason: 'Invalid',
      message: 'ConfigMap "big" is invalid: []: Too long: must have at most 1048576 bytes',
      details: { causes: [{ reason: 'FieldValueTooLong', field: '[]' }] },
    });
    expect((await apply(`${CM_PATH}/fits`, cm('fits', { blob: 'x'.repeat(1048576) }))).status).toBe(201);
    // A Secret's data counts decoded: 1 MiB of bytes is about 1.33 MiB of base64.
    const secret = (name: string, bytes: number) => ({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name, namespace: 'default' },
      data: { blob: Buffer.alloc(bytes, 1).toString('base64') },
    });
    const secrets = '/api/v1/namespaces/default/secrets';
    expect((await apply(`${secrets}/fits`, secret('fits', 1048576))).status).toBe(201);
    expect((await apply(`${secrets}/big`, secret('big', 1048577))).status).toBe(422);
  });

  it('refuses a write whose stored object passes etcd’s request limit with etcd’s 500, never a dry-run', async () => {
    const big = deployment('big');
    big.spec.template.spec.containers[0].args = ['x'.repeat(1_600_000)];
    const res = await apply(`${DEPLOY_PATH}/big`, big);
    expect(res.body).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'etcdserver: request is too large',
      code: 500,
    });
    expect(res.status).toBe(500);
    expect((await apply(`${DEPLOY_PATH}/big`, big, 'fieldManager=ferry&dryRun=All')).status).toBe(201);
    expect((await call('GET', `${DEPLOY_PATH}/big`)).status).toBe(404);
    big.spec.template.spec.containers[0].args = ['x'.repeat(1_400_000)];
    expect((await apply(`${DEPLOY_PATH}/big`, big)).status).toBe(201);
    // The limit is etcd's --max-request-bytes: an option.
    await server.close();
    server = await startKubeApiServer({ etcdMaxRequestBytes: 2048 });
    expect((await apply(`${CM_PATH}/small`, cm('small', { a: 'x'.repeat(1000) }))).status).toBe(201);
    expect((await apply(`${CM_PATH}/over`, cm('over', { a: 'x'.repeat(2048) }))).status).toBe(500);
  });

  it('refuses immutable-field changes with 422 Invalid and the field in the causes', async () => {
    const job = (image: string) => ({
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'train', namespace: 'default' },
      spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 't', image }] } } },
    });
    await apply('/apis/batch/v1/namespaces/default/jobs/train', job('train:1'));
    const res = await apply(
      '/apis/batch/v1/namespaces/default/jobs/train',
      job('train:2'),
      'fieldManager=ferry&force=true',
    );
    expect(res.status).toBe(422);
    expect(res.body.message).toMatch(
      /^Job.batch "train" is invalid: spec.template: Invalid value: .*field is immutable/,
    );
    expect(res.body.details.causes[0]).toMatchObject({ field: 'spec.template', reason: 'FieldValueInvalid' });

    await apply(`${DEPLOY_PATH}/api`, deployment('api'));
    const moved = deployment('api');
    moved.spec.selector = { matchLabels: { app: 'other' } };
    moved.spec.template.metadata.labels = { app: 'other' };
    expect((await apply(`${DEPLOY_PATH}/api`, moved, 'fieldManager=ferry&force=true')).status).toBe(422);
  });

  it('applies merge patches and JSON patches, and refuses strategic merge on custom resources (415)', async () => {
    await apply(`${CM_PATH}/x`, cm('x', { a: '1', b: '2' }));
    const merged = await call('PATCH', `${CM_PATH}/x`, {
      body: { data: { a: null, c: '3' } },
      type: 'application/merge-patch+json',
    });
    expect(merged.body.data).toEqual({ b: '2', c: '3' });
    const patched = await call('PATCH', `${CM_PATH}/x`, {
      body: [{ op: 'replace', path: '/data/b', value: '9' }],
      type: 'application/json-patch+json',
    });
    expect(patched.body.data).toEqual({ b: '9', c: '3' });
    const sync = {
      apiVersion: 'ferry.dev/v1alpha1',
      kind: 'Sync',
      metadata: { name: 'prod', namespace: 'ferry-system' },
      spec: { target: 'prod', repository: 'acme/models', revision: 'a'.repeat(40) },
    };
    await call('POST', '/apis/ferry.dev/v1alpha1/namespaces/ferry-system/syncs', { body: sync });
    const smp = await call('PATCH', '/apis/ferry.dev/v1alpha1/namespaces/ferry-system/syncs/prod', {
      body: { spec: {} },
      type: 'application/strategic-merge-patch+json',
    });
    expect(smp.status).toBe(415);
  });

  it('validates custom resources against their CRD schema (pattern, enum, required)', async () => {
    const path = '/apis/ferry.dev/v1alpha1/namespaces/ferry-system/syncs';
    const bad = await call('POST', path, {
      body: {
        apiVersion: 'ferry.dev/v1alpha1',
        kind: 'Sync',
        metadata: { name: 'prod' },
        spec: { target: 'prod', repository: 'acme/models', revision: 'abc' },
      },
    });
    expect(bad.status).toBe(422);
    expect(bad.body.details.causes[0].field).toBe('spec.revision');
    const unknown = await call('POST', `${path}?fieldValidation=Strict`, {
      body: {
        apiVersion: 'ferry.dev/v1alpha1',
        kind: 'Sync',
        metadata: { name: 'prod' },
        spec: { target: 'prod', repository: 'acme/models', revision: 'a'.repeat(40), extra: 1 },
      },
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.message).toMatch(/\.spec\.extra: field not declared in schema/);
  });

  it('deletes with propagation: Background takes dependents, Orphan leaves them without the owner reference', async () => {
    const owner = (await call('POST', CM_PATH, { body: cm('owner') })).body;
    const ref = [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid: owner.metadata.uid }];
    await call('POST', CM_PATH, {
      body: { ...cm('child'), metadata: { name: 'child', namespace: 'default', ownerReferences: ref } },
    });
    expect((await call('DELETE', `${CM_PATH}/owner?propagationPolicy=Sideways`)).status).toBe(400);
    expect((await call('DELETE', `${CM_PATH}/owner?propagationPolicy=Orphan`)).status).toBe(200);
    const child = server.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'default', name: 'child' });
    expect(child).toBeDefined();
    expect((child?.metadata as Json | undefined)?.ownerReferences).toEqual([]);

    const owner2 = (await call('POST', CM_PATH, { body: cm('owner2') })).body;
    await call('POST', CM_PATH, {
      body: {
        ...cm('child2'),
        metadata: {
          name: 'child2',
          namespace: 'default',
          ownerReferences: [
            { apiVersion: 'v1', kind: 'ConfigMap', name: 'owner2', uid: owner2.metadata.uid },
          ],
        },
      },
    });
    await call('DELETE', `${CM_PATH}/owner2`, { body: { propagationPolicy: 'Background' } });
    expect(
      server.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'default', name: 'child2' }),
    ).toBeUndefined();
  });

  it('holds an object with finalizers until they are removed', async () => {
    await call('POST', CM_PATH, {
      body: {
        ...cm('held'),
        metadata: { name: 'held', namespace: 'default', finalizers: ['example.com/x'] },
      },
    });
    const deleting = (await call('DELETE', `${CM_PATH}/held`)).body;
    expect(deleting.metadata.deletionTimestamp).toBeDefined();
    expect(
      server.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'default', name: 'held' }),
    ).toBeDefined();
    await call('PATCH', `${CM_PATH}/held`, {
      body: { metadata: { finalizers: null } },
      type: 'application/merge-patch+json',
    });
    expect(
      server.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'default', name: 'held' }),
    ).toBeUndefined();
  });
});

describe('auth and faults', () => {
  it('answers 401 without a known token and 403 when the authorizer says no', async () => {
    await server.close();
    server = await startKubeApiServer({ tokens: { t: 'alice' }, authorize: (a) => a.verb === 'get' });
    expect((await call('GET', `${CM_PATH}/x`)).status).toBe(401);
    const res = await fetch(`${server.url}${CM_PATH}`, {
      method: 'POST',
      headers: { Authorization: 'Bearer t', 'Content-Type': 'application/json' },
      body: JSON.stringify(cm('x')),
    });
    const body = (await res.json()) as Json;
    expect([res.status, body.message]).toEqual([
      403,
      'configmaps is forbidden: User "alice" cannot create resource "configmaps" in API group "" in the namespace "default"',
    ]);
  });

  it('injects 500s for the next matching requests, then serves normally', async () => {
    server.faults.failNext(2, { match: (r) => r.method === 'GET' });
    expect((await call('GET', `${CM_PATH}`)).body).toMatchObject({
      kind: 'Status',
      code: 500,
      reason: 'InternalError',
    });
    expect((await call('GET', `${CM_PATH}`)).status).toBe(500);
    expect((await call('GET', `${CM_PATH}`)).status).toBe(200);
  });

  it('answers the next matching requests with an HTML page, as a proxy login does', async () => {
    server.faults.pageNext(1, { code: 302 });
    const page = await fetch(`${server.url}${CM_PATH}`, { redirect: 'manual' });
    expect(page.status).toBe(302);
    expect(page.headers.get('content-type')).toBe('text/html');
    expect(await page.text()).toMatch(/^<html>/);
    expect((await call('GET', CM_PATH)).status).toBe(200);
  });

  it('answers 429 with Retry-After as API Priority and Fairness does (plain text) and as a Status', async () => {
    server.faults.throttleNext(1, { retryAfterSeconds: 3, match: (r) => r.method === 'GET' });
    const apf = await fetch(`${server.url}${CM_PATH}`);
    expect([apf.status, apf.headers.get('retry-after'), apf.headers.get('content-type')]).toEqual([
      429,
      '3',
      'text/plain; charset=utf-8',
    ]);
    expect(await apf.text()).toBe('Too many requests, please try again later.\n');
    server.faults.throttleNext(1, { retryAfterSeconds: 1, status: true });
    const status = await call('GET', CM_PATH);
    expect([status.status, status.headers.get('retry-after')]).toEqual([429, '1']);
    expect(status.body).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'storage is (re)initializing',
      reason: 'TooManyRequests',
      details: { retryAfterSeconds: 1 },
      code: 429,
    });
    expect((await call('GET', CM_PATH)).status).toBe(200);
  });

  it('drops a hung request after its delay, without answering', async () => {
    server.faults.hangNext(1, { ms: 50 });
    await expect(fetch(`${server.url}${CM_PATH}`)).rejects.toThrow();
    expect((await call('GET', CM_PATH)).status).toBe(200);
  });
});

describe('nodes and pods', () => {
  const node = (name: string, spec: Json = {}) => ({
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { 'nvidia.com/gpu.product': 'NVIDIA-H100-80GB-HBM3' } },
    spec,
  });
  const pod = (name: string, nodeName?: string) => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default' },
    spec: { ...(nodeName && { nodeName }), containers: [{ name: 'c', image: 'vllm/vllm-openai:v0.6.0' }] },
  });

  it('serves Nodes cluster-scoped with status, taints and a spec.unschedulable field selector', async () => {
    server.put(node('gpu-1', { taints: [{ key: 'nvidia.com/gpu', effect: 'NoSchedule' }] }));
    server.put(node('gpu-2', { unschedulable: true }));
    server.setStatus(
      { apiVersion: 'v1', kind: 'Node', name: 'gpu-1' },
      { allocatable: { 'nvidia.com/gpu': '8' }, capacity: { 'nvidia.com/gpu': '8' } },
    );
    const got = await call('GET', '/api/v1/nodes/gpu-1');
    expect(got.status).toBe(200);
    expect(got.body.status.allocatable).toEqual({ 'nvidia.com/gpu': '8' });
    expect(got.body.spec.taints).toEqual([{ key: 'nvidia.com/gpu', effect: 'NoSchedule' }]);
    const schedulable = await call('GET', '/api/v1/nodes?fieldSelector=spec.unschedulable%3Dfalse');
    expect(schedulable.body.items.map((n: Json) => n.metadata.name)).toEqual(['gpu-1']);
    expect((await call('GET', '/api/v1/namespaces/default/nodes')).status).toBe(404);
  });

  it('serves Pods with a status subresource and spec.nodeName and status.phase field selectors', async () => {
    server.put(pod('on-1', 'gpu-1'));
    server.put(pod('done', 'gpu-1'));
    server.put(pod('pending'));
    server.setStatus(
      { apiVersion: 'v1', kind: 'Pod', namespace: 'default', name: 'on-1' },
      { phase: 'Running' },
    );
    server.setStatus(
      { apiVersion: 'v1', kind: 'Pod', namespace: 'default', name: 'done' },
      { phase: 'Succeeded' },
    );
    server.setStatus(
      { apiVersion: 'v1', kind: 'Pod', namespace: 'default', name: 'pending' },
      { phase: 'Pending' },
    );
    const names = async (query: string) =>
      (await call('GET', `/api/v1/pods?fieldSelector=${encodeURIComponent(query)}`)).body.items.map(
        (p: Json) => p.metadata.name,
      );
    expect(await names('spec.nodeName=gpu-1')).toEqual(['done', 'on-1']);
    expect(await names('status.phase!=Succeeded,status.phase!=Failed')).toEqual(['on-1', 'pending']);
    expect(await names('spec.nodeName=')).toEqual(['pending']);
    const refused = await call('GET', '/api/v1/pods?fieldSelector=spec.image%3Dx');
    expect(refused.status).toBe(400);
    expect(refused.body.message).toBe('field label not supported: spec.image');
    // The main resource ignores status; a pod's scheduling fields cannot change once set.
    const patched = await call('PATCH', '/api/v1/namespaces/default/pods/on-1', {
      body: { status: { phase: 'Failed' }, spec: { nodeName: 'gpu-2' } },
      type: 'application/merge-patch+json',
    });
    expect(patched.status).toBe(422);
    expect(server.get({ apiVersion: 'v1', kind: 'Pod', namespace: 'default', name: 'on-1' })?.status).toEqual(
      {
        phase: 'Running',
      },
    );
  });
});

describe('validating admission', () => {
  const JOB_PATH = '/apis/batch/v1/namespaces/default/jobs';
  const job = (name: string, image = 'trainer:1') => ({
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name, namespace: 'default' },
    spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image }] } } },
  });

  async function restart(admission: NonNullable<Parameters<typeof startKubeApiServer>[0]>['admission']) {
    await server.close();
    server = await startKubeApiServer({ namespaces: ['default'], admission });
  }

  it('answers a webhook denial with the real Status, on dry-run too, and stores nothing', async () => {
    const reviewed: boolean[] = [];
    await restart([
      {
        name: 'validate.kyverno.svc',
        sideEffects: 'None',
        rules: [{ apiGroups: ['batch'], resources: ['jobs'], operations: ['CREATE', 'UPDATE'] }],
        review: ({ object, dryRun }) => {
          reviewed.push(dryRun);
          const image = String((object as Json).spec?.template?.spec?.containers?.[0]?.image);
          return image.endsWith(':latest') ? { message: 'images must be pinned' } : true;
        },
      },
    ]);
    const denied = await apply(
      `${JOB_PATH}/train`,
      job('train', 'trainer:latest'),
      'fieldManager=ferry&dryRun=All',
    );
    expect(denied.status).toBe(403);
    expect(denied.body).toMatchObject({
      kind: 'Status',
      status: 'Failure',
      reason: 'Forbidden',
      code: 403,
      message:
        'jobs.batch "train" is forbidden: admission webhook "validate.kyverno.svc" denied the request: images must be pinned',
      details: { name: 'train', group: 'batch', kind: 'jobs' },
    });
    expect((await apply(`${JOB_PATH}/train`, job('train'), 'fieldManager=ferry&dryRun=All')).status).toBe(
      201,
    );
    expect(reviewed).toEqual([true, true]);
    expect((await apply(`${CM_PATH}/x`, cm('x'))).status).toBe(201);
    expect(reviewed).toHaveLength(2);
    expect(
      server.get({ apiVersion: 'batch/v1', kind: 'Job', namespace: 'default', name: 'train' }),
    ).toBeUndefined();
  });

  it('keeps the code a webhook gives and says "without explanation" when it gives no message', async () => {
    await restart([
      {
        name: 'quiet.example.com',
        sideEffects: 'None',
        rules: [{ kinds: ['ConfigMap'], operations: ['*'] }],
        review: () => ({ code: 422 }),
      },
    ]);
    const res = await apply(`${CM_PATH}/x`, cm('x'));
    expect(res.status).toBe(422);
    expect(res.body.message).toBe(
      'configmaps "x" is forbidden: admission webhook "quiet.example.com" denied the request without explanation',
    );
  });

  it('refuses a dry-run that reaches a webhook with side effects (400) but calls it for real writes', async () => {
    let calls = 0;
    await restart([
      {
        name: 'audit.example.com',
        sideEffects: 'Some',
        rules: [{ apiGroups: [''], resources: ['configmaps'], operations: ['CREATE'] }],
        review: () => {
          calls++;
          return true;
        },
      },
    ]);
    const dry = await apply(`${CM_PATH}/x`, cm('x'), 'fieldManager=ferry&dryRun=All');
    expect(dry.status).toBe(400);
    expect(dry.body).toMatchObject({
      reason: 'BadRequest',
      message: 'admission webhook "audit.example.com" does not support dry run',
    });
    expect(calls).toBe(0);
    expect((await apply(`${CM_PATH}/x`, cm('x'))).status).toBe(201);
    expect(calls).toBe(1);
  });

  it('enforces object-count quotas at admission, dry-run included, without recording dry-run usage', async () => {
    await call('POST', '/api/v1/namespaces/default/resourcequotas', {
      body: {
        apiVersion: 'v1',
        kind: 'ResourceQuota',
        metadata: { name: 'objects', namespace: 'default' },
        spec: { hard: { configmaps: '2', 'count/jobs.batch': '1' } },
      },
    });
    expect((await apply(`${CM_PATH}/a`, cm('a'))).status).toBe(201);
    expect((await apply(`${CM_PATH}/b`, cm('b'), 'fieldManager=ferry&dryRun=All')).status).toBe(201);
    expect((await apply(`${CM_PATH}/b`, cm('b'))).status).toBe(201);
    const over = await apply(`${CM_PATH}/c`, cm('c'), 'fieldManager=ferry&dryRun=All');
    expect(over.status).toBe(403);
    expect(over.body).toMatchObject({
      reason: 'Forbidden',
      message:
        'configmaps "c" is forbidden: exceeded quota: objects, requested: configmaps=1, used: configmaps=2, limited: configmaps=2',
      details: { name: 'c', group: '', kind: 'configmaps' },
    });
    // Updating an object that exists needs no new quota.
    expect((await apply(`${CM_PATH}/a`, cm('a', { a: '2' }))).status).toBe(200);
    expect((await apply(`${JOB_PATH}/one`, job('one'))).status).toBe(201);
    const jobs = await apply(`${JOB_PATH}/two`, job('two'));
    expect(jobs.body.message).toBe(
      'jobs.batch "two" is forbidden: exceeded quota: objects, requested: count/jobs.batch=1, used: count/jobs.batch=1, limited: count/jobs.batch=1',
    );
    const quota = server.get({
      apiVersion: 'v1',
      kind: 'ResourceQuota',
      namespace: 'default',
      name: 'objects',
    });
    expect(quota?.status).toEqual({
      hard: { configmaps: '2', 'count/jobs.batch': '1' },
      used: { configmaps: '2', 'count/jobs.batch': '1' },
    });
  });
});

const resourceVersionNow = async () => Number((await call('GET', CM_PATH)).body.metadata.resourceVersion);

describe('mutations', () => {
  it('lists each client write that changed state, and none for dry-runs or no-op applies', async () => {
    await apply(`${CM_PATH}/a`, cm('a'), 'fieldManager=ferry&dryRun=All');
    await call('POST', `${CM_PATH}?dryRun=All`, { body: cm('b') });
    expect(server.mutations).toEqual([]);
    const rv = await resourceVersionNow();
    await apply(`${CM_PATH}/a`, cm('a'));
    await apply(`${CM_PATH}/a`, cm('a'));
    await call('PATCH', `${CM_PATH}/a`, { body: { data: { a: '2' } }, type: 'application/merge-patch+json' });
    await call('DELETE', `${CM_PATH}/a?dryRun=All`);
    await call('DELETE', `${CM_PATH}/a`);
    expect(server.mutations.map((m) => `${m.verb} ${m.kind} ${m.namespace}/${m.name}`)).toEqual([
      'apply ConfigMap default/a',
      'patch ConfigMap default/a',
      'delete ConfigMap default/a',
    ]);
    expect(rv).toBeLessThan(await resourceVersionNow());
  });

  it('neither bumps the resourceVersion nor emits watch events for dry-run writes', async () => {
    const created = await apply(`${CM_PATH}/a`, cm('a'));
    const before = await resourceVersionNow();
    const events: string[] = [];
    const controller = new AbortController();
    const stream = await fetch(`${server.url}${CM_PATH}?watch=true&resourceVersion=${before}`, {
      signal: controller.signal,
    });
    const reading = (async () => {
      const decoder = new TextDecoder();
      for await (const chunk of stream.body as unknown as AsyncIterable<Uint8Array>)
        events.push(...decoder.decode(chunk).split('\n').filter(Boolean));
    })().catch(() => undefined);
    const dry = await apply(`${CM_PATH}/a`, cm('a', { a: 'changed' }), 'fieldManager=ferry&dryRun=All');
    expect(dry.body.data).toEqual({ a: 'changed' });
    // The object's own version (the server's counter may have moved for another test's write meanwhile).
    expect(dry.body.metadata.resourceVersion).toBe(created.body.metadata.resourceVersion);
    await call('DELETE', `${CM_PATH}/a?dryRun=All`);
    await apply(`${CM_PATH}/marker`, cm('marker'));
    await new Promise((r) => setTimeout(r, 50));
    controller.abort();
    await reading;
    expect(events.map((e) => `${JSON.parse(e).type} ${JSON.parse(e).object.metadata.name}`)).toEqual([
      'ADDED marker',
    ]);
    const stored = server.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'default', name: 'a' });
    expect(stored?.data).toEqual({ a: '1' });
    expect((stored?.metadata as { resourceVersion?: string } | undefined)?.resourceVersion).toBe(
      created.body.metadata.resourceVersion,
    );
  });
});
