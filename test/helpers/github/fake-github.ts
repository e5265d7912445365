/**
 * A small stateful stand-in for GitHub's REST API (and the one GraphQL mutation the app sends),
 * enough for Ferry's flows: pulls, issue comments, check runs, compare, tarballs (302 to codeload),
 * collaborator permissions, deployments and their statuses.
 *
 * Every request is first checked against GitHub's OpenAPI description (`openapi-check.ts`): a
 * request to a path GitHub does not have, or with a body it would not accept, is answered 404/422
 * and recorded in `problems`, which `assertClean()` turns into a test failure.
 *
 * The same dispatcher is mounted on nock (tests) or on a real local HTTP server (bench).
 */
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import nock from 'nock';
import { type ExtraEntry, makeTarball, type TreeFiles } from './make-tarball.ts';
import { loadOpenApiChecker } from './openapi-check.ts';

/** The App id the test harness gives Probot (app-harness.ts): check runs the App creates carry it. */
export const FAKE_APP_ID = 12345;

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  operationId: string;
  body: unknown;
  status: number;
  authorization?: string;
  /** Scheme, host and port the request went to (GitHub Enterprise Server tests check it). */
  origin?: string;
}

export interface FakeResponse {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

export interface FakeUser {
  login: string;
  type: 'User' | 'Bot' | 'Organization';
}

export interface FakePull {
  number: number;
  node_id: string;
  state: 'open' | 'closed';
  draft: boolean;
  title: string;
  html_url: string;
  merged: boolean;
  merged_at: string | null;
  merge_commit_sha: string | null;
  body?: string | null;
  user: FakeUser;
  head: { ref: string; sha: string; repo: { full_name: string; fork: boolean } | null };
  base: { ref: string; sha: string; repo: { full_name: string; fork: boolean } };
}

export interface FakeComment {
  id: number;
  issue_number: number;
  body: string;
  user: FakeUser;
  html_url: string;
  created_at: string;
  updated_at: string;
  /** The App whose installation token wrote it (GitHub sets it); null for people and tokens. */
  performed_via_github_app: { id: number; slug: string } | null;
}

export interface FakeCheckRun {
  id: number;
  name: string;
  head_sha: string;
  external_id: string;
  status: string;
  conclusion: string | null;
  started_at?: string;
  completed_at?: string;
  output: { title?: string; summary?: string; text?: string; annotations: unknown[] };
  details_url?: string;
  html_url: string;
  /** The App that created it (GitHub sets it from the token): this App's id unless a test says another. */
  app: { id: number; slug: string };
}

export interface FakeDeployment {
  id: number;
  node_id: string;
  sha: string;
  ref: string;
  task: string;
  environment: string;
  description: string | null;
  payload: unknown;
  created_at: string;
  updated_at: string;
  creator: FakeUser;
  url: string;
  /** The App whose installation token created it (GitHub sets it); null for people and tokens. */
  performed_via_github_app: { id: number; slug: string } | null;
}

export interface FakeDeploymentStatus {
  id: number;
  deployment_id: number;
  state: string;
  description: string;
  environment: string;
  log_url: string;
  environment_url: string;
  created_at: string;
  creator: FakeUser;
}

/** git's object id of a blob: sha1 of `blob <length>\0<content>`. */
export function gitBlobSha(content: Buffer): string {
  return createHash('sha1').update(`blob ${content.length}\0`).update(content).digest('hex');
}

const BOT: FakeUser = { login: 'ferry[bot]', type: 'Bot' };

type Handler = (req: {
  params: Record<string, string>;
  query: URLSearchParams;
  body: Record<string, unknown>;
  url: URL;
}) => FakeResponse;

/** A stand-in for GitHub's API for one repository owner; state is public for setup and assertions. */
export class FakeGitHub {
  readonly requests: RecordedRequest[] = [];
  readonly problems: string[] = [];
  readonly pulls = new Map<number, FakePull>();
  readonly comments: FakeComment[] = [];
  readonly checkRuns: FakeCheckRun[] = [];
  readonly deployments: FakeDeployment[] = [];
  readonly statuses: FakeDeploymentStatus[] = [];
  readonly revertPulls: { number: number; revertOf: string; title: string; body: string; url: string }[] = [];
  /** login → `admin` | `maintain` | `write` | `triage` | `read` | `none`. */
  readonly permissions = new Map<string, string>();
  /** Custom repository role → the base role it inherits (`write`, `read`…), as an organisation defines it. */
  readonly customRoles = new Map<string, string>();
  /** `owner/repo@ref` → gzip tarball. */
  readonly tarballs = new Map<string, Buffer>();
  /** `owner/repo@ref` → files (what the contents API serves). */
  readonly trees = new Map<string, TreeFiles>();
  /** `owner/repo@ref` → tree entries that are no regular file: links (mode 120000) and submodules (160000). */
  readonly treeExtras = new Map<
    string,
    { path: string; mode: '120000' | '160000'; sha: string; size?: number }[]
  >();
  /** What the trees API says of `truncated` (GitHub cuts recursive listings at 100,000 entries). */
  truncatedTrees = false;
  /** Check suite id → its head SHA: a suite holds one App's check runs for one commit (this App's here). */
  readonly checkSuites = new Map<number, string>();
  /** `base...head` → compare result. */
  readonly compares = new Map<
    string,
    { files: string[]; mergeBase?: string; status?: 'ahead' | 'behind' | 'identical' | 'diverged' }
  >();
  /** commit SHA → pull numbers associated with it. */
  readonly commitPulls = new Map<string, number[]>();
  /** Run before an operation is answered: lets a test change state mid-flight (e.g. a newer push). */
  readonly hooks = new Map<string, (request: RecordedRequest) => void>();
  /** Operation id → status (or whole response, headers included) to answer once instead of the normal one. */
  readonly failures = new Map<string, number | FakeResponse>();
  apiUrl = 'https://api.github.com';
  codeloadUrl = 'https://codeload.github.com';

