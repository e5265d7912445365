/**
 * A raw-JSON Kubernetes client over @kubernetes/client-node: its KubeConfig (auth, TLS, in-cluster,
 * exec plugins), discovery cache and URL building, but objects go over the wire as plain JSON both ways.
 * client-node's typed models would drop fields they do not know and turn timestamps into Dates; the
 * agent applies arbitrary kinds and must send exactly what Git says.
 */
import {
  createConfiguration,
  type KubeConfig,
  KubernetesObjectApi,
  type RequestContext,
  type ResponseContext,
  ServerConfiguration,
  Watch,
} from '@kubernetes/client-node';
import type { KubeObject } from '../types.ts';
import { credentialsOf } from './kube-credentials.ts';

export interface ObjectRef {
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
}

export interface StatusCause {
  reason?: string;
  message?: string;
  field?: string;
}

/**
 * A failed API request: the HTTP code (0 when the server was not reached) and the `Status` it sent.
 * `reason` is the Status's, or Ferry's own for answers that carry none: `Timeout` and `Unreachable`
 * (code 0), `HtmlPage` (a proxy's login page, a web server at a wrong URL: with any code) and
 * `NotKubernetes` (a success whose body is not JSON).
 */
/** One request to the API server. */
interface SendOptions {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  query?: Record<string, string | undefined>;
  body?: unknown;
  contentType?: string;
}

export class KubeApiError extends Error {
  override name = 'KubeApiError';
  readonly code: number;
  readonly reason: string;
  readonly causes: StatusCause[];
  /** The API server's address, when the request got as far as choosing one. */
  readonly server: string | undefined;
  /** The request's deadline, for a `Timeout`. */
  readonly timeoutMs: number | undefined;
  /** Set when discovery failed: the apiVersion and kind whose resource was being looked up. */
  readonly discovery: { apiVersion: string; kind: string } | undefined;
  /** The answer's `Retry-After` in seconds (429 from API Priority and Fairness, some 5xx). */
  readonly retryAfterSeconds: number | undefined;

  constructor(opts: {
    code: number;
    reason: string;
    message: string;
    causes?: StatusCause[];
    cause?: unknown;
    server?: string;
    timeoutMs?: number;
    discovery?: { apiVersion: string; kind: string };
    retryAfterSeconds?: number;
  }) {
    super(opts.message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.code = opts.code;
    this.reason = opts.reason;
    this.causes = opts.causes ?? [];
    this.server = opts.server;
    this.timeoutMs = opts.timeoutMs;
    this.discovery = opts.discovery;
    this.retryAfterSeconds = opts.retryAfterSeconds;
  }

  /**
   * Server errors, throttling and network failures are worth retrying; 4xx answers are not, nor a 5xx
   * that the same object always gets (etcdTooLarge).
   */
  get retryable(): boolean {
    if (this.etcdTooLarge) return false;
    return this.code === 0 || this.code === 429 || this.code >= 500;
  }

  /**
   * etcd refused to store the object: larger than its `--max-request-bytes` (1.5 MiB by default). The
   * API server passes etcd's error on as a 500 with its words (ErrorToAPIStatus), but the same object
   * gets it every time.
   */
  get etcdTooLarge(): boolean {
    return this.code === 500 && this.message.includes('etcdserver: request is too large');
  }

  /** 422 with a cause saying a field cannot change (Job spec.template, Service clusterIP, selectors). */
  get immutableField(): boolean {
    return (
      this.code === 422 &&
      (this.causes.some((c) => /immutable|Forbidden: updates to/i.test(c.message ?? '')) ||
        /field is immutable/.test(this.message))
    );
  }
}

export function isNotFound(err: unknown): boolean {
  return err instanceof KubeApiError && err.code === 404;
}

export interface ApplyOptions {
  fieldManager: string;
  force?: boolean;
  dryRun?: boolean;
  fieldValidation?: 'Strict' | 'Warn' | 'Ignore';
}

export interface ResourceInfo {
  /** Plural resource name, e.g. `deployments`. */
  name: string;
  namespaced: boolean;
  kind: string;
}

export interface WatchHandle {
  stop(): void;
}

type Action = 'create' | 'delete' | 'patch' | 'read' | 'list' | 'replace';

/** An HTML (or XML) page where the API's JSON belongs: a proxy's login page, a web server at a wrong URL. */
function isMarkup(text: string): boolean {
  return text.trimStart().startsWith('<');
}

/**
 * `Retry-After` as the API server sends it (whole seconds; an HTTP date is read too), or undefined.
 * Pure.
 */
export function parseRetryAfter(value: string | undefined, now: Date): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - now.getTime()) / 1000));
}

