/**
 * A strict in-process Kubernetes API server for tests. It speaks the wire protocol the agent and the
 * signal use (discovery, get/list with selectors, chunked watch streams with resume and 410 Gone,
 * server-side apply with field managers and conflicts, merge and JSON patches, status subresource,
 * delete with propagation) and refuses what a real server refuses, with real `Status` bodies.
 * It runs no controllers unless a test gives it some (`controllers`), and it can inject faults.
 */

import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import {
  type AdmissionOperation,
  type AdmissionWebhook,
  checkQuotas,
  quotaUsage,
  runWebhooks,
} from './admission.ts';
import {
  ApiError,
  badRequest,
  forbidden,
  internalError,
  methodNotAllowed,
  notFound,
  tooManyRequests,
  unauthorized,
  unsupportedMediaType,
} from './api-status.ts';
import { ApplyConflictError, applyFields } from './field-ownership.ts';
import { fieldLabelValue, matchesLabels, parseFieldSelector, parseLabelSelector } from './label-selector.ts';
import {
  type FieldValidation,
  type Obj,
  ObjectStore,
  resourceKeyOf,
  type StoredObject,
  type StoreEvent,
  type WriteOptions,
} from './object-store.ts';
import { jsonPatch, mergePatch } from './patches.ts';
import { builtInTypes, type ResourceType, typesFromCrd } from './resource-types.ts';

export interface RequestAttributes {
  user: string;
  verb: string;
  group: string;
  resource: string;
  subresource: string;
  namespace: string;
  name: string;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  contentType: string;
  /** RBAC verb for resource requests (`get`, `list`, `watch`, `create`, `patch`, ...). */
  verb?: string;
  resource?: string;
  subresource?: string;
  namespace?: string;
  name?: string;
  user?: string;
  /** process.hrtime.bigint() when the request arrived, for latency figures. */
  at: bigint;
  body?: unknown;
  status?: number;
}

/** One write a client made that changed what the server stores (dry-runs and no-op writes are not). */
export interface Mutation {
  verb: 'create' | 'update' | 'patch' | 'apply' | 'delete';
  apiVersion: string;
  kind: string;
  namespace: string;
  name: string;
  subresource: string;
}

/** Simulates a controller: given the object just written, returns the status it would set (or undefined). */
export type Controller = (object: Obj) => Obj | undefined;

export interface KubeApiServerOptions {
  /** CustomResourceDefinitions installed (and established) at start, e.g. the Sync CRD. */
  crds?: Obj[];
  /** Namespaces that exist at start (default: default, kube-system, kube-public). */
  namespaces?: string[];
  /** Accepted bearer tokens → user names. When set, requests without a known token get 401. */
  tokens?: Record<string, string>;
  /** Token check for tokens not in `tokens` (e.g. EKS IAM tokens): return the user, or undefined for 401. */
  authenticate?: (token: string) => string | undefined;
  /** RBAC stand-in: return false to refuse with 403. */
  authorize?: (attrs: RequestAttributes) => boolean;
  /** Controllers by kind, run after each write to the main resource. */
  controllers?: Record<string, Controller>;
  /** Delay before a new CRD is Established and its kinds are served (default 20 ms). */
  establishDelayMs?: number;
  /** Watch events kept for resuming (default 1000); older resourceVersions get 410 Gone. */
  watchHistory?: number;
  /** Keep request bodies in `requests` (default true; the bench turns it off). */
  recordBodies?: boolean;
  /** Serve HTTPS with this key and certificate (see ./tls) instead of plain HTTP. */
  tls?: { key: string; cert: string };
  /** Validating admission webhooks, called in order on client writes (dry-run included). */
  admission?: AdmissionWebhook[];
  /**
   * etcd's `--max-request-bytes` (default 1.5 MiB, 1572864): a write whose object as stored is larger
   * gets etcd's `500 etcdserver: request is too large`, as under the API server's 3 MiB body limit.
   */
  etcdMaxRequestBytes?: number;
}

export interface FakeKubeApiServer {
  url: string;
  requests: RecordedRequest[];
  /**
   * Every client write (create, update, patch, apply, delete, status) that changed stored state, in
   * order: a test proves a dry-run changed nothing by finding this empty. Server-side consequences
   * (controllers, cascades, quota status) are not listed.
   */
  mutations: Mutation[];
  /** Called for every request as it arrives (after recording, before handling). */
  onRequest: ((request: RecordedRequest) => void) | undefined;
  close(): Promise<void>;
  /** A kubeconfig (YAML) pointing at this server over plain HTTP. */
  kubeconfig(opts?: { token?: string; namespace?: string }): string;
  faults: {
    /**
     * The next `count` matching requests fail with `code` (default 500) and a Status body; `message`
     * and `reason` ('' for none, as an etcd error such as `etcdserver: leader changed` reaches the client)
     * default to an injected failure's.
     */
    failNext(
      count: number,
      opts?: { code?: number; message?: string; reason?: string; match?: (r: RecordedRequest) => boolean },
    ): void;
    /** The next `count` matching requests get no answer; the connection is dropped after `ms` (default 30 s). */
    hangNext(count: number, opts?: { ms?: number; match?: (r: RecordedRequest) => boolean }): void;
    /**
     * The next `count` matching requests get an HTML page (`body`, default a login page) with `code`
     * (default 200), as a proxy's login or a web server at a wrong address answers.
     */
    pageNext(
      count: number,
      opts?: { code?: number; body?: string; match?: (r: RecordedRequest) => boolean },
    ): void;
    /**
     * The next `count` matching requests get 429 with `Retry-After: retryAfterSeconds`. As API Priority
     * and Fairness rejects a request (filters/priority-and-fairness.go → tooManyRequests: a plain-text
     * `Too many requests, please try again later.`), or with `status: true` as a Status error
     * (NewTooManyRequests: reason TooManyRequests, details.retryAfterSeconds, the header from
     * ErrorNegotiated), e.g. `storage is (re)initializing` from the watch cache.
     */
    throttleNext(
      count: number,
      opts: { retryAfterSeconds: number; status?: boolean; match?: (r: RecordedRequest) => boolean },
    ): void;
    /** Ends every open watch stream (as an API server restart or a load balancer timeout does). */
    dropWatches(): void;
    /** Forget watch history: resuming from any earlier resourceVersion now gets 410 Gone. */
    compactHistory(): void;
  };
  get(ref: { apiVersion: string; kind: string; namespace?: string; name: string }): Obj | undefined;
  list(ref: { apiVersion: string; kind: string; namespace?: string }): Obj[];
  /** Creates or replaces an object directly (manager `test`), bypassing auth and faults. */
  put(object: Obj): Obj;
  /** Sets `.status` as a controller would (status subresource semantics). */
  setStatus(ref: { apiVersion: string; kind: string; namespace?: string; name: string }, status: Obj): Obj;
  remove(ref: { apiVersion: string; kind: string; namespace?: string; name: string }): void;
}