  #nextId = 100;
  #tick = 0;
  #checker = loadOpenApiChecker();
  #handlers: Record<string, Handler>;

  constructor() {
    this.#handlers = this.#createHandlers();
  }

  /** A monotonic fake clock: every call is one second later than the last. */
  now(): string {
    this.#tick += 1;
    return new Date(Date.UTC(2025, 0, 1, 12, 0, this.#tick)).toISOString().replace('.000Z', 'Z');
  }

  nextId(): number {
    this.#nextId += 1;
    return this.#nextId;
  }

  /** Operation ids of the requests received, in order (installation tokens included). */
  operations(): string[] {
    return this.requests.map((r) => r.operationId);
  }

  /** Requests that change state (anything but GET), in order. */
  writes(): RecordedRequest[] {
    return this.requests.filter(
      (r) => r.method !== 'GET' && r.operationId !== 'apps/create-installation-access-token',
    );
  }

  requestsFor(operationId: string): RecordedRequest[] {
    return this.requests.filter((r) => r.operationId === operationId);
  }

  commentsOn(issueNumber: number): FakeComment[] {
    return this.comments.filter((c) => c.issue_number === issueNumber);
  }

  /** What `GET /repos/{owner}/{repo}` reports as the default branch. */
  defaultBranch = 'main';

  /**
   * Stores a revision's files; its tarball is built like GitHub's (top dir `owner-repo-sha7/`). The
   * `extra` links are in the tree listing too (mode 120000, their target as blob); each submodule
   * (path → its commit) is a gitlink in the listing and, as in GitHub's tarball, an empty folder.
   */
  setTree(
    ref: string,
    files: TreeFiles,
    opts: { repository?: string; extra?: ExtraEntry[]; submodules?: Record<string, string> } = {},
  ): void {
    const repository = opts.repository ?? 'acme/ml-platform';
    this.trees.set(`${repository}@${ref}`, files);
    const submodules = Object.entries(opts.submodules ?? {});
    const extra = [
      ...(opts.extra ?? []),
      ...submodules.map(([path]): ExtraEntry => ({ path: `${path}/`, type: 'Directory' })),
    ];
    this.treeExtras.set(`${repository}@${ref}`, [
      ...(opts.extra ?? [])
        .filter((e) => e.type === 'SymbolicLink' && e.linkpath !== undefined)
        .map((e) => {
          const target = Buffer.from(e.linkpath ?? '');
          return { path: e.path, mode: '120000' as const, sha: gitBlobSha(target), size: target.length };
        }),
      ...submodules.map(([path, sha]) => ({ path, mode: '160000' as const, sha })),
    ]);
    const prefix = `${repository.replace('/', '-')}-${ref.slice(0, 7)}`;
    this.tarballs.set(
      `${repository}@${ref}`,
      makeTarball({ files, prefix, ...(extra.length > 0 ? { extra } : {}) }),
    );
  }

  addPull(
    pull: Partial<FakePull> & { number: number; head: FakePull['head']; base: FakePull['base'] },
  ): FakePull {
    const full: FakePull = {
      node_id: `PR_node${pull.number}`,
      state: 'open',
      draft: false,
      title: `PR ${pull.number}`,
      html_url: `https://github.com/acme/ml-platform/pull/${pull.number}`,
      merged: false,
      merged_at: null,
      merge_commit_sha: null,
      user: { login: 'alice', type: 'User' },
      ...pull,
    };
    this.pulls.set(full.number, full);
    return full;
  }

  addComment(comment: {
    issue_number: number;
    body: string;
    user?: FakeUser;
    app?: { id: number; slug: string };
  }): FakeComment {
    const id = this.nextId();
    const at = this.now();
    const full: FakeComment = {
      id,
      issue_number: comment.issue_number,
      body: comment.body,
      user: comment.user ?? { login: 'alice', type: 'User' },
      html_url: `https://github.com/acme/ml-platform/pull/${comment.issue_number}#issuecomment-${id}`,
      created_at: at,
      updated_at: at,
      performed_via_github_app: comment.app ?? null,
    };
    this.comments.push(full);
    return full;
  }

  /** A Deployment as this App creates one, unless `by` names a person (or a workflow's token) instead. */
  addDeployment(d: {
    sha: string;
    environment: string;
    payload?: unknown;
    created_at?: string;
    by?: FakeUser;
  }): FakeDeployment {
    const id = this.nextId();
    const at = d.created_at ?? this.now();
    const full: FakeDeployment = {
      id,
      node_id: `DE_${id}`,
      sha: d.sha,
      ref: d.sha,
      task: 'deploy',
      environment: d.environment,
      description: null,
      payload: d.payload ?? {},
      created_at: at,
      updated_at: at,
      creator: d.by ?? BOT,
      url: `${this.apiUrl}/repos/acme/ml-platform/deployments/${id}`,
      performed_via_github_app: d.by ? null : { id: FAKE_APP_ID, slug: 'ferry' },
    };
    this.deployments.push(full);
    return full;
  }

  addDeploymentStatus(s: {
    deployment_id: number;
    state: string;
    description?: string;
  }): FakeDeploymentStatus {
    const deployment = this.deployments.find((d) => d.id === s.deployment_id);
    const full: FakeDeploymentStatus = {
      id: this.nextId(),
      deployment_id: s.deployment_id,
      state: s.state,
      description: s.description ?? '',
      environment: deployment?.environment ?? '',
      log_url: '',
      environment_url: '',
      created_at: this.now(),
      creator: BOT,
    };
    this.statuses.push(full);
    return full;
  }

  /** Dispatches one request: check against OpenAPI, record, answer. */
  handle(method: string, rawUrl: string, body: unknown, authorization?: string): FakeResponse {
    // GitHub Enterprise Server serves the REST API under `/api/v3`: only requests under the API root
    // are API requests, and the OpenAPI description knows the paths below it.
    const root = new URL(this.apiUrl);
    const prefix = root.pathname.replace(/\/+$/, '');
    const full = new URL(rawUrl, root.origin);
    if (prefix && !full.pathname.startsWith(`${prefix}/`)) {
      this.problems.push(`request outside the API root ${this.apiUrl}: ${method} ${full.pathname}`);
      return { status: 404, body: { message: 'Not Found' } };
    }
    const url = new URL(full.pathname.slice(prefix.length) + full.search, root.origin);
    const parsedBody = typeof body === 'string' && body !== '' ? safeJson(body) : body;
    const result = this.#checker.check({ method, url: url.pathname + url.search, body: parsedBody });
    const operationId = result.operationId ?? `unknown ${method} ${url.pathname}`;
    const record: RecordedRequest = {
      method,
      path: url.pathname,
      query: url.searchParams,
      operationId,
      body: parsedBody,
      status: 0,
      origin: root.origin,
      ...(authorization ? { authorization } : {}),
    };
    this.requests.push(record);
    let response: FakeResponse;
    if (result.problems.length > 0) {
      this.problems.push(...result.problems);
      response = { status: result.operationId ? 422 : 404, body: { message: result.problems.join('; ') } };
    } else if (/^checks\/(create|update)$/.test(operationId) && isUserToken(authorization)) {
      // The Checks API is for GitHub Apps only: a personal access token gets 403.
      response = {
        status: 403,
        body: {
          message: 'You must authenticate via a GitHub App.',
          documentation_url: 'https://docs.github.com/rest/checks/runs#create-a-check-run',
        },
      };
    } else {
      response = this.#answer(operationId, {
        params: result.params ?? {},
        query: url.searchParams,
        body: (parsedBody ?? {}) as Record<string, unknown>,
        url,
      });
    }
    record.status = response.status;
    return response;
  }

