import type { Logger, ProbotOctokit } from 'probot';
import type { FerryDeps } from './ferry-deps.ts';

export type GitHubClient = InstanceType<typeof ProbotOctokit>;

export interface RepoRef {
  owner: string;
  repo: string;
}

/** What every flow gets: an authenticated client for one installation, one repository, the deps. */
export interface FlowContext {
  octokit: GitHubClient;
  log: Logger;
  repo: RepoRef;
  /** `owner/repo` */
  repository: string;
  /** The server's web URL for links: `https://github.com`, or GitHub Enterprise Server's. */
  webUrl: string;
  /** `X-GitHub-Delivery` of the event being handled. */
  deliveryId: string;
  deps: FerryDeps;
}
