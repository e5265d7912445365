/**
 * The agent's own GitHub client (its credentials come from a Secret in the cluster, not from the App's
 * Lambda): reachability checks, branch heads, tarballs, and Deployment statuses.
 */
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { ProbotOctokit } from 'probot';
import type { Annotation } from '../report/render-check-run.ts';
import type { GitTreeListing } from '../source/restore-from-git-tree.ts';
import type { PullFacts } from './admit-preview.ts';

type Octokit = InstanceType<typeof ProbotOctokit>;

/** GitHub's compare status of `head` relative to `base`. `missing`: one of the commits does not exist. */
export type CompareStatus = 'ahead' | 'behind' | 'identical' | 'diverged' | 'missing';

export type DeploymentState =
  | 'in_progress'
  | 'success'
  | 'failure'
  | 'error'
  | 'inactive'
  | 'queued'
  | 'pending';

export interface AgentGitHub {
  compare(opts: { repository: string; base: string; head: string }): Promise<CompareStatus>;
  getBranchHead(opts: { repository: string; branch: string }): Promise<string>;
  /**
   * `.github/ferry.yml` (or `.yaml`) on the repository's default branch: what the admin's trust in the
   * repository means (a signal cannot pick another branch or path). `text` is undefined without a file.
   */
  getDefaultConfig(opts: {
    repository: string;
  }): Promise<{ defaultBranch: string; text: string | undefined }>;
  downloadTarball(opts: { repository: string; revision: string }): Promise<Readable>;
  /** The commit's whole tree (Git trees API, recursive): what the tarball must hold, byte for byte. */
  getTree(opts: { repository: string; revision: string }): Promise<GitTreeListing>;
  /** One blob's bytes (Git blobs API): a file the tarball left out or rewrote (`.gitattributes`). */
  getBlob(opts: { repository: string; sha: string }): Promise<Buffer>;
  /** A Deployment for a sync nobody announced (`ferry sync`, the branch poll), in the App's payload format. */
  createDeployment(opts: {
    repository: string;
    revision: string;
    branch: string;
    environment: string;
    description: string;
  }): Promise<number>;
  createDeploymentStatus(opts: {
    repository: string;
    deploymentId: number;
    state: DeploymentState;
    environment: string;
    description: string;
  }): Promise<void>;
  /** The pull request as GitHub says (state, head SHA, head and base repositories); undefined if none. */
  getPull(opts: { repository: string; number: number }): Promise<PullFacts | undefined>;
  /** Creates a check run on `headSha` (only a GitHub App may: a plain token gets 403). */
  createCheckRun(
    opts: CheckRunWrite & { name: string; headSha: string },
  ): Promise<{ id: number; url?: string }>;
  /** Updates a check run (annotations append, as GitHub documents). */
  updateCheckRun(opts: CheckRunWrite & { checkRunId: number }): Promise<void>;
}

/** A check run's fields the agent writes (REST `checks/create` and `checks/update`). */
export interface CheckRunWrite {
  repository: string;
  status: 'in_progress' | 'completed';
  conclusion?: 'success' | 'failure' | 'neutral';
  completedAt?: string;
  output: { title: string; summary: string; text?: string; annotations?: Annotation[] };
}

export type GitHubAuth = { token: string } | { appId: string | number; privateKey: string };

export class GitHubRequestError extends Error {
  override name = 'GitHubRequestError';
  readonly status: number;
  constructor(message: string, status: number, cause: unknown) {
    super(message, { cause });
    this.status = status;
  }
  /** Rate limits, 5xx and network failures are worth retrying. */
  get retryable(): boolean {
    return this.status === 0 || this.status === 429 || this.status >= 500;
  }
}

/** GitHub limits a deployment status description to 140 characters. */
const MAX_DESCRIPTION = 140;
const SHA = /^[0-9a-f]{40}$/;

function split(repository: string): { owner: string; repo: string } {
  const [owner = '', repo = ''] = repository.split('/');
  return { owner, repo };
}

function statusOf(err: unknown): number {
  const status = (err as { status?: unknown })?.status;
  return typeof status === 'number' ? status : 0;
}

function wrap(what: string, err: unknown): GitHubRequestError {
  const status = statusOf(err);
  const message = err instanceof Error ? err.message.split('\n')[0] : String(err);
  return new GitHubRequestError(`GitHub ${what}: ${status ? `HTTP ${status} ` : ''}${message}`, status, err);
}

export function truncateDescription(text: string): string {
  return text.length <= MAX_DESCRIPTION ? text : `${text.slice(0, MAX_DESCRIPTION - 1)}…`;
}