  #answer(operationId: string, req: Parameters<Handler>[0]): FakeResponse {
    const failure = this.failures.get(operationId);
    this.hooks.get(operationId)?.(this.requests.at(-1) as RecordedRequest);
    if (failure !== undefined) {
      this.failures.delete(operationId);
      return typeof failure === 'number'
        ? { status: failure, body: { message: `injected ${failure}` } }
        : failure;
    }
    const handler = this.#handlers[operationId];
    if (!handler) {
      this.problems.push(`fake GitHub has no handler for ${operationId}`);
      return { status: 501, body: { message: `not implemented: ${operationId}` } };
    }
    return handler(req);
  }

  /** Serves a tarball stored for `owner/repo@ref` (codeload's side of the 302). */
  handleCodeload(path: string): FakeResponse {
    const m = /^\/([^/]+)\/([^/]+)\/legacy\.tar\.gz\/(.+)$/.exec(path);
    const key = m ? `${m[1]}/${m[2]}@${decodeURIComponent(m[3] ?? '')}` : '';
    const tarball = this.tarballs.get(key);
    this.requests.push({
      method: 'GET',
      path,
      query: new URLSearchParams(),
      operationId: 'codeload',
      body: undefined,
      status: tarball ? 200 : 404,
    });
    if (!tarball) return { status: 404, body: { message: `no tarball for ${key}` } };
    return { status: 200, headers: { 'content-type': 'application/x-gzip' }, body: tarball };
  }