function parseStatus(code: number, text: string, server: string, retryAfter?: string): KubeApiError {
  let body: Record<string, unknown> | undefined;
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch (err) {
    // Not JSON (a proxy's HTML page, an empty 502): keep the start of the text as the message.
    void err;
  }
  const details = (body?.details ?? {}) as { causes?: StatusCause[]; retryAfterSeconds?: unknown };
  const fallbackReason = isMarkup(text) ? 'HtmlPage' : 'Unknown';
  return new KubeApiError({
    code,
    reason: typeof body?.reason === 'string' ? body.reason : fallbackReason,
    message:
      typeof body?.message === 'string' ? body.message : `request failed: HTTP ${code} ${text.slice(0, 200)}`,
    causes: Array.isArray(details.causes) ? details.causes : [],
    server,
    ...(retryAfterOf(code, retryAfter, details) ?? {}),
  });
}

/** A wait the server asked for: the header, else the Status's details.retryAfterSeconds. */
function retryAfterOf(
  code: number,
  header: string | undefined,
  details: { retryAfterSeconds?: unknown },
): { retryAfterSeconds: number } | undefined {
  if (code !== 429 && code < 500) return undefined;
  const seconds =
    parseRetryAfter(header, new Date()) ??
    (typeof details.retryAfterSeconds === 'number' && details.retryAfterSeconds > 0
      ? details.retryAfterSeconds
      : undefined);
  return seconds === undefined ? undefined : { retryAfterSeconds: seconds };
}

/** How many times one request waits out a `Retry-After` before its error goes to the caller. */
export const MAX_RETRY_AFTER_WAITS = 5;
/** The longest `Retry-After` honoured in one wait. */
export const MAX_RETRY_AFTER_MS = 60_000;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** KubernetesObjectApi with raw JSON responses and access to its URL building and discovery. */
class RawObjectApi extends KubernetesObjectApi {
  constructor(
    configuration: ConstructorParameters<typeof KubernetesObjectApi>[0],
    readonly server: string,
    readonly timeoutMs: number,
    readonly maxRetryAfterMs: number,
  ) {
    super(configuration);
  }

  useContextNamespace(kc: KubeConfig): void {
    this.setDefaultNamespace(kc);
  }

  // biome-ignore lint/suspicious/noExplicitAny: matches the base class's generic signature.
  protected override async processResponse(response: ResponseContext): Promise<any> {
    const text = await response.body.text();
    const code = response.httpStatusCode;
    if (code < 200 || code > 299) throw parseStatus(code, text, this.server, response.headers['retry-after']);
    if (!text) return {};
    try {
      return JSON.parse(text);
    } catch (err) {
      // A success that is not JSON is not the Kubernetes API answering (a login page, a web server).
      throw new KubeApiError({
        code,
        reason: isMarkup(text) ? 'HtmlPage' : 'NotKubernetes',
        message: `the answer is not JSON: ${text.slice(0, 80)}`,
        server: this.server,
        cause: err,
      });
    }
  }

  async uriOf(spec: KubeObject, action: Action): Promise<string> {
    return this.specUriPath(structuredClone(spec) as never, action);
  }

  async resourceInfo(apiVersion: string, kind: string): Promise<ResourceInfo | undefined> {
    const r = await this.resource(apiVersion, kind);
    return r ? { name: r.name, namespaced: r.namespaced, kind: r.kind } : undefined;
  }

  get defaultNamespaceName(): string {
    return this.defaultNamespace;
  }

  async send(opts: SendOptions): Promise<Record<string, unknown>> {
    for (let waits = 0; ; waits++) {
      try {
        return await this.sendOnce(opts);
      } catch (err) {
        // As client-go (checkWait): a 429 or 5xx with Retry-After is the server saying when to come
        // back, for any verb (API Priority and Fairness rejects before the request is handled). The
        // wait is bounded; past MAX_RETRY_AFTER_WAITS the error goes to the caller's own backoff.
        const seconds = err instanceof KubeApiError && err.retryable ? err.retryAfterSeconds : undefined;
        if (seconds === undefined || waits >= MAX_RETRY_AFTER_WAITS) throw err;
        await sleep(Math.min(seconds * 1000, this.maxRetryAfterMs));
      }
    }
  }

  private async sendOnce(opts: SendOptions): Promise<Record<string, unknown>> {
    const ctx: RequestContext = this.configuration.baseServer.makeRequestContext(
      opts.path,
      opts.method as never,
    );
    ctx.setHeaderParam('Accept', 'application/json');
    for (const [k, v] of Object.entries(opts.query ?? {})) if (v !== undefined) ctx.setQueryParam(k, v);
    if (opts.body !== undefined) {
      ctx.setHeaderParam('Content-Type', opts.contentType ?? 'application/json');
      ctx.setBody(JSON.stringify(opts.body));
    }
    ctx.setSignal(AbortSignal.timeout(this.timeoutMs));
    try {
      return await this.requestPromise(ctx as never);
    } catch (err) {
      throw this.toKubeApiError(err, `${opts.method} ${opts.path}`);
    }
  }

