import { Readable } from 'node:stream';
import type { PullFacts } from '../../../src/agent/admit-preview.ts';
import type { AgentGitHub, CheckRunWrite, DeploymentState } from '../../../src/agent/agent-github.ts';
import { gitBlobSha } from '../../helpers/github/fake-github.ts';
import type { FakeRepo } from './fake-repo.ts';

export interface RecordedStatus {
  deploymentId: number;
  state: DeploymentState;
  environment: string;
  description: string;
}

/** AgentGitHub over a FakeRepo, recording deployments and statuses (agent logic tests; the real client is tested with nock). */
export class FakeGitHub implements AgentGitHub {
  readonly statuses: RecordedStatus[] = [];
  readonly deployments: { id: number; revision: string; environment: string }[] = [];
  /** Pull requests by number (the agent's live previews read them). */
  readonly pulls = new Map<number, PullFacts>();
  /** Check runs written, in order (creates and updates). */
  readonly checkRuns: (
    | (CheckRunWrite & { kind: 'create'; name: string; headSha: string })
    | (CheckRunWrite & { kind: 'update'; checkRunId: number })
  )[] = [];
  compareCalls = 0;
  /** Throw this from the next calls (GitHub outage). */
  failWith: Error | undefined;
  private nextId = 1000;

  constructor(readonly repo: FakeRepo) {}

  private check(): void {
    if (this.failWith) throw this.failWith;
  }

  async compare(opts: { repository: string; base: string; head: string }) {
    this.check();
    this.compareCalls++;
    return this.repo.compare(opts.base, opts.head);
  }

  async getBranchHead(opts: { repository: string; branch: string }) {
    this.check();
    const sha = this.repo.branches.get(opts.branch);
    if (!sha) throw new Error(`no branch ${opts.branch}`);
    return sha;
  }

  async getDefaultConfig(_opts: { repository: string }) {
    this.check();
    const head = this.repo.branches.get(this.repo.defaultBranch);
    if (!head) throw new Error(`no branch ${this.repo.defaultBranch}`);
    const files = this.repo.files(head);
    return {
      defaultBranch: this.repo.defaultBranch,
      text: files['.github/ferry.yml'] ?? files['.github/ferry.yaml'],
    };
  }

  async downloadTarball(_opts: { repository: string; revision: string }): Promise<Readable> {
    return Readable.from([]);
  }

  /** The FakeRepo's files at `revision`, listed as the Git trees API does (blobs only). */
  async getTree(opts: { repository: string; revision: string }) {
    this.check();
    const entries = Object.entries(this.repo.files(opts.revision)).map(([path, content]) => ({
      path,
      mode: '100644',
      type: 'blob',
      sha: gitBlobSha(Buffer.from(content)),
      size: Buffer.byteLength(content),
    }));
    return { entries, truncated: false };
  }

  async getBlob(opts: { repository: string; sha: string }) {
    this.check();
    for (const commit of this.repo.allFiles()) {
      for (const content of Object.values(commit)) {
        if (gitBlobSha(Buffer.from(content)) === opts.sha) return Buffer.from(content);
      }
    }
    throw Object.assign(new Error(`GitHub blob ${opts.sha}: HTTP 404 Not Found`), { status: 404 });
  }

  async createDeployment(opts: {
    repository: string;
    revision: string;
    environment: string;
    description: string;
  }) {
    this.check();
    const id = this.nextId++;
    this.deployments.push({ id, revision: opts.revision, environment: opts.environment });
    return id;
  }

  async createDeploymentStatus(opts: {
    repository: string;
    deploymentId: number;
    state: DeploymentState;
    environment: string;
    description: string;
  }) {
    this.check();
    this.statuses.push({
      deploymentId: opts.deploymentId,
      state: opts.state,
      environment: opts.environment,
      description: opts.description,
    });
  }

  async getPull(opts: { repository: string; number: number }) {
    this.check();
    return this.pulls.get(opts.number);
  }

  async createCheckRun(opts: CheckRunWrite & { name: string; headSha: string }) {
    this.check();
    this.checkRuns.push({ kind: 'create', ...opts });
    return { id: this.nextId++ };
  }

  async updateCheckRun(opts: CheckRunWrite & { checkRunId: number }) {
    this.check();
    this.checkRuns.push({ kind: 'update', ...opts });
  }
}
