import { extractTarball } from '../source/extract-tarball.ts';
import { restoreFromGitTree } from '../source/restore-from-git-tree.ts';
import { DEFAULT_MAX_SOURCE_BYTES } from '../source/source-tree.ts';
import type { FetchRevision } from './agent-deps.ts';
import type { AgentGitHub } from './agent-github.ts';

/**
 * A revision's tarball from GitHub, streamed into a size- and file-capped temp tree (src/source),
 * then checked against the commit's tree: the tarball honours `.gitattributes` (`export-ignore`,
 * `export-subst`), and the agent must deploy what the tree says, not what the archive says. Files
 * that differ are fetched as blobs; too many refuse the revision (`restoreFromGitTree`).
 */
export function createFetchRevision(
  github: AgentGitHub,
  limits: { maxBytes?: number; maxFiles?: number } = {},
): FetchRevision {
  return async ({ repository, revision }) => {
    const stream = await github.downloadTarball({ repository, revision });
    const tree = await extractTarball({ stream, revision, ...limits });
    try {
      await restoreFromGitTree({
        tree,
        listing: await github.getTree({ repository, revision }),
        getBlob: (sha) => github.getBlob({ repository, sha }),
        maxBytes: limits.maxBytes ?? DEFAULT_MAX_SOURCE_BYTES,
      });
      return tree;
    } catch (err) {
      await tree.dispose();
      throw err;
    }
  };
}