export interface AgentGitHubOptions {
  auth: GitHubAuth;
  /** GitHub Enterprise: `https://HOST/api/v3`. */
  baseUrl?: string;
  /** Extra Octokit options (tests turn retries and throttling off). */
  octokitOptions?: Record<string, unknown>;
}

/** Compare answers between two SHAs never change: cache them. */
const MAX_CACHED_COMPARES = 1000;

export function createAgentGitHub(opts: AgentGitHubOptions): AgentGitHub {
  const base = { ...(opts.baseUrl ? { baseUrl: opts.baseUrl } : {}), ...(opts.octokitOptions ?? {}) };
  const installations = new Map<string, Promise<Octokit>>();
  const compares = new Map<string, CompareStatus>();
  const tokenClient =
    'token' in opts.auth ? new ProbotOctokit({ ...base, auth: { token: opts.auth.token } }) : undefined;

  /** A token client, or the App's installation client for the repository's owner (found once). */
  const clientFor = (repository: string): Promise<Octokit> => {
    if (tokenClient) return Promise.resolve(tokenClient);
    const auth = opts.auth as { appId: string | number; privateKey: string };
    const { owner, repo } = split(repository);
    const key = repository.toLowerCase();
    const cached = installations.get(key);
    if (cached) return cached;
    const pending = (async () => {
      const app = new ProbotOctokit({ ...base, auth: { appId: auth.appId, privateKey: auth.privateKey } });
      const { data } = await app.request('GET /repos/{owner}/{repo}/installation', { owner, repo });
      return new ProbotOctokit({
        ...base,
        auth: { appId: auth.appId, privateKey: auth.privateKey, installationId: data.id },
      });
    })();
    installations.set(key, pending);
    pending.catch(() => installations.delete(key));
    return pending;
  };

  return {
    async compare({ repository, base: from, head }) {
      const key = `${repository}|${from}...${head}`;
      const cached = compares.get(key);
      if (cached) return cached;
      const { owner, repo } = split(repository);
      try {
        const octokit = await clientFor(repository);
        const { data } = await octokit.request('GET /repos/{owner}/{repo}/compare/{basehead}', {
          owner,
          repo,
          basehead: `${from}...${head}`,
          per_page: 1,
        });
        const status = data.status as CompareStatus;
        if (SHA.test(from) && SHA.test(head)) {
          if (compares.size >= MAX_CACHED_COMPARES) compares.clear();
          compares.set(key, status);
        }
        return status;
      } catch (err) {
        // 404: the commit (or branch) does not exist in this repository.
        if (statusOf(err) === 404) return 'missing';
        throw wrap(`compare ${from}...${head} in ${repository}`, err);
      }
    },

    async getBranchHead({ repository, branch }) {
      const { owner, repo } = split(repository);
      try {
        const octokit = await clientFor(repository);
        const { data } = await octokit.request('GET /repos/{owner}/{repo}/git/ref/{ref}', {
          owner,
          repo,
          ref: `heads/${branch}`,
        });
        return data.object.sha;
      } catch (err) {
        throw wrap(`head of ${repository}@${branch}`, err);
      }
    },

    async getDefaultConfig({ repository }) {
      const { owner, repo } = split(repository);
      let octokit: Octokit;
      let defaultBranch: string;
      try {
        octokit = await clientFor(repository);
        const { data } = await octokit.request('GET /repos/{owner}/{repo}', { owner, repo });
        defaultBranch = data.default_branch;
      } catch (err) {
        throw wrap(`repository ${repository}`, err);
      }
      for (const path of ['.github/ferry.yml', '.github/ferry.yaml']) {
        try {
          const { data } = await octokit.request('GET /repos/{owner}/{repo}/contents/{path}', {
            owner,
            repo,
            path,
            ref: defaultBranch,
          });
          if (Array.isArray(data) || data.type !== 'file' || !('content' in data)) continue;
          return { defaultBranch, text: Buffer.from(data.content, 'base64').toString('utf8') };
        } catch (err) {
          if (statusOf(err) === 404) continue;
          throw wrap(`${path} of ${repository}@${defaultBranch}`, err);
        }
      }
      return { defaultBranch, text: undefined };
    },

    async downloadTarball({ repository, revision }) {
      const { owner, repo } = split(repository);
      try {
        const octokit = await clientFor(repository);
        const response = await octokit.request('GET /repos/{owner}/{repo}/tarball/{ref}', {
          owner,
          repo,
          ref: revision,
          // Stream the (redirected) archive instead of buffering it in memory.
          request: { parseSuccessResponseBody: false },
        });
        return Readable.fromWeb(response.data as unknown as WebReadableStream<Uint8Array>);
      } catch (err) {
        throw wrap(`tarball of ${repository}@${revision}`, err);
      }
    },

    async getTree({ repository, revision }) {
      const { owner, repo } = split(repository);
      try {
        const octokit = await clientFor(repository);
        const { data } = await octokit.request('GET /repos/{owner}/{repo}/git/trees/{tree_sha}', {
          owner,
          repo,
          tree_sha: revision,
          recursive: '1',
        });
        return { entries: data.tree, truncated: data.truncated };
      } catch (err) {
        throw wrap(`tree of ${repository}@${revision}`, err);
      }
    },

    async getBlob({ repository, sha }) {
      const { owner, repo } = split(repository);
      try {
        const octokit = await clientFor(repository);
        const { data } = await octokit.request('GET /repos/{owner}/{repo}/git/blobs/{file_sha}', {
          owner,
          repo,
          file_sha: sha,
        });
        return Buffer.from(data.content, data.encoding === 'base64' ? 'base64' : 'utf8');
      } catch (err) {
        throw wrap(`blob ${sha} of ${repository}`, err);
      }
    },

    async createDeployment({ repository, revision, branch, environment, description }) {
      const { owner, repo } = split(repository);
      try {
        const octokit = await clientFor(repository);
        const { data } = await octokit.request('POST /repos/{owner}/{repo}/deployments', {
          owner,
          repo,
          ref: revision,
          environment,
          description: truncateDescription(description),
          auto_merge: false,
          required_contexts: [],
          // The GitHub App's `payload.ferry` shape (src/github/deployment-payload.ts), so it recognises the deployment.
          payload: { ferry: { target: environment, summary: [], branch, merge: revision } },
          production_environment: /^prod(uction)?$/i.test(environment),
        });
        if (!('id' in data))
          throw new Error(String((data as { message?: string }).message ?? 'no deployment created'));
        return Number(data.id);
      } catch (err) {
        throw wrap(`create deployment of ${repository}@${revision}`, err);
      }
    },

    async getPull({ repository, number }) {
      const { owner, repo } = split(repository);
      try {
        const octokit = await clientFor(repository);
        const { data } = await octokit.request('GET /repos/{owner}/{repo}/pulls/{pull_number}', {
          owner,
          repo,
          pull_number: number,
        });
        return {
          state: data.state === 'open' ? 'open' : 'closed',
          headSha: data.head.sha,
          headRepository: data.head.repo?.full_name ?? null,
          baseRepository: data.base.repo.full_name,
        };
      } catch (err) {
        if (statusOf(err) === 404) return undefined;
        throw wrap(`pull request #${number} of ${repository}`, err);
      }
    },

    async createCheckRun({ repository, name, headSha, status, conclusion, completedAt, output }) {
      const { owner, repo } = split(repository);
      try {
        const octokit = await clientFor(repository);
        const { data } = await octokit.request('POST /repos/{owner}/{repo}/check-runs', {
          owner,
          repo,
          name,
          head_sha: headSha,
          status,
          ...(conclusion ? { conclusion } : {}),
          ...(completedAt ? { completed_at: completedAt } : {}),
          output,
        });
        return { id: Number(data.id), ...(data.html_url ? { url: data.html_url } : {}) };
      } catch (err) {
        throw wrap(`create check run ${name} on ${repository}@${headSha}`, err);
      }
    },

    async updateCheckRun({ repository, checkRunId, status, conclusion, completedAt, output }) {
      const { owner, repo } = split(repository);
      try {
        const octokit = await clientFor(repository);
        await octokit.request('PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}', {
          owner,
          repo,
          check_run_id: checkRunId,
          status,
          ...(conclusion ? { conclusion } : {}),
          ...(completedAt ? { completed_at: completedAt } : {}),
          output,
        });
      } catch (err) {
        throw wrap(`update check run ${checkRunId} on ${repository}`, err);
      }
    },

    async createDeploymentStatus({ repository, deploymentId, state, environment, description }) {
      const { owner, repo } = split(repository);
      try {
        const octokit = await clientFor(repository);
        await octokit.request('POST /repos/{owner}/{repo}/deployments/{deployment_id}/statuses', {
          owner,
          repo,
          deployment_id: deploymentId,
          state,
          environment,
          description: truncateDescription(description),
        });
      } catch (err) {
        throw wrap(`deployment status ${state} on ${repository}#${deploymentId}`, err);
      }
    },
  };
}
