import { generateKeyPairSync } from 'node:crypto';
import nock from 'nock';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createAgentGitHub, GitHubRequestError } from '../../src/agent/agent-github.ts';
import { setLiveCheckRun } from '../../src/agent/set-live-check-run.ts';
import type { Annotation } from '../../src/report/render-check-run.ts';
import { FakeGitHub, gitBlobSha } from '../helpers/github/fake-github.ts';
import { SHA_A, SHA_B } from './helpers/make-target.ts';

const quiet = { retry: { enabled: false }, throttle: { enabled: false } };
const API = 'https://api.github.com';

beforeAll(() => {
  nock.disableNetConnect();
});
beforeEach(() => {
  nock.cleanAll();
});
afterEach(() => {
  expect(nock.pendingMocks()).toEqual([]);
});

const tokenClient = () => createAgentGitHub({ auth: { token: 'ghp_test' }, octokitOptions: quiet });

describe('agent GitHub client', () => {
  it('compares a branch with a SHA and caches answers between two SHAs', async () => {
    const scope = nock(API, { reqheaders: { authorization: 'token ghp_test' } })
      .get(`/repos/acme/models/compare/main...${SHA_A}`)
      .query({ per_page: '1' })
      .reply(200, { status: 'behind' })
      .get(`/repos/acme/models/compare/${SHA_A}...${SHA_B}`)
      .query({ per_page: '1' })
      .reply(200, { status: 'ahead' });
    const github = tokenClient();
    expect(await github.compare({ repository: 'acme/models', base: 'main', head: SHA_A })).toBe('behind');
    expect(await github.compare({ repository: 'acme/models', base: SHA_A, head: SHA_B })).toBe('ahead');
    expect(await github.compare({ repository: 'acme/models', base: SHA_A, head: SHA_B })).toBe('ahead');
    expect(scope.isDone()).toBe(true);
  });

  it('reports a commit GitHub does not know as missing', async () => {
    nock(API)
      .get(`/repos/acme/models/compare/main...${SHA_A}`)
      .query(true)
      .reply(404, { message: 'Not Found' });
    expect(await tokenClient().compare({ repository: 'acme/models', base: 'main', head: SHA_A })).toBe(
      'missing',
    );
  });

  it('reads a branch head from its ref', async () => {
    nock(API)
      .get('/repos/acme/models/git/ref/heads%2Frelease%2F2025')
      .reply(200, { ref: 'refs/heads/release/2025', object: { sha: SHA_B, type: 'commit' } });
    expect(await tokenClient().getBranchHead({ repository: 'acme/models', branch: 'release/2025' })).toBe(
      SHA_B,
    );
  });

  it("streams the tarball through GitHub's redirect to codeload", async () => {
    const archive = Buffer.from('pretend this is a gzipped tar');
    nock(API)
      .get(`/repos/acme/models/tarball/${SHA_A}`)
      .reply(302, '', { Location: `https://codeload.github.com/acme/models/legacy.tar.gz/${SHA_A}?token=t` });
    nock('https://codeload.github.com')
      .get(`/acme/models/legacy.tar.gz/${SHA_A}`)
      .query({ token: 't' })
      .reply(200, archive, { 'Content-Type': 'application/x-gzip' });
    const stream = await tokenClient().downloadTarball({ repository: 'acme/models', revision: SHA_A });
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(Buffer.from(chunk as Uint8Array));
    expect(Buffer.concat(chunks)).toEqual(archive);
  });

  it("creates a Deployment the GitHub App recognises, and posts statuses within GitHub's 140 characters", async () => {
    let deploymentBody: Record<string, unknown> = {};
    let statusBody: Record<string, unknown> = {};
    nock(API)
      .post('/repos/acme/models/deployments', (body) => {
        deploymentBody = body;
        return true;
      })
      .reply(201, { id: 991 })
      .post('/repos/acme/models/deployments/991/statuses', (body) => {
        statusBody = body;
        return true;
      })
      .reply(201, { id: 1 });
    const github = tokenClient();
    const id = await github.createDeployment({
      repository: 'acme/models',
      revision: SHA_A,
      branch: 'main',
      environment: 'prod',
      description: 'branch head poll',
    });
    expect(id).toBe(991);
    expect(deploymentBody).toEqual({
      ref: SHA_A,
      environment: 'prod',
      description: 'branch head poll',
      auto_merge: false,
      required_contexts: [],
      payload: { ferry: { target: 'prod', summary: [], branch: 'main', merge: SHA_A } },
      production_environment: true,
    });
    await github.createDeploymentStatus({
      repository: 'acme/models',
      deploymentId: 991,
      state: 'failure',
      environment: 'prod',
      description: 'x'.repeat(300),
    });
    expect(statusBody).toMatchObject({ state: 'failure', environment: 'prod' });
    expect(String(statusBody.description)).toHaveLength(140);
  });

  it("lists a commit's tree and reads a blob, in requests GitHub's OpenAPI description accepts", async () => {
    const gh = new FakeGitHub();
    gh.setTree(SHA_A, {
      'deploy/app.yaml': 'kind: ConfigMap\n',
      '.gitattributes': 'deploy/app.yaml export-ignore\n',
    });
    const mounted = gh.mountOnNock();
    try {
      const client = tokenClient();
      const listing = await client.getTree({ repository: 'acme/ml-platform', revision: SHA_A });
      expect(listing.truncated).toBe(false);
      const app = listing.entries.find((e) => e.path === 'deploy/app.yaml');
      expect(app).toMatchObject({
        type: 'blob',
        mode: '100644',
        sha: gitBlobSha(Buffer.from('kind: ConfigMap\n')),
      });
      const blob = await client.getBlob({ repository: 'acme/ml-platform', sha: app?.sha ?? '' });
      expect(blob.toString('utf8')).toBe('kind: ConfigMap\n');
      expect(gh.requestsFor('git/get-tree')[0]?.query.get('recursive')).toBe('1');
      gh.assertClean();
    } finally {
      mounted.unmount();
      nock.disableNetConnect();
    }
  });

  it('raises a retryable error for GitHub 5xx and a final one for 4xx', async () => {
    nock(API)
      .get('/repos/acme/models/git/ref/heads%2Fmain')
      .reply(502, 'bad gateway')
      .get('/repos/acme/models/git/ref/heads%2Fmain')
      .reply(403, { message: 'Resource not accessible by integration' });
    const github = tokenClient();
    const first = await github
      .getBranchHead({ repository: 'acme/models', branch: 'main' })
      .catch((e: unknown) => e);
    expect(first).toBeInstanceOf(GitHubRequestError);
    expect((first as GitHubRequestError).retryable).toBe(true);
    const second = await github
      .getBranchHead({ repository: 'acme/models', branch: 'main' })
      .catch((e: unknown) => e);
    expect((second as GitHubRequestError).retryable).toBe(false);
    expect((second as Error).message).toMatch(/HTTP 403 Resource not accessible by integration/);
  });

  it('authenticates as the App installation of the repository, found once', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pem = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
    nock(API)
      .get('/repos/acme/models/installation')
      .matchHeader('authorization', /^bearer ey/)
      .reply(200, { id: 4242 })
      .post('/app/installations/4242/access_tokens')
      .reply(201, {
        token: 'ghs_installation',
        expires_at: new Date(Date.now() + 3_600_000).toISOString(),
        permissions: {},
        repository_selection: 'all',
      })
      .get(`/repos/acme/models/compare/main...${SHA_A}`)
      .query(true)
      .matchHeader('authorization', 'token ghs_installation')
      .reply(200, { status: 'identical' })
      .get(`/repos/acme/models/compare/main...${SHA_B}`)
      .query(true)
      .matchHeader('authorization', 'token ghs_installation')
      .reply(200, { status: 'ahead' });
    const github = createAgentGitHub({ auth: { appId: 12345, privateKey: pem }, octokitOptions: quiet });
    expect(await github.compare({ repository: 'acme/models', base: 'main', head: SHA_A })).toBe('identical');
    expect(await github.compare({ repository: 'acme/models', base: 'main', head: SHA_B })).toBe('ahead');
  });

  it('reads a pull request as the live preview needs it: state, head SHA, and whether the head is a fork', async () => {
    const gh = new FakeGitHub();
    gh.addPull({
      number: 7,
      head: { ref: 'feature', sha: SHA_A, repo: { full_name: 'mallory/ml-platform', fork: true } },
      base: { ref: 'main', sha: SHA_B, repo: { full_name: 'acme/ml-platform', fork: false } },
    });
    const mounted = gh.mountOnNock();
    try {
      const client = tokenClient();
      expect(await client.getPull({ repository: 'acme/ml-platform', number: 7 })).toEqual({
        state: 'open',
        headSha: SHA_A,
        headRepository: 'mallory/ml-platform',
        baseRepository: 'acme/ml-platform',
      });
      expect(await client.getPull({ repository: 'acme/ml-platform', number: 8 })).toBeUndefined();
      gh.assertClean();
    } finally {
      mounted.unmount();
      nock.disableNetConnect();
    }
  });

  it('posts a completed ferry/live check run as the App, 50 annotations a request, completed with the last batch', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pem = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
    const gh = new FakeGitHub();
    const mounted = gh.mountOnNock();
    try {
      const client = createAgentGitHub({ auth: { appId: 12345, privateKey: pem }, octokitOptions: quiet });
      const annotations: Annotation[] = Array.from({ length: 120 }, (_, i) => ({
        path: `deploy/c${i}.yaml`,
        start_line: 1,
        end_line: 1,
        annotation_level: 'failure',
        message: `refused ${i}`,
      }));
      const run = await setLiveCheckRun(client, {
        repository: 'acme/ml-platform',
        target: 'prod',
        headSha: SHA_A,
        output: { conclusion: 'failure', title: 'Live: 120 refused', summary: 'sum', text: '', annotations },
        now: () => new Date('2025-06-01T12:00:00Z'),
      });
      gh.assertClean();
      const writes = gh.requests.filter((r) => r.operationId.startsWith('checks/'));
      expect(writes.map((r) => [r.operationId, (r.body as { status?: string }).status])).toEqual([
        ['checks/create', 'in_progress'],
        ['checks/update', 'in_progress'],
        ['checks/update', 'completed'],
      ]);
      expect(writes[0]?.body).toMatchObject({ name: 'ferry/live: prod', head_sha: SHA_A });
      expect(writes[0]?.body).not.toHaveProperty('details_url');
      expect(writes[2]?.body).toMatchObject({
        conclusion: 'failure',
        completed_at: '2025-06-01T12:00:00.000Z',
      });
      expect(writes.every((r) => (r.authorization ?? '').startsWith('token ghs_'))).toBe(true);
      const stored = gh.checkRuns.find((c) => c.id === run.id);
      expect(stored?.output.annotations).toHaveLength(120);
      expect(stored).toMatchObject({ status: 'completed', conclusion: 'failure', name: 'ferry/live: prod' });
    } finally {
      mounted.unmount();
      nock.disableNetConnect();
    }
  });

  it('fails with a final 403 when a plain token tries to create a check run (only Apps may)', async () => {
    const gh = new FakeGitHub();
    const mounted = gh.mountOnNock();
    try {
      const err = await tokenClient()
        .createCheckRun({
          repository: 'acme/ml-platform',
          name: 'ferry/live: prod',
          headSha: SHA_A,
          status: 'completed',
          conclusion: 'success',
          output: { title: 't', summary: 's' },
        })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(GitHubRequestError);
      expect((err as GitHubRequestError).status).toBe(403);
      expect((err as GitHubRequestError).retryable).toBe(false);
      expect((err as Error).message).toMatch(/You must authenticate via a GitHub App/);
      gh.assertClean();
    } finally {
      mounted.unmount();
      nock.disableNetConnect();
    }
  });
});