  /** Any failure of a request as a KubeApiError (a network failure or timeout has code 0). */
  toKubeApiError(err: unknown, what: string, discovery?: { apiVersion: string; kind: string }): KubeApiError {
    const extra = { server: this.server, ...(discovery ? { discovery } : {}) };
    if (err instanceof KubeApiError) {
      if (!discovery || err.discovery) return err;
      return new KubeApiError({
        code: err.code,
        reason: err.reason,
        message: err.message,
        causes: err.causes,
        ...(err.timeoutMs === undefined ? {} : { timeoutMs: err.timeoutMs }),
        ...(err.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: err.retryAfterSeconds }),
        ...(err.cause === undefined ? {} : { cause: err.cause }),
        ...extra,
      });
    }
    const e = err as { name?: string; type?: string; message?: string; code?: string };
    const timedOut = e?.name === 'AbortError' || e?.type === 'aborted';
    return new KubeApiError({
      code: 0,
      reason: timedOut ? 'Timeout' : 'Unreachable',
      message: `${what}: ${timedOut ? `timed out (no answer within ${formatSeconds(this.timeoutMs)})` : (e?.message ?? String(err))}`,
      cause: err,
      ...(timedOut ? { timeoutMs: this.timeoutMs } : {}),
      ...extra,
    });
  }
}

function formatSeconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

/** Raw-JSON object operations against one cluster. */
export class KubeObjectClient {
  private readonly api: RawObjectApi;

  constructor(
    private readonly kubeConfig: KubeConfig,
    opts: { timeoutMs?: number; maxRetryAfterMs?: number } = {},
  ) {
    const cluster = kubeConfig.getCurrentCluster();
    if (!cluster) throw new Error('kubeconfig has no current cluster');
    const timeoutMs = opts.timeoutMs ?? 30_000;
    const configuration = createConfiguration({
      baseServer: new ServerConfiguration(cluster.server, {}),
      // Credentials that cannot be had (an exec plugin not installed or failing) say so in one line.
      authMethods: { default: credentialsOf(kubeConfig) },
      promiseMiddleware: [
        {
          // Discovery requests are built inside client-node: give them the same deadline.
          pre: async (ctx: RequestContext) => {
            if (!ctx.getSignal()) ctx.setSignal(AbortSignal.timeout(timeoutMs));
            return ctx;
          },
          post: async (rsp: ResponseContext) => rsp,
        },
      ],
    });
    this.api = new RawObjectApi(
      configuration,
      cluster.server,
      timeoutMs,
      opts.maxRetryAfterMs ?? MAX_RETRY_AFTER_MS,
    );
    this.api.useContextNamespace(kubeConfig);
  }

  get server(): string {
    return this.kubeConfig.getCurrentCluster()?.server ?? '';
  }

  /** Discovery: the resource serving this kind, or undefined when the cluster does not serve it. */
  async getResourceInfo(apiVersion: string, kind: string): Promise<ResourceInfo | undefined> {
    try {
      return await this.api.resourceInfo(apiVersion, kind);
    } catch (err) {
      const apiErr = this.api.toKubeApiError(err, `discovery of ${apiVersion}`, { apiVersion, kind });
      if (apiErr.code === 404) return undefined;
      throw apiErr;
    }
  }

  private async pathOf(ref: ObjectRef | KubeObject, action: Action): Promise<string> {
    const spec = 'metadata' in ref ? (ref as KubeObject) : toSpec(ref as ObjectRef);
    try {
      return await this.api.uriOf(spec, action);
    } catch (err) {
      if (err instanceof Error && err.message.startsWith('Unrecognized API version and kind')) {
        throw new KubeApiError({
          code: 404,
          reason: 'NotFound',
          message: `${spec.apiVersion} ${spec.kind} is not served by the cluster`,
          cause: err,
          server: this.api.server,
          discovery: { apiVersion: spec.apiVersion, kind: spec.kind },
        });
      }
      throw this.api.toKubeApiError(err, `discovery of ${spec.apiVersion} ${spec.kind}`, {
        apiVersion: spec.apiVersion,
        kind: spec.kind,
      });
    }
  }