  /** Mounts the fake on nock for api.github.com and codeload.github.com; no other host is reachable. */
  mountOnNock(): { scopes: nock.Scope[]; unmount(): void } {
    nock.disableNetConnect();
    const fake = this;
    const onNoMatch = (req: { method?: string; path?: string; href?: string }) => {
      fake.problems.push(`request nock did not match: ${req.method} ${req.href ?? req.path}`);
    };
    nock.emitter.on('no match', onNoMatch);
    const apiRoot = new URL(this.apiUrl);
    const apiPrefix = apiRoot.pathname.replace(/\/+$/, '');
    // On GHES the API and codeload share a host: each scope takes only the paths under its root.
    const api = nock(apiRoot.origin).persist();
    for (const method of ['get', 'post', 'patch', 'put', 'delete'] as const) {
      api[method]((uri) => !apiPrefix || uri.startsWith(`${apiPrefix}/`)).reply(function (uri, body) {
        const auth = this.req.headers.authorization;
        const r = fake.handle(method.toUpperCase(), uri, body, Array.isArray(auth) ? auth[0] : auth);
        return [r.status, r.body as nock.Body, r.headers ?? {}];
      });
    }
    const codeloadRoot = new URL(this.codeloadUrl);
    const codeloadPrefix = codeloadRoot.pathname.replace(/\/+$/, '');
    const codeload = nock(codeloadRoot.origin)
      .persist()
      .get((uri) => uri.startsWith(`${codeloadPrefix}/`))
      .reply((uri) => {
        const r = fake.handleCodeload(
          new URL(uri, codeloadRoot.origin).pathname.slice(codeloadPrefix.length),
        );
        return [r.status, r.body as nock.Body, r.headers ?? {}];
      });
    return {
      scopes: [api, codeload],
      unmount() {
        nock.emitter.removeListener('no match', onNoMatch);
        nock.cleanAll();
        nock.enableNetConnect();
      },
    };
  }

