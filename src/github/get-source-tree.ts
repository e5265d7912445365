import type { SourceTree } from '../source/source-tree.ts';
import type { FlowContext } from './flow-context.ts';

/**
 * Fetches one revision through GitHub's tarball endpoint and extracts it, streamed: the archive is
 * never held in memory. The endpoint answers 302 to codeload.github.com with a short-lived token
 * in the URL, which fetch follows.
 *
 * Fork pull requests: the head SHA is fetched from the base repository, which holds every PR head
 * as `refs/pull/<n>/head`; this works when the fork is private to the installation or deleted.
 */
export async function getSourceTree(flow: FlowContext, ref: string): Promise<SourceTree> {
  const response = await flow.octokit.request('GET /repos/{owner}/{repo}/tarball/{ref}', {
    ...flow.repo,
    ref,
    // Hand the body over as a stream instead of buffering it (@octokit/request >= 9).
    request: { parseSuccessResponseBody: false },
  });
  const stream = response.data as unknown as ReadableStream<Uint8Array>;
  return flow.deps.extractTarball({ stream, revision: ref, ...flow.deps.sourceLimits });
}
