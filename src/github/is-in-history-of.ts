import type { FlowContext } from './flow-context.ts';
import { isCompareTooLarge } from './list-compare-files.ts';

/**
 * Whether `head` (a commit or a branch) holds commit `sha`: GitHub's comparison `sha...head` says
 * `ahead` or `identical`. A commit GitHub does not have (collected after a force-push, or never in this
 * repository) is in no history, and a comparison GitHub cannot compute says nothing either way: false.
 */
export async function isInHistoryOf(flow: FlowContext, sha: string, head: string): Promise<boolean> {
  try {
    const { data } = await flow.octokit.rest.repos.compareCommitsWithBasehead({
      ...flow.repo,
      basehead: `${sha}...${head}`,
      per_page: 1,
    });
    return data.status === 'ahead' || data.status === 'identical';
  } catch (err) {
    if ((err as { status?: unknown }).status === 404 || isCompareTooLarge(err)) return false;
    throw err;
  }
}
