import type { FlowContext } from './flow-context.ts';
import { isCompareTooLarge } from './list-compare-files.ts';

/**
 * GitHub's comparison of `basehead` (`a...b`): `ahead` when b holds a and more, `identical`, `behind`,
 * `diverged`; undefined for a commit GitHub does not have (collected after a force-push, or never in
 * this repository), which descends from nothing, and for a comparison GitHub cannot compute, which
 * says nothing either way.
 */
export async function getCompareStatus(flow: FlowContext, basehead: string): Promise<string | undefined> {
  try {
    const { data } = await flow.octokit.rest.repos.compareCommitsWithBasehead({
      ...flow.repo,
      basehead,
      per_page: 1,
    });
    return data.status;
  } catch (err) {
    if ((err as { status?: unknown }).status === 404 || isCompareTooLarge(err)) return undefined;
    throw err;
  }
}
