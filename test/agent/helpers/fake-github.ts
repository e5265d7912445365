import { Readable } from 'node:stream';
import type { AgentGitHub, DeploymentState } from '../../../src/agent/agent-github.ts';
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
}