  /** Serves the fake over real HTTP on 127.0.0.1 (for the bench); the API lives under `/api/v3`-less root. */
  async listen(): Promise<{ url: string; close(): Promise<void> }> {
    const server: Server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const path = req.url ?? '/';
        const r = path.startsWith('/codeload/')
          ? this.handleCodeload(path.slice('/codeload'.length))
          : this.handle(req.method ?? 'GET', path, text === '' ? undefined : text, req.headers.authorization);
        const isBuffer = Buffer.isBuffer(r.body);
        res.writeHead(r.status, {
          'content-type': isBuffer ? 'application/x-gzip' : 'application/json; charset=utf-8',
          ...r.headers,
        });
        res.end(isBuffer ? r.body : r.body === undefined ? '' : JSON.stringify(r.body));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const url = `http://127.0.0.1:${port}`;
    this.apiUrl = url;
    this.codeloadUrl = `${url}/codeload`;
    return {
      url,
      close: () => new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve()))),
    };
  }

  /** Fails the test if any request was not one GitHub would accept or reached no handler. */
  assertClean(): void {
    if (this.problems.length > 0) {
      throw new Error(
        `GitHub would not accept ${this.problems.length} request(s):\n${this.problems.join('\n')}`,
      );
    }
  }

  #page<T>(items: T[], req: Parameters<Handler>[0]): FakeResponse {
    const perPage = Number(req.query.get('per_page') ?? 30);
    const page = Number(req.query.get('page') ?? 1);
    const slice = items.slice((page - 1) * perPage, page * perPage);
    const headers: Record<string, string> = {};
    if (page * perPage < items.length) {
      const next = new URL(req.url.href);
      next.searchParams.set('page', String(page + 1));
      next.searchParams.set('per_page', String(perPage));
      headers.link = `<${next.href}>; rel="next"`;
    }
    return { status: 200, headers, body: slice };
  }

  #createHandlers(): Record<string, Handler> {
    const repoFull = (p: Record<string, string>) => `${p.owner}/${p.repo}`;
    const notFound = (what: string): FakeResponse => ({
      status: 404,
      body: { message: `Not Found: ${what}` },
    });
    return {
      'apps/create-installation-access-token': () => ({
        status: 201,
        body: {
          token: 'ghs_faketoken0123456789',
          expires_at: '2099-01-01T00:00:00Z',
          permissions: {},
          repository_selection: 'all',
        },
      }),
      // The App's own description (JWT-authenticated): its bot user is `<slug>[bot]`.
      'apps/get-authenticated': () => ({
        status: 200,
        body: { id: FAKE_APP_ID, slug: 'ferry', name: 'Ferry', owner: { login: 'acme' } },
      }),
      'apps/get-repo-installation': ({ params }) => ({
        status: 200,
        body: { id: 4242, account: { login: params.owner }, app_id: 12345, target_type: 'Organization' },
      }),
      'checks/list-for-ref': ({ params, query }) => {
        const name = query.get('check_name');
        const status = query.get('status');
        let runs = this.checkRuns.filter(
          (r) => r.head_sha === params.ref && (!name || r.name === name) && (!status || r.status === status),
        );
        // `filter` defaults to `latest`: the most recent run of each name (per app) only.
        if ((query.get('filter') ?? 'latest') === 'latest') {
          runs = runs.filter(
            (r) => !runs.some((o) => o.name === r.name && o.app.id === r.app.id && o.id > r.id),
          );
        }
        return { status: 200, body: { total_count: runs.length, check_runs: [...runs].reverse() } };
      },
      'checks/list-for-suite': ({ params, query }) => {
        const headSha = this.checkSuites.get(Number(params.check_suite_id));
        if (headSha === undefined) return notFound(`check suite ${params.check_suite_id}`);
        const name = query.get('check_name');
        let runs = this.checkRuns.filter(
          (r) => r.head_sha === headSha && r.app.id === FAKE_APP_ID && (!name || r.name === name),
        );
        if ((query.get('filter') ?? 'latest') === 'latest') {
          runs = runs.filter((r) => !runs.some((o) => o.name === r.name && o.id > r.id));
        }
        return { status: 200, body: { total_count: runs.length, check_runs: [...runs].reverse() } };
      },
      'checks/create': ({ body }) => {
        const id = this.nextId();
        const run: FakeCheckRun = {
          id,
          html_url: `https://github.com/acme/ml-platform/runs/${id}`,
          app: { id: FAKE_APP_ID, slug: 'ferry' },
          name: String(body.name),
          head_sha: String(body.head_sha),
          external_id: String(body.external_id ?? ''),
          status: String(body.status ?? (body.conclusion ? 'completed' : 'queued')),
          conclusion: (body.conclusion as string | undefined) ?? null,
          output: { annotations: [] },
        };
        this.#applyCheckRunUpdate(run, body);
        this.checkRuns.push(run);
        return { status: 201, body: run };
      },
      'checks/update': ({ params, body }) => {
        const run = this.checkRuns.find((r) => r.id === Number(params.check_run_id));
        if (!run) return notFound(`check run ${params.check_run_id}`);
        this.#applyCheckRunUpdate(run, body);
        return { status: 200, body: run };
      },
      'repos/compare-commits-with-basehead': ({ params }) => {
        const compare = this.compares.get(params.basehead ?? '');
        if (!compare) return notFound(`compare ${params.basehead}`);
        const [base] = (params.basehead ?? '').split('...');
        return {
          status: 200,
          body: {
            status: compare.status ?? 'ahead',
            ahead_by: 1,
            behind_by: 0,
            total_commits: 1,
            merge_base_commit: { sha: compare.mergeBase ?? base },
            commits: [],
            files: compare.files.map((filename) => ({ filename, status: 'modified' })),
          },
        };
      },
      'repos/download-tarball-archive': ({ params }) => ({
        status: 302,
        headers: {
          location: `${this.codeloadUrl}/${params.owner}/${params.repo}/legacy.tar.gz/${params.ref}`,
        },
        body: '',
      }),
      'git/get-tree': ({ params, query }) => {
        const files = this.trees.get(`${repoFull(params)}@${params.tree_sha}`);
        if (!files) return notFound(`tree ${params.tree_sha}`);
        // A recursive listing holds the directories too, as GitHub's does.
        const dirs = new Set<string>();
        const addDirsOf = (path: string) => {
          const parts = path.split('/');
          for (let i = 1; i < parts.length; i++) dirs.add(parts.slice(0, i).join('/'));
        };
        const blobs = Object.entries(files).map(([path, content]) => {
          addDirsOf(path);
          const body = Buffer.isBuffer(content) ? content : Buffer.from(content);
          return { path, mode: '100644', type: 'blob', sha: gitBlobSha(body), size: body.length };
        });
        // A link is a blob holding its target; a submodule a `commit` entry without a size, as GitHub lists them.
        const others = (this.treeExtras.get(`${repoFull(params)}@${params.tree_sha}`) ?? []).map((e) => {
          addDirsOf(e.path);
          return e.mode === '160000'
            ? { path: e.path, mode: e.mode, type: 'commit', sha: e.sha }
            : { path: e.path, mode: e.mode, type: 'blob', sha: e.sha, size: e.size };
        });
        const recursive = query.get('recursive') !== null;
        const tree = [
          ...[...dirs].map((path) => ({
            path,
            mode: '040000',
            type: 'tree',
            sha: gitBlobSha(Buffer.from(path)),
          })),
          ...blobs,
          ...others,
        ].filter((e) => recursive || !e.path.includes('/'));
        return { status: 200, body: { sha: params.tree_sha, url: '', tree, truncated: this.truncatedTrees } };
      },
      'git/get-blob': ({ params }) => {
        for (const [key, files] of this.trees) {
          if (!key.startsWith(`${repoFull(params)}@`)) continue;
          for (const content of Object.values(files)) {
            const body = Buffer.isBuffer(content) ? content : Buffer.from(content);
            if (gitBlobSha(body) !== params.file_sha) continue;
            return {
              status: 200,
              body: {
                sha: params.file_sha,
                size: body.length,
                encoding: 'base64',
                content: body.toString('base64'),
              },
            };
          }
        }
        return notFound(`blob ${params.file_sha}`);
      },
      'repos/get': ({ params }) => ({
        status: 200,
        body: {
          id: 1296269,
          node_id: 'MDEwOlJlcG9zaXRvcnkxMjk2MjY5',
          name: params.repo,
          full_name: repoFull(params),
          private: false,
          default_branch: this.defaultBranch,
        },
      }),
      'repos/get-content': ({ params, query }) => {
        const files = this.trees.get(`${repoFull(params)}@${query.get('ref') ?? 'main'}`);
        const path = params.path ?? '';
        const content = files?.[path];
        if (content === undefined) {
          // A directory: list its direct entries, as GitHub does.
          const entries = Object.keys(files ?? {})
            .filter((f) => f.startsWith(`${path}/`))
            .map((f) => f.slice(path.length + 1).split('/')[0] as string);
          if (entries.length === 0) return notFound(`content ${path}`);
          return {
            status: 200,
            body: [...new Set(entries)].map((name) => ({
              type: files?.[`${path}/${name}`] === undefined ? 'dir' : 'file',
              name,
              path: `${path}/${name}`,
              sha: '0'.repeat(40),
              size: 0,
            })),
          };
        }
        const buffer = Buffer.isBuffer(content) ? content : Buffer.from(content);
        return {
          status: 200,
          body: {
            type: 'file',
            encoding: 'base64',
            size: buffer.length,
            name: (params.path ?? '').split('/').pop(),
            path: params.path,
            content: buffer.toString('base64'),
            sha: '0'.repeat(40),
          },
        };
      },
      'pulls/list': (req) => {
        const state = req.query.get('state') ?? 'open';
        const sort = req.query.get('sort') ?? 'created';
        if (sort !== 'created') this.problems.push(`pulls/list: sort=${sort} is not modelled by the fake`);
        // GitHub's default direction is desc for sort=created; pull numbers grow with creation time.
        const desc = (req.query.get('direction') ?? 'desc') === 'desc';
        const list = [...this.pulls.values()]
          .filter((p) => state === 'all' || p.state === state)
          .sort((a, b) => (desc ? b.number - a.number : a.number - b.number));
        return this.#page(list, req);
      },
      'pulls/get': ({ params }) => {
        const pull = this.pulls.get(Number(params.pull_number));
        return pull ? { status: 200, body: pull } : notFound(`pull ${params.pull_number}`);
      },
      'issues/list-comments': (req) =>
        this.#page(
          this.comments.filter((c) => c.issue_number === Number(req.params.issue_number)),
          req,
        ),
      'issues/create-comment': ({ params, body }) => {
        const bot = { login: BOT.login, type: BOT.type };
        const comment = this.addComment({
          issue_number: Number(params.issue_number),
          body: String(body.body),
          user: bot,
          app: { id: FAKE_APP_ID, slug: 'ferry' },
        });
        return { status: 201, body: comment };
      },
      'issues/update-comment': ({ params, body }) => {
        const comment = this.comments.find((c) => c.id === Number(params.comment_id));
        if (!comment) return notFound(`comment ${params.comment_id}`);
        comment.body = String(body.body);
        comment.updated_at = this.now();
        return { status: 200, body: comment };
      },
      'repos/get-collaborator-permission-level': ({ params }) => {
        const role = this.permissions.get(params.username ?? '');
        if (!role) return notFound(`collaborator ${params.username}`);
        // GitHub folds maintain into `write` and triage into `read` in `permission`; `role_name` keeps it.
        // A custom role answers its own name in `role_name` and the base role it inherits in `permission`.
        const permission =
          this.customRoles.get(role) ?? (role === 'maintain' ? 'write' : role === 'triage' ? 'read' : role);
        return { status: 200, body: { permission, role_name: role, user: { login: params.username } } };
      },
      'repos/list-pull-requests-associated-with-commit': ({ params }) => {
        const numbers = this.commitPulls.get(params.commit_sha ?? '') ?? [];
        return { status: 200, body: numbers.map((n) => this.pulls.get(n)).filter(Boolean) };
      },
      'repos/list-deployments': (req) => {
        const { query } = req;
        const list = this.deployments
          .filter(
            (d) =>
              (!query.get('sha') || d.sha === query.get('sha')) &&
              (!query.get('ref') || d.ref === query.get('ref')) &&
              (!query.get('environment') || d.environment === query.get('environment')),
          )
          .reverse();
        return this.#page(list, req);
      },
      'repos/create-deployment': ({ params, body }) => {
        const d = this.addDeployment({
          sha: String(body.ref),
          environment: String(body.environment ?? 'production'),
          payload: body.payload,
        });
        d.description = (body.description as string | undefined) ?? null;
        d.url = `${this.apiUrl}/repos/${repoFull(params)}/deployments/${d.id}`;
        return { status: 201, body: d };
      },
      'repos/list-deployment-statuses': (req) => {
        const id = Number(req.params.deployment_id);
        if (!this.deployments.some((d) => d.id === id)) return notFound(`deployment ${id}`);
        return this.#page(this.statuses.filter((s) => s.deployment_id === id).reverse(), req);
      },
      'repos/create-deployment-status': ({ params, body }) => {
        const id = Number(params.deployment_id);
        if (!this.deployments.some((d) => d.id === id)) return notFound(`deployment ${id}`);
        const s = this.addDeploymentStatus({
          deployment_id: id,
          state: String(body.state),
          description: String(body.description ?? ''),
        });
        return { status: 201, body: s };
      },
      graphql: ({ body }) => {
        const variables = (body.variables ?? {}) as Record<string, unknown>;
        const input = (variables.input ?? variables) as Record<string, unknown>;
        const pull = [...this.pulls.values()].find((p) => p.node_id === input.pullRequestId);
        if (!pull) {
          return { status: 200, body: { data: null, errors: [{ message: 'Could not resolve to a node' }] } };
        }
        const number = 1000 + this.revertPulls.length + 1;
        const url = `https://github.com/acme/ml-platform/pull/${number}`;
        const title = String(input.title ?? '');
        const revertBody = String(input.body ?? '');
        this.revertPulls.push({ number, revertOf: pull.node_id, title, body: revertBody, url });
        // GitHub opens it as a pull request of the App (a bot), on a `revert-…` branch.
        this.addPull({
          number,
          title,
          body: revertBody,
          user: { login: BOT.login, type: BOT.type },
          head: { ref: `revert-${pull.number}-${pull.head.ref}`, sha: '4'.repeat(40), repo: pull.base.repo },
          base: { ...pull.base },
        });
        return {
          status: 200,
          body: { data: { revertPullRequest: { revertPullRequest: { number, url } } } },
        };
      },
    };
  }

  #applyCheckRunUpdate(run: FakeCheckRun, body: Record<string, unknown>): void {
    for (const key of [
      'name',
      'status',
      'conclusion',
      'started_at',
      'completed_at',
      'details_url',
    ] as const) {
      if (body[key] !== undefined) (run as unknown as Record<string, unknown>)[key] = body[key];
    }
    if (body.external_id !== undefined) run.external_id = String(body.external_id);
    // Setting a conclusion completes the run (GitHub's documented behaviour).
    if (body.conclusion !== undefined) run.status = 'completed';
    const output = body.output as Record<string, unknown> | undefined;
    if (output) {
      for (const key of ['title', 'summary', 'text'] as const) {
        if (output[key] !== undefined) run.output[key] = String(output[key]);
      }
      // Annotations append across updates (GitHub's documented behaviour).
      run.output.annotations.push(...((output.annotations as unknown[] | undefined) ?? []));
    }
  }
}

/** A personal access token or OAuth token (not an App installation's `ghs_`). */
function isUserToken(authorization: string | undefined): boolean {
  return /^(token|bearer) (ghp_|github_pat_|gho_)/i.test(authorization ?? '');
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    // Not JSON: keep the raw text; the OpenAPI check reports it.
    void err;
    return text;
  }
}
