import type { ChangeSet } from '../types.ts';

/** What a deployment of one target is doing, for the comment's deployments section. */
export interface DeploymentNote {
  target: string;
  /** GitHub environment name, when it differs from the target's name. */
  environment?: string;
  state: 'queued' | 'in_progress' | 'success' | 'failure' | 'error' | 'rolled_back' | 'inactive';
  sha: string;
  url?: string;
  durationSeconds?: number;
  description?: string;
}

/** Everything one report describes: a PR head (or a pushed commit) across its targets. */
export interface Report {
  /** `owner/name`, for commit links. */
  repository?: string;
  /** The GitHub server's web URL for links (default `https://github.com`; GHES: `https://<host>`). */
  webUrl?: string;
  headSha: string;
  baseSha?: string;
  changeSets: ChangeSet[];
  deployments?: DeploymentNote[];
  /** The check run's page, where the fuller diff lives. */
  detailsUrl?: string;
}
