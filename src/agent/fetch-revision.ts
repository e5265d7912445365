import { extractTarball } from '../source/extract-tarball.ts';
import type { FetchRevision } from './agent-deps.ts';
import type { AgentGitHub } from './agent-github.ts';

/** A revision's tarball from GitHub, streamed into a size- and file-capped temp tree (src/source). */
export function createFetchRevision(
  github: AgentGitHub,
  limits: { maxBytes?: number; maxFiles?: number } = {},
): FetchRevision {
  return async ({ repository, revision }) => {
    const stream = await github.downloadTarball({ repository, revision });
    return extractTarball({ stream, revision, ...limits });
  };
}