interface Fault {
  kind: 'fail' | 'hang' | 'page' | 'throttle' | 'throttle-status';
  remaining: number;
  code: number;
  ms: number;
  /** The HTML a `page` fault answers with, or a `fail` fault's message. */
  body?: string;
  /** A `fail` fault's reason. */
  reason?: string;
  match: ((r: RecordedRequest) => boolean) | undefined;
}

const here = dirname(fileURLToPath(import.meta.url));

/** Test-only TLS material (see ./tls/README.md), read when a test asks for it. */
export function readTestTls(): { key: string; cert: string; ca: string } {
  return {
    key: readFileSync(join(here, 'tls', 'server.key'), 'utf8'),
    cert: readFileSync(join(here, 'tls', 'server.crt'), 'utf8'),
    ca: readFileSync(join(here, 'tls', 'ca.crt'), 'utf8'),
  };
}

const MAX_BODY_BYTES = 3 * 1024 * 1024;
const VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
const PATCH_TYPES = new Set([
  'application/apply-patch+yaml',
  'application/merge-patch+json',
  'application/json-patch+json',
  'application/strategic-merge-patch+json',
]);

interface Route {
  type: ResourceType;
  namespace: string;
  name: string;
  subresource: string;
}

function isMap(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function meta(obj: Obj): Obj {
  if (!isMap(obj.metadata)) obj.metadata = {};
  return obj.metadata as Obj;
}

function apiVersionOf(type: ResourceType): string {
  return type.group ? `${type.group}/${type.version}` : type.version;
}

function send(res: ServerResponse, code: number, body: unknown, warnings: string[] = []): void {
  const headers: Record<string, string | string[]> = { 'Content-Type': 'application/json' };
  if (warnings.length > 0) headers.Warning = warnings;
  res.writeHead(code, headers);
  res.end(JSON.stringify(body));
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) {
      throw new ApiError({
        code: 413,
        reason: 'RequestEntityTooLarge',
        message: 'Request entity too large: limit is 3145728',
      });
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function parseJsonBody(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw badRequest(
      `couldn't get version/kind; json parse error: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
}

export async function startKubeApiServer(options: KubeApiServerOptions = {}): Promise<FakeKubeApiServer> {
  const store = new ObjectStore(options.watchHistory ?? 1000, options.etcdMaxRequestBytes);
  const served = new Map<string, Map<string, ResourceType>>(); // "group/version" → plural → type
  const requests: RecordedRequest[] = [];
  const mutations: Mutation[] = [];
  const mutated = (r: Route, verb: Mutation['verb']) =>
    mutations.push({
      verb,
      apiVersion: apiVersionOf(r.type),
      kind: r.type.kind,
      namespace: r.namespace,
      name: r.name,
      subresource: r.subresource,
    });
  const faults: Fault[] = [];
  const watches = new Set<ServerResponse>();
  const recordBodies = options.recordBodies ?? true;
  const establishDelay = options.establishDelayMs ?? 20;
  const timers = new Set<NodeJS.Timeout>();
  let closed = false;

  const serve = (type: ResourceType) => {
    const gv = `${type.group}/${type.version}`;
    const map = served.get(gv) ?? new Map<string, ResourceType>();
    map.set(type.plural, type);
    served.set(gv, map);
  };
  const unserve = (type: ResourceType) => {
    served.get(`${type.group}/${type.version}`)?.delete(type.plural);
    if (served.get(`${type.group}/${type.version}`)?.size === 0)
      served.delete(`${type.group}/${type.version}`);
  };
  for (const t of builtInTypes()) serve(t);

  const typeByKind = (apiVersion: string, kind: string): ResourceType => {
    const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
    for (const t of served.get(`${group}/${version}`)?.values() ?? []) if (t.kind === kind) return t;
    throw new Error(`fake kube-apiserver: ${apiVersion} ${kind} is not served`);
  };

  const later = (ms: number, fn: () => void) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      if (!closed) fn();
    }, ms);
    timers.add(timer);
  };

  const plainWrite = (): WriteOptions => ({ dryRun: false, fieldValidation: 'Ignore', warnings: [] });

  const quotaType = () => typeByKind('v1', 'ResourceQuota');

  /** As the quota controller does: each quota's status says its hard limits and the namespace's usage. */
  const refreshQuotas = (namespace: string) => {
    if (!namespace) return;
    for (const quota of store.list(quotaType(), namespace)) {
      const hard = (((quota.object.spec ?? {}) as Obj).hard ?? {}) as Record<string, unknown>;
      const used: Record<string, string> = {};
      for (const type of new Set([...served.values()].flatMap((m) => [...m.values()]))) {
        if (!type.namespaced) continue;
        const usage = quotaUsage(
          type,
          store.list(type, namespace).map((o) => o.object),
        );
        for (const [key, value] of Object.entries(usage)) if (key in hard) used[key] = String(value);
      }
      const status = { hard, used };
      if (JSON.stringify(quota.object.status) === JSON.stringify(status)) continue;
      store.write({
        type: quota.type,
        namespace,
        name: String(meta(quota.object).name),
        next: { status },
        managers: quota.managers,
        subresource: 'status',
        updateManager: 'resourcequota-controller',
        write: plainWrite(),
      });
    }
  };

  /** After-write hooks: CRDs become Established (and their kinds served); controllers set status. */
  const afterWrite = (stored: StoredObject) => {
    const type = stored.type;
    const name = String(meta(stored.object).name);
    const namespace = String(meta(stored.object).namespace ?? '');
    if (type.namespaced) refreshQuotas(namespace);
    if (type.kind === 'CustomResourceDefinition' && type.group === 'apiextensions.k8s.io') {
      later(establishDelay, () => {
        const current = store.get(type, '', name);
        if (!current) return;
        for (const t of typesFromCrd(current.object)) serve(t);
        const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
        const spec = (current.object.spec ?? {}) as Obj;
        store.write({
          type,
          namespace: '',
          name,
          next: {
            status: {
              acceptedNames: spec.names,
              conditions: [
                {
                  type: 'NamesAccepted',
                  status: 'True',
                  reason: 'NoConflicts',
                  message: 'no conflicts found',
                  lastTransitionTime: now,
                },
                {
                  type: 'Established',
                  status: 'True',
                  reason: 'InitialNamesAccepted',
                  message: 'the initial names have been accepted',
                  lastTransitionTime: now,
                },
              ],
              // Every version objects were ever stored in, until a migration removes it (the API
              // server adds the storage version and never drops one itself).
              storedVersions: [
                ...new Set([
                  ...((((current.object.status ?? {}) as Obj).storedVersions ?? []) as string[]),
                  ...((spec.versions ?? []) as Obj[]).filter((v) => v.storage).map((v) => String(v.name)),
                ]),
              ],
            },
          },
          managers: current.managers,
          subresource: 'status',
          updateManager: 'kube-apiserver',
          write: plainWrite(),
        });
      });
    }
    const controller = options.controllers?.[type.kind];
    if (controller) {
      later(1, () => {
        const current = store.get(type, namespace, name);
        if (!current) return;
        const status = controller(store.render(current));
        if (!status) return;
        store.write({
          type,
          namespace,
          name,
          next: { status },
          managers: current.managers,
          subresource: 'status',
          updateManager: `${type.kind.toLowerCase()}-controller`,
          write: plainWrite(),
        });
      });
    }
  };

  const afterDelete = (stored: StoredObject) => {
    if (stored.type.namespaced) refreshQuotas(String(meta(stored.object).namespace ?? ''));
    if (stored.type.kind === 'CustomResourceDefinition' && stored.type.group === 'apiextensions.k8s.io') {
      for (const t of typesFromCrd(stored.object)) {
        for (const cr of store.list(t))
          store.remove({ stored: cr, propagationPolicy: 'Background', dryRun: false });
        unserve(t);
      }
    }
  };

  for (const ns of options.namespaces ?? ['default', 'kube-system', 'kube-public']) {
    store.create({
      type: typeByKind('v1', 'Namespace'),
      namespace: '',
      body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } },
      manager: 'kube-apiserver',
      write: plainWrite(),
    });
  }
  for (const crd of options.crds ?? []) {
    const stored = store.create({
      type: typeByKind('apiextensions.k8s.io/v1', 'CustomResourceDefinition'),
      namespace: '',
      body: structuredClone(crd),
      manager: 'kubectl',
      write: plainWrite(),
    });
    // Installed CRDs are served at once (the test starts with them established).
    for (const t of typesFromCrd(stored.object)) serve(t);
    afterWrite(stored);
  }

  // ---- discovery ---------------------------------------------------------------------------------------

  const resourceList = (groupVersion: string, types: Iterable<ResourceType>) => ({
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion,
    resources: [...types].flatMap((t) => {
      const main: Obj = {
        name: t.plural,
        singularName: t.singular,
        namespaced: t.namespaced,
        kind: t.kind,
        verbs: VERBS,
      };
      if (t.shortNames) main.shortNames = t.shortNames;
      const out: Obj[] = [main];
      if (t.hasStatus)
        out.push({
          name: `${t.plural}/status`,
          singularName: '',
          namespaced: t.namespaced,
          kind: t.kind,
          verbs: ['get', 'patch', 'update'],
        });
      return out;
    }),
  });

  const groups = () => {
    const byGroup = new Map<string, string[]>();
    for (const gv of served.keys()) {
      const [group = '', version = ''] = gv.split('/');
      if (group === '') continue;
      byGroup.set(group, [...(byGroup.get(group) ?? []), version]);
    }
    return [...byGroup.entries()].map(([name, versions]) => ({
      name,
      versions: versions.map((v) => ({ groupVersion: `${name}/${v}`, version: v })),
      preferredVersion: { groupVersion: `${name}/${versions[0]}`, version: versions[0] },
    }));
  };

  const discovery = (segments: string[]): unknown | undefined => {
    if (segments.length === 1 && segments[0] === 'api')
      return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [] };
    if (segments.length === 2 && segments[0] === 'api' && segments[1] === 'v1')
      return resourceList('v1', served.get('/v1')?.values() ?? []);
    if (segments.length === 1 && segments[0] === 'apis')
      return { kind: 'APIGroupList', apiVersion: 'v1', groups: groups() };
    if (segments.length === 2 && segments[0] === 'apis') {
      const group = groups().find((g) => g.name === segments[1]);
      if (!group) throw notFound({ plural: '', group: '', name: segments[1] ?? '' });
      return { kind: 'APIGroup', apiVersion: 'v1', ...group };
    }
    if (segments.length === 3 && segments[0] === 'apis') {
      const types = served.get(`${segments[1]}/${segments[2]}`);
      if (!types)
        throw new ApiError({
          code: 404,
          reason: 'NotFound',
          message: 'the server could not find the requested resource',
        });
      return resourceList(`${segments[1]}/${segments[2]}`, types.values());
    }
    if (segments.length === 1 && segments[0] === 'version') {
      return { major: '1', minor: '34', gitVersion: 'v1.34.0-ferry-fake', platform: 'linux/amd64' };
    }
    return undefined;
  };

  // ---- routing -----------------------------------------------------------------------------------------

  const route = (segments: string[]): Route => {
    let group: string;
    let version: string;
    let rest: string[];
    if (segments[0] === 'api' && segments[1] === 'v1') {
      group = '';
      version = 'v1';
      rest = segments.slice(2);
    } else if (segments[0] === 'apis' && segments.length >= 4) {
      group = segments[1] ?? '';
      version = segments[2] ?? '';
      rest = segments.slice(3);
    } else {
      throw new ApiError({
        code: 404,
        reason: 'NotFound',
        message: 'the server could not find the requested resource',
      });
    }
    const types = served.get(`${group}/${version}`);
    const missing = () =>
      new ApiError({
        code: 404,
        reason: 'NotFound',
        message: 'the server could not find the requested resource',
      });
    if (!types) throw missing();
    if (rest[0] === 'namespaces' && rest.length >= 3) {
      const t = types.get(rest[2] ?? '');
      if (t?.namespaced) {
        if (rest.length > 5) throw missing();
        return { type: t, namespace: rest[1] ?? '', name: rest[3] ?? '', subresource: rest[4] ?? '' };
      }
    }
    const t = types.get(rest[0] ?? '');
    if (!t || rest.length > 3) throw missing();
    return { type: t, namespace: '', name: rest[1] ?? '', subresource: rest[2] ?? '' };
  };

  const verbOf = (method: string, r: Route, query: URLSearchParams): string => {
    if (method === 'GET') {
      if (r.name) return 'get';
      return query.get('watch') === 'true' || query.get('watch') === '1' ? 'watch' : 'list';
    }
    if (method === 'POST') return 'create';
    if (method === 'PUT') return 'update';
    if (method === 'PATCH') return 'patch';
    if (method === 'DELETE') return r.name ? 'delete' : 'deletecollection';
    return method.toLowerCase();
  };

  /** Validating admission for a client write: webhooks first, then ResourceQuota (the plugin order). */
  const admitWith =
    (dryRun: boolean): NonNullable<WriteOptions['admit']> =>
    (a) => {
      const attrs = {
        type: a.type,
        subresource: a.subresource,
        operation: (a.previous ? 'UPDATE' : 'CREATE') as AdmissionOperation,
        object: a.next,
        oldObject: a.previous,
        namespace: a.namespace,
        name: a.name,
        dryRun,
      };
      runWebhooks(options.admission ?? [], attrs);
      if (!a.type.namespaced) return;
      checkQuotas({
        quotas: store.list(quotaType(), a.namespace).map((q) => q.object),
        attrs,
        objects: store.list(a.type, a.namespace).map((o) => o.object),
      });
    };

  const writeOptions = (query: URLSearchParams): WriteOptions => {
    const dryRun = query.getAll('dryRun');
    for (const d of dryRun)
      if (d !== 'All') throw badRequest(`Invalid value: "${d}": valid values are: [All]`);
    const fv = query.get('fieldValidation') ?? 'Warn';
    if (!['Strict', 'Warn', 'Ignore'].includes(fv)) {
      throw badRequest(
        `fieldValidation: Unsupported value: "${fv}": supported values: "Ignore", "Strict", "Warn"`,
      );
    }
    const isDryRun = dryRun.length > 0;
    return {
      dryRun: isDryRun,
      fieldValidation: fv as FieldValidation,
      warnings: [],
      admit: admitWith(isDryRun),
    };
  };

  const checkBodyIdentity = (r: Route, body: Obj, requireName: boolean) => {
    const expected = apiVersionOf(r.type);
    if (typeof body.apiVersion !== 'string' || body.apiVersion === '')
      throw badRequest("Object 'apiVersion' is missing in the request body");
    if (typeof body.kind !== 'string' || body.kind === '')
      throw badRequest("Object 'Kind' is missing in the request body");
    if (body.apiVersion !== expected) {
      throw badRequest(
        `the API version in the data (${body.apiVersion}) does not match the expected API version (${expected})`,
      );
    }
    if (body.kind !== r.type.kind)
      throw badRequest(
        `the kind in the data (${body.kind}) does not match the expected kind (${r.type.kind})`,
      );
    const m = meta(body);
    if (r.type.namespaced && m.namespace !== undefined && m.namespace !== '' && m.namespace !== r.namespace) {
      throw badRequest(
        'the namespace of the provided object does not match the namespace sent on the request',
      );
    }
    if (requireName && m.name !== r.name) {
      throw badRequest(
        `the name of the object (${String(m.name ?? '')}) does not match the name on the URL (${r.name})`,
      );
    }
  };

  const managerOf = (req: IncomingMessage, query: URLSearchParams): string => {
    const explicit = query.get('fieldManager');
    if (explicit) {
      if (explicit.length > 128) throw badRequest('fieldManager: Too long: may not be more than 128 bytes');
      return explicit;
    }
    // Real servers default the manager to the User-Agent's product name.
    return (req.headers['user-agent'] ?? 'unknown').split('/')[0] || 'unknown';
  };

  const listObjects = (r: Route, query: URLSearchParams): StoredObject[] => {
    const labels = parseLabelSelector(query.get('labelSelector') ?? '');
    const fields = parseFieldSelector(query.get('fieldSelector') ?? '', r.type.fieldLabels);
    return store
      .list(r.type, r.type.namespaced && r.namespace ? r.namespace : undefined)
      .filter((s) => matches(s.object, labels, fields));
  };

  const matches = (
    object: Obj,
    labels: ReturnType<typeof parseLabelSelector>,
    fields: ReturnType<typeof parseFieldSelector>,
  ): boolean => {
    const m = meta(object);
    if (!matchesLabels(labels, (m.labels ?? {}) as Record<string, string>)) return false;
    return fields.every((f) => {
      const actual = fieldLabelValue(object, f.field);
      return f.op === 'eq' ? actual === f.value : actual !== f.value;
    });
  };

  /** Built-in list items carry no apiVersion/kind on a real server; custom resources do. */
  const listItem = (s: StoredObject, type: ResourceType): Obj => {
    const o = store.render(s, type);
    if (type.builtIn) {
      delete o.apiVersion;
      delete o.kind;
    }
    return o;
  };

  const handleList = (r: Route, query: URLSearchParams, res: ServerResponse) => {
    const items = listObjects(r, query);
    const limit = Number(query.get('limit') ?? 0);
    let start = 0;
    const cont = query.get('continue');
    if (cont) {
      start = Number(Buffer.from(cont, 'base64url').toString('utf8'));
      if (!Number.isInteger(start) || start < 0) throw badRequest('continue key is not valid');
    }
    const page = limit > 0 ? items.slice(start, start + limit) : items.slice(start);
    const listMeta: Obj = { resourceVersion: String(store.resourceVersion) };
    if (limit > 0 && start + limit < items.length) {
      listMeta.continue = Buffer.from(String(start + limit)).toString('base64url');
      listMeta.remainingItemCount = items.length - start - limit;
    }
    send(res, 200, {
      kind: `${r.type.kind}List`,
      apiVersion: apiVersionOf(r.type),
      metadata: listMeta,
      items: page.map((s) => listItem(s, r.type)),
    });
  };

  const handleWatch = (r: Route, query: URLSearchParams, res: ServerResponse) => {
    const labels = parseLabelSelector(query.get('labelSelector') ?? '');
    const fields = parseFieldSelector(query.get('fieldSelector') ?? '', r.type.fieldLabels);
    const inScope = (o: Obj) => !r.type.namespaced || !r.namespace || meta(o).namespace === r.namespace;
    const resource = resourceKeyOf(r.type);
    const rvParam = query.get('resourceVersion') ?? '';
    let replay: StoreEvent[] = [];
    if (rvParam !== '' && rvParam !== '0') {
      const rv = Number(rvParam);
      if (!Number.isInteger(rv)) throw badRequest(`invalid resource version: ${rvParam}`);
      try {
        replay = store.eventsSince(resource, rv);
      } catch (err) {
        if (!(err instanceof ApiError) || err.code !== 410) throw err;
        // As the watch cache does (newErrWatcher): 200, then one ERROR event carrying the 410 Status.
        res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' });
        res.end(`${JSON.stringify({ type: 'ERROR', object: err.toStatus() })}\n`);
        return;
      }
    }
    res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' });
    res.flushHeaders();
    watches.add(res);
    const write = (type: string, object: Obj) => {
      res.write(`${JSON.stringify({ type, object })}\n`);
    };
    const deliver = (event: StoreEvent) => {
      if (event.resource !== resource) return;
      const now = inScope(event.object) && matches(event.object, labels, fields);
      const before =
        event.previous !== undefined && inScope(event.previous) && matches(event.previous, labels, fields);
      const object = { ...event.object, apiVersion: apiVersionOf(r.type), kind: r.type.kind };
      if (event.type === 'DELETED') {
        if (before || now) write('DELETED', object);
      } else if (now && !before) write('ADDED', object);
      else if (now && before) write('MODIFIED', object);
      else if (!now && before) write('DELETED', object);
    };
    if (rvParam === '' || rvParam === '0') {
      for (const s of listObjects(r, query)) write('ADDED', store.render(s, r.type));
    } else {
      for (const e of replay) deliver(e);
    }
    const unsubscribe = store.subscribe(deliver);
    const timeout = Number(query.get('timeoutSeconds') ?? 0);
    let timer: NodeJS.Timeout | undefined;
    if (timeout > 0) timer = setTimeout(() => res.end(), timeout * 1000);
    res.on('close', () => {
      unsubscribe();
      watches.delete(res);
      if (timer) clearTimeout(timer);
    });
  };

  const handleCreate = async (
    r: Route,
    req: IncomingMessage,
    query: URLSearchParams,
    res: ServerResponse,
    text: string,
  ) => {
    if (r.name) throw methodNotAllowed();
    const body = parseJsonBody(text);
    if (!isMap(body)) throw badRequest('the body of the request must be an object');
    checkBodyIdentity(r, body, false);
    const write = writeOptions(query);
    const stored = store.create({
      type: r.type,
      namespace: r.namespace,
      body,
      manager: managerOf(req, query),
      write,
    });
    if (!write.dryRun) {
      mutated({ ...r, name: String(meta(stored.object).name) }, 'create');
      afterWrite(stored);
    }
    send(res, 201, store.render(stored, r.type), write.warnings);
  };

  const handleReplace = (
    r: Route,
    req: IncomingMessage,
    query: URLSearchParams,
    res: ServerResponse,
    text: string,
  ) => {
    if (!r.name) throw methodNotAllowed();
    if (r.subresource && r.subresource !== 'status')
      throw notFound({ plural: `${r.type.plural}/${r.subresource}`, group: r.type.group, name: r.name });
    if (r.subresource === 'status' && !r.type.hasStatus)
      throw notFound({ plural: `${r.type.plural}/status`, group: r.type.group, name: r.name });
    const body = parseJsonBody(text);
    if (!isMap(body)) throw badRequest('the body of the request must be an object');
    checkBodyIdentity(r, body, true);
    const current = store.get(r.type, r.namespace, r.name);
    if (!current) throw notFound({ plural: r.type.plural, group: r.type.group, name: r.name });
    store.checkResourceVersion(current, body);
    const write = writeOptions(query);
    const result = store.write({
      type: r.type,
      namespace: r.namespace,
      name: r.name,
      next: body,
      managers: current.managers,
      ...(r.subresource === 'status' ? { subresource: 'status' as const } : {}),
      updateManager: managerOf(req, query),
      write,
    });
    if (!write.dryRun && result.changed) mutated(r, 'update');
    if (!write.dryRun && result.changed && r.subresource !== 'status') afterWrite(result.stored);
    // A dry-run that drops the last finalizer must not delete the object.
    if (!write.dryRun) releaseIfFinalized(result.stored);
    send(res, 200, store.render(result.stored, r.type), write.warnings);
  };

  /** An object marked for deletion goes away once its finalizers are gone. */
  const releaseIfFinalized = (stored: StoredObject) => {
    const m = meta(stored.object);
    if (m.deletionTimestamp && (!Array.isArray(m.finalizers) || m.finalizers.length === 0)) {
      const current = store.get(stored.type, String(m.namespace ?? ''), String(m.name));
      if (current) {
        store.remove({ stored: current, propagationPolicy: 'Background', dryRun: false });
        afterDelete(current);
      }
    }
  };

  const parseApplyBody = (r: Route, text: string, current: StoredObject | undefined): Obj => {
    let body: unknown;
    try {
      body = parseYaml(text);
    } catch (err) {
      throw badRequest(`error decoding YAML: ${err instanceof Error ? err.message : String(err)}`);
    }
    if (!isMap(body)) throw badRequest('the body of an apply patch must be an object');
    checkBodyIdentity(r, body, true);
    if (meta(body).managedFields !== undefined) throw badRequest('metadata.managedFields must be nil');
    if (!current && meta(body).resourceVersion)
      throw badRequest('resourceVersion should not be set on objects to be created');
    if (current) store.checkResourceVersion(current, body);
    return body;
  };

  /** Server-side apply: requires a field manager, 409 on conflicts unless forced, creates when missing. */
  const handleApply = (r: Route, query: URLSearchParams, res: ServerResponse, text: string) => {
    const manager = query.get('fieldManager');
    if (!manager) {
      throw new ApiError({
        code: 422,
        reason: 'Invalid',
        message:
          'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch',
      });
    }
    const force = query.get('force');
    if (force !== null && force !== 'true' && force !== 'false')
      throw badRequest(`force: Invalid value: "${force}"`);
    if (r.subresource) throw methodNotAllowed('the fake server does not implement apply on subresources');
    const write = writeOptions(query);
    const current = store.get(r.type, r.namespace, r.name);
    const body = parseApplyBody(r, text, current);
    let applied: ReturnType<typeof applyFields>;
    try {
      applied = applyFields({
        live: current?.object,
        config: body,
        managers: current?.managers ?? [],
        manager,
        force: force === 'true',
        apiVersion: apiVersionOf(r.type),
        now: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
      });
    } catch (err) {
      if (!(err instanceof ApplyConflictError)) throw err;
      throw new ApiError({
        code: 409,
        reason: 'Conflict',
        message: err.message,
        details: { name: r.name, group: r.type.group, kind: r.type.plural, causes: err.causes },
      });
    }
    meta(applied.object).name = r.name;
    const result = store.write({
      type: r.type,
      namespace: r.namespace,
      name: r.name,
      next: { ...applied.object, apiVersion: body.apiVersion, kind: body.kind },
      managers: applied.managers,
      write,
    });
    if (!write.dryRun && result.changed) {
      mutated(r, 'apply');
      afterWrite(result.stored);
    }
    send(res, result.created ? 201 : 200, store.render(result.stored, r.type), write.warnings);
  };

  /** The object after a merge or JSON patch (strategic merge on built-ins is treated as a merge patch here). */
  const patchedObject = (r: Route, current: StoredObject, contentType: string, text: string): Obj => {
    const patch = parseJsonBody(text);
    const base = store.render(current, r.type);
    delete meta(base).managedFields;
    const next =
      contentType === 'application/json-patch+json' ? jsonPatch(base, patch) : mergePatch(base, patch);
    if (!isMap(next)) throw badRequest('the patch result must be an object');
    if (meta(next).name !== r.name)
      throw badRequest('metadata.name: Invalid value: the name of the object cannot change');
    store.checkResourceVersion(current, isMap(patch) ? patch : {});
    return next;
  };

  const handlePatch = (
    r: Route,
    req: IncomingMessage,
    query: URLSearchParams,
    res: ServerResponse,
    text: string,
  ) => {
    if (!r.name) throw methodNotAllowed();
    if (r.subresource && !(r.subresource === 'status' && r.type.hasStatus)) {
      throw notFound({ plural: `${r.type.plural}/${r.subresource}`, group: r.type.group, name: r.name });
    }
    const contentType = (req.headers['content-type'] ?? '').split(';')[0]?.trim() ?? '';
    if (!PATCH_TYPES.has(contentType)) throw unsupportedMediaType(contentType);
    if (contentType === 'application/apply-patch+yaml') return handleApply(r, query, res, text);

    const write = writeOptions(query);
    if (query.get('force') !== null)
      throw badRequest('force: Forbidden: may not be specified for non-apply patch');
    const current = store.get(r.type, r.namespace, r.name);
    if (!current) throw notFound({ plural: r.type.plural, group: r.type.group, name: r.name });
    if (contentType === 'application/strategic-merge-patch+json' && !r.type.builtIn)
      throw unsupportedMediaType(contentType);
    const next = patchedObject(r, current, contentType, text);
    const result = store.write({
      type: r.type,
      namespace: r.namespace,
      name: r.name,
      next,
      managers: current.managers,
      ...(r.subresource === 'status' ? { subresource: 'status' as const } : {}),
      updateManager: managerOf(req, query),
      write,
    });
    if (!write.dryRun && result.changed) mutated(r, 'patch');
    if (!write.dryRun && result.changed && r.subresource !== 'status') afterWrite(result.stored);
    if (!write.dryRun) releaseIfFinalized(result.stored);
    send(res, 200, store.render(result.stored, r.type), write.warnings);
  };

  const handleDelete = (r: Route, query: URLSearchParams, res: ServerResponse, text: string) => {
    if (!r.name || r.subresource) throw methodNotAllowed();
    const options = text.trim() ? parseJsonBody(text) : {};
    if (!isMap(options)) throw badRequest('DeleteOptions must be an object');
    const policy =
      query.get('propagationPolicy') ?? (options.propagationPolicy as string | undefined) ?? 'Background';
    if (!['Orphan', 'Background', 'Foreground'].includes(policy)) {
      throw badRequest(
        `propagationPolicy: Unsupported value: "${policy}": supported values: "Foreground", "Background", "Orphan"`,
      );
    }
    if (query.get('orphanDependents') !== null && query.get('propagationPolicy') !== null) {
      throw new ApiError({
        code: 422,
        reason: 'Invalid',
        message:
          'DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: Invalid value: orphanDependents and propagationPolicy cannot both be set',
      });
    }
    const write = writeOptions(query);
    const current = store.get(r.type, r.namespace, r.name);
    if (!current) throw notFound({ plural: r.type.plural, group: r.type.group, name: r.name });
    const pre = isMap(options.preconditions) ? options.preconditions : {};
    if (
      (pre.uid && pre.uid !== meta(current.object).uid) ||
      (pre.resourceVersion && pre.resourceVersion !== meta(current.object).resourceVersion)
    ) {
      throw new ApiError({
        code: 409,
        reason: 'Conflict',
        message: `Operation cannot be fulfilled on ${r.type.plural} "${r.name}": Precondition failed`,
      });
    }
    const removed = store.remove({ stored: current, propagationPolicy: policy, dryRun: write.dryRun });
    if (!write.dryRun) mutated(r, 'delete');
    if (!write.dryRun && !store.get(r.type, r.namespace, r.name)) afterDelete(current);
    send(res, 200, { ...removed, apiVersion: apiVersionOf(r.type), kind: r.type.kind });
  };

  const authenticate = (req: IncomingMessage): string => {
    if (!options.tokens && !options.authenticate) return 'system:anonymous';
    const header = req.headers.authorization ?? '';
    const token = header.startsWith('Bearer ') ? header.slice(7) : '';
    const user = options.tokens?.[token] ?? options.authenticate?.(token);
    if (!user) throw unauthorized();
    return user;
  };

  /** RBAC stand-in; an apply that creates the object needs `create` as well (as with real RBAC). */
  const authorizeRequest = (user: string, verb: string, r: Route) => {
    if (!options.authorize) return;
    const attrs: RequestAttributes = {
      user,
      verb,
      group: r.type.group,
      resource: r.type.plural,
      subresource: r.subresource,
      namespace: r.namespace,
      name: r.name,
    };
    const denied = (v: string) =>
      forbidden({
        user,
        verb: v,
        plural: r.type.plural,
        group: r.type.group,
        namespace: r.namespace,
        name: r.name,
      });
    if (!options.authorize(attrs)) throw denied(verb);
    if (
      verb === 'patch' &&
      !store.get(r.type, r.namespace, r.name) &&
      !options.authorize({ ...attrs, verb: 'create' })
    ) {
      throw denied('create');
    }
  };

  const recordBody = (req: IncomingMessage, recorded: RecordedRequest, text: string) => {
    if (!recordBodies || !text) return;
    try {
      recorded.body = req.headers['content-type']?.includes('yaml') ? parseYaml(text) : JSON.parse(text);
    } catch (err) {
      // Malformed bodies are recorded raw; the handler answers 400 for them.
      recorded.body = { unparsed: text, error: err instanceof Error ? err.message : String(err) };
    }
  };

  const handleGet = (r: Route, res: ServerResponse) => {
    const current = store.get(r.type, r.namespace, r.name);
    if (!current) throw notFound({ plural: r.type.plural, group: r.type.group, name: r.name });
    if (r.subresource && !(r.subresource === 'status' && r.type.hasStatus)) {
      throw notFound({ plural: `${r.type.plural}/${r.subresource}`, group: r.type.group, name: r.name });
    }
    send(res, 200, store.render(current, r.type));
  };

  const handle = async (req: IncomingMessage, res: ServerResponse, recorded: RecordedRequest) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const segments = url.pathname
      .split('/')
      .filter((s) => s !== '')
      .map(decodeURIComponent);
    const user = authenticate(req);
    recorded.user = user;
    if (['/healthz', '/readyz', '/livez'].includes(url.pathname)) {
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.end('ok');
      return;
    }
    const disc = req.method === 'GET' ? discovery(segments) : undefined;
    if (disc !== undefined) return send(res, 200, disc);
    const r = route(segments);
    const query = url.searchParams;
    const method = req.method ?? 'GET';
    const verb = verbOf(method, r, query);
    Object.assign(recorded, {
      verb,
      resource: r.type.plural,
      subresource: r.subresource,
      namespace: r.namespace,
      name: r.name,
    });
    const text = method === 'GET' ? '' : await readBody(req);
    recordBody(req, recorded, text);
    authorizeRequest(user, verb, r);
    if (verb === 'watch') return handleWatch(r, query, res);
    if (verb === 'list') return handleList(r, query, res);
    if (verb === 'get') return handleGet(r, res);
    if (method === 'POST') return handleCreate(r, req, query, res, text);
    if (method === 'PUT') return handleReplace(r, req, query, res, text);
    if (method === 'PATCH') return handlePatch(r, req, query, res, text);
    if (method === 'DELETE') return handleDelete(r, query, res, text);
    throw methodNotAllowed();
  };

  /** Answers with an injected failure (or not at all) when a fault matches; true when it did. */
  const injectFault = (req: IncomingMessage, res: ServerResponse, recorded: RecordedRequest): boolean => {
    const fault = faults.find((f) => f.remaining > 0 && (!f.match || f.match(recorded)));
    if (!fault) return false;
    fault.remaining--;
    req.resume();
    if (fault.kind === 'hang') {
      // Answer nothing, then drop the connection.
      later(fault.ms, () => req.socket.destroy());
      return true;
    }
    if (fault.kind === 'page') {
      res.writeHead(fault.code, { 'Content-Type': 'text/html' });
      res.end(fault.body);
      return true;
    }
    if (fault.kind === 'throttle') {
      // http.Error: text/plain with nosniff, the message and a newline.
      res.writeHead(429, {
        'Content-Type': 'text/plain; charset=utf-8',
        'X-Content-Type-Options': 'nosniff',
        'Retry-After': String(fault.ms / 1000),
      });
      res.end('Too many requests, please try again later.\n');
      return true;
    }
    if (fault.kind === 'throttle-status') {
      res.setHeader('Retry-After', String(fault.ms / 1000));
      send(res, 429, tooManyRequests('storage is (re)initializing', fault.ms / 1000).toStatus());
      return true;
    }
    const reason =
      fault.reason ??
      (fault.code === 500 ? 'InternalError' : fault.code === 401 ? 'Unauthorized' : 'ServiceUnavailable');
    const message = fault.body ?? 'fake: injected failure';
    send(res, fault.code, new ApiError({ code: fault.code, reason, message }).toStatus());
    return true;
  };

  const listener = (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const recorded: RecordedRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      contentType: (req.headers['content-type'] ?? '').split(';')[0] ?? '',
      at: process.hrtime.bigint(),
    };
    requests.push(recorded);
    fake.onRequest?.(recorded);
    res.on('finish', () => {
      recorded.status = res.statusCode;
    });
    if (injectFault(req, res, recorded)) return;
    handle(req, res, recorded).catch((err: unknown) => {
      const apiErr =
        err instanceof ApiError ? err : internalError(err instanceof Error ? err.message : String(err));
      if (!(err instanceof ApiError)) console.error('fake kube-apiserver: unexpected error', err);
      if (res.headersSent) {
        res.end();
        return;
      }
      send(res, apiErr.code, apiErr.toStatus());
    });
  };
  const server: Server = options.tls
    ? createHttpsServer({ key: options.tls.key, cert: options.tls.cert }, listener)
    : createServer(listener);

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`;

  const refType = (ref: { apiVersion: string; kind: string }) => typeByKind(ref.apiVersion, ref.kind);

  const fake: FakeKubeApiServer = {
    url,
    requests,
    mutations,
    onRequest: undefined,
    async close() {
      closed = true;
      for (const t of timers) clearTimeout(t);
      for (const w of watches) w.end();
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
    },
    kubeconfig(opts = {}) {
      const context: Obj = { cluster: 'fake', user: 'fake-user' };
      if (opts.namespace) context.namespace = opts.namespace;
      return JSON.stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [
          {
            name: 'fake',
            cluster: options.tls
              ? {
                  server: url,
                  'certificate-authority-data': Buffer.from(readTestTls().ca).toString('base64'),
                }
              : { server: url, 'insecure-skip-tls-verify': true },
          },
        ],
        users: [{ name: 'fake-user', user: opts.token ? { token: opts.token } : {} }],
        contexts: [{ name: 'fake', context }],
        'current-context': 'fake',
      });
    },
    faults: {
      failNext(count, opts = {}) {
        faults.push({
          kind: 'fail',
          remaining: count,
          code: opts.code ?? 500,
          ms: 0,
          match: opts.match,
          ...(opts.message === undefined ? {} : { body: opts.message }),
          ...(opts.reason === undefined ? {} : { reason: opts.reason }),
        });
      },
      hangNext(count, opts = {}) {
        faults.push({ kind: 'hang', remaining: count, code: 0, ms: opts.ms ?? 30_000, match: opts.match });
      },
      pageNext(count, opts = {}) {
        faults.push({
          kind: 'page',
          remaining: count,
          code: opts.code ?? 200,
          ms: 0,
          body: opts.body ?? '<html><body>Sign in to continue</body></html>',
          match: opts.match,
        });
      },
      throttleNext(count, opts) {
        faults.push({
          kind: opts.status ? 'throttle-status' : 'throttle',
          remaining: count,
          code: 429,
          ms: opts.retryAfterSeconds * 1000,
          match: opts.match,
        });
      },
      dropWatches() {
        for (const w of watches) {
          w.end();
          w.socket?.destroy();
        }
      },
      compactHistory() {
        store.compactHistory();
      },
    },
    get(ref) {
      const type = refType(ref);
      const s = store.get(type, type.namespaced ? (ref.namespace ?? 'default') : '', ref.name);
      return s ? store.render(s, type) : undefined;
    },
    list(ref) {
      const type = refType(ref);
      return store.list(type, ref.namespace).map((s) => store.render(s, type));
    },
    put(object) {
      const type = refType(object as { apiVersion: string; kind: string });
      const m = meta(object);
      const namespace = type.namespaced ? String(m.namespace ?? 'default') : '';
      const current = store.get(type, namespace, String(m.name));
      const result = store.write({
        type,
        namespace,
        name: String(m.name),
        next: structuredClone(object),
        managers: current?.managers ?? [],
        updateManager: 'test',
        write: plainWrite(),
      });
      if (result.changed) afterWrite(result.stored);
      return store.render(result.stored, type);
    },
    setStatus(ref, status) {
      const type = refType(ref);
      const namespace = type.namespaced ? (ref.namespace ?? 'default') : '';
      const current = store.get(type, namespace, ref.name);
      if (!current) throw new Error(`fake kube-apiserver: ${ref.kind} ${namespace}/${ref.name} not found`);
      const result = store.write({
        type,
        namespace,
        name: ref.name,
        next: { status },
        managers: current.managers,
        subresource: 'status',
        updateManager: 'test-controller',
        write: plainWrite(),
      });
      return store.render(result.stored, type);
    },
    remove(ref) {
      const type = refType(ref);
      const current = store.get(type, type.namespaced ? (ref.namespace ?? 'default') : '', ref.name);
      if (current) {
        store.remove({ stored: current, propagationPolicy: 'Background', dryRun: false });
        afterDelete(current);
      }
    },
  };
  return fake;
}
