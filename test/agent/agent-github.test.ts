import { generateKeyPairSync } from 'node:crypto';
import nock from 'nock';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createAgentGitHub, GitHubRequestError } from '../../src/agent/agent-github.ts';
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
});
