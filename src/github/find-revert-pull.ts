import type { FlowContext } from './flow-context.ts';
import { getOwnBotLogin } from './get-own-bot-login.ts';

/**
 * The hidden marker in the body of the revert pull request Ferry opens for one `/rollback`
 * comment: a retry of that comment finds it and does not open a second one.
 */
export function revertMarker(commentId: number): string {
  return `<!-- ferry:revert-for:${commentId} -->`;
}

/**
 * Finds the revert pull request opened for one comment, among the repository's 100 newest pull
 * requests (any state): a retry comes minutes after the first attempt, not after a hundred new
 * pull requests. Reads the pulls list, not search (GitHub's search index lags behind by seconds
 * to minutes). Only pull requests this App opened count (its bot login, `<slug>[bot]`): a person or
 * another bot (one whose pull request bodies quote release notes, say) writing the marker must not
 * stop a rollback's revert.
 */
export async function findRevertPull(
  flow: FlowContext,
  commentId: number,
): Promise<{ number: number; url: string } | undefined> {
  const marker = revertMarker(commentId);
  const { data } = await flow.octokit.rest.pulls.list({
    ...flow.repo,
    state: 'all',
    sort: 'created',
    direction: 'desc',
    per_page: 100,
  });
  const candidates = data.filter((p) => p.user?.type === 'Bot' && p.body?.includes(marker));
  // The App's own login is looked up only when a candidate needs it.
  if (candidates.length === 0) return undefined;
  const own = await getOwnBotLogin(flow);
  const pull = candidates.find((p) => own !== undefined && p.user?.login === own);
  return pull ? { number: pull.number, url: pull.html_url } : undefined;
}
