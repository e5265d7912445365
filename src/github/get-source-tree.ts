import { parseTreeLayout } from '../source/parse-tree-layout.ts';
import { restoreFromGitTree } from '../source/restore-from-git-tree.ts';
import { DEFAULT_MAX_SOURCE_BYTES, type ExtractedTree } from '../source/source-tree.ts';
import type { FlowContext } from './flow-context.ts';

/**
 * Fetches one revision through GitHub's tarball endpoint and extracts it, streamed: the archive is
 * never held in memory. The endpoint answers 302 to codeload.github.com with a short-lived token
 * in the URL, which fetch follows.
 *
 * The tarball honours the revision's `.gitattributes` (`export-ignore`, `export-subst`), so a hostile
 * head could hide a change: the extracted files are checked against the commit's tree (one trees API
 * call) and any that differ are fetched from the blobs API (`restoreFromGitTree`). The same listing
 * gives the tree's layout (parseTreeLayout: its submodules, which the archive leaves as empty
 * folders, and its links), so the preview treats them as `ferry diff` does.
 *
 * Fork pull requests: the head SHA is fetched from the base repository, which holds every PR head
 * as `refs/pull/<n>/head`; this works when the fork is private to the installation or deleted.
 */
export async function getSourceTree(flow: FlowContext, ref: string): Promise<ExtractedTree> {
  const response = await flow.octokit.request('GET /repos/{owner}/{repo}/tarball/{ref}', {
    ...flow.repo,
    ref,
    // Hand the body over as a stream instead of buffering it (@octokit/request >= 9).
    request: { parseSuccessResponseBody: false },
  });
  const stream = response.data as unknown as ReadableStream<Uint8Array>;
  const tree = await flow.deps.extractTarball({ stream, revision: ref, ...flow.deps.sourceLimits });
  try {
    const { data } = await flow.octokit.request('GET /repos/{owner}/{repo}/git/trees/{tree_sha}', {
      ...flow.repo,
      tree_sha: ref,
      recursive: '1',
    });
    const listing = { entries: data.tree, truncated: data.truncated };
    const restored = await restoreFromGitTree({
      tree,
      listing,
      getBlob: async (fileSha) => {
        const blob = await flow.octokit.request('GET /repos/{owner}/{repo}/git/blobs/{file_sha}', {
          ...flow.repo,
          file_sha: fileSha,
        });
        return Buffer.from(blob.data.content, blob.data.encoding === 'base64' ? 'base64' : 'utf8');
      },
      maxBytes: flow.deps.sourceLimits.maxBytes ?? DEFAULT_MAX_SOURCE_BYTES,
    });
    if (restored.length > 0) {
      flow.log.info({ ref, restored }, 'files hidden from the archive by .gitattributes read from the tree');
    }
    tree.layout = parseTreeLayout({ listing, archiveLinks: tree.archiveLinks ?? [] });
    return tree;
  } catch (err) {
    await tree.dispose();
    throw err;
  }
}