  async get(ref: ObjectRef): Promise<KubeObject | undefined> {
    try {
      return (await this.api.send({ method: 'GET', path: await this.pathOf(ref, 'read') })) as KubeObject;
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  /** Lists (all pages) and fills in apiVersion/kind, which real servers omit on built-in list items. */
  async list(opts: {
    apiVersion: string;
    kind: string;
    namespace?: string;
    labelSelector?: string;
    /** `status.phase!=Succeeded`, `spec.nodeName=n1`: only the fields the kind supports (400 otherwise). */
    fieldSelector?: string;
  }): Promise<{ items: KubeObject[]; resourceVersion: string }> {
    const spec = {
      apiVersion: opts.apiVersion,
      kind: opts.kind,
      metadata: opts.namespace ? { namespace: opts.namespace } : {},
    };
    const path = await this.pathOf(spec as KubeObject, 'list');
    const items: KubeObject[] = [];
    let resourceVersion = '';
    let cont: string | undefined;
    do {
      const page = await this.api.send({
        method: 'GET',
        path,
        query: {
          labelSelector: opts.labelSelector,
          fieldSelector: opts.fieldSelector,
          limit: '500',
          continue: cont,
        },
      });
      for (const item of (page.items ?? []) as KubeObject[]) {
        items.push({ ...item, apiVersion: opts.apiVersion, kind: opts.kind });
      }
      const meta = (page.metadata ?? {}) as { continue?: string; resourceVersion?: string };
      resourceVersion = meta.resourceVersion ?? resourceVersion;
      cont = meta.continue || undefined;
    } while (cont);
    return { items, resourceVersion };
  }

  /** Server-side apply (`application/apply-patch+yaml`; JSON is YAML). */
  async apply(object: KubeObject, opts: ApplyOptions): Promise<KubeObject> {
    return (await this.api.send({
      method: 'PATCH',
      path: await this.pathOf(object, 'patch'),
      query: {
        fieldManager: opts.fieldManager,
        force: opts.force ? 'true' : undefined,
        dryRun: opts.dryRun ? 'All' : undefined,
        fieldValidation: opts.fieldValidation,
      },
      body: object,
      contentType: 'application/apply-patch+yaml',
    })) as KubeObject;
  }

  async create(object: KubeObject, opts: { fieldManager?: string } = {}): Promise<KubeObject> {
    return (await this.api.send({
      method: 'POST',
      path: await this.pathOf(object, 'create'),
      query: { fieldManager: opts.fieldManager },
      body: object,
    })) as KubeObject;
  }

  /** JSON merge patch (RFC 7386) of the object or its status subresource. */
  async mergePatch(
    ref: ObjectRef,
    patch: Record<string, unknown>,
    opts: { subresource?: 'status'; fieldManager?: string } = {},
  ): Promise<KubeObject> {
    const base = await this.pathOf(ref, 'patch');
    return (await this.api.send({
      method: 'PATCH',
      path: opts.subresource ? `${base}/${opts.subresource}` : base,
      query: { fieldManager: opts.fieldManager },
      body: patch,
      contentType: 'application/merge-patch+json',
    })) as KubeObject;
  }

  /** Deletes; false when the object was already gone. */
  async delete(
    ref: ObjectRef,
    opts: { propagationPolicy?: 'Background' | 'Foreground' | 'Orphan' } = {},
  ): Promise<boolean> {
    try {
      await this.api.send({
        method: 'DELETE',
        path: await this.pathOf(ref, 'delete'),
        query: { propagationPolicy: opts.propagationPolicy },
      });
      return true;
    } catch (err) {
      if (isNotFound(err)) return false;
      throw err;
    }
  }

  /** Watches a collection from `resourceVersion`; `onDone` gets the error (or null) when the stream ends. */
  async watch(opts: {
    apiVersion: string;
    kind: string;
    namespace?: string;
    resourceVersion?: string;
    onEvent: (type: string, object: Record<string, unknown>) => void;
    onDone: (err: unknown) => void;
  }): Promise<WatchHandle> {
    const spec = {
      apiVersion: opts.apiVersion,
      kind: opts.kind,
      metadata: opts.namespace ? { namespace: opts.namespace } : {},
    };
    const path = await this.pathOf(spec as KubeObject, 'list');
    const query: Record<string, string> = { allowWatchBookmarks: 'true' };
    if (opts.resourceVersion) query.resourceVersion = opts.resourceVersion;
    const controller = await new Watch(this.kubeConfig).watch(path, query, opts.onEvent, opts.onDone);
    return { stop: () => controller.abort() };
  }
}

function toSpec(ref: ObjectRef): KubeObject {
  const metadata: Record<string, string> = { name: ref.name };
  if (ref.namespace) metadata.namespace = ref.namespace;
  return { apiVersion: ref.apiVersion, kind: ref.kind, metadata };
}
