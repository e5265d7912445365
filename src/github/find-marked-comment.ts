import type { FlowContext } from './flow-context.ts';

export interface MarkedComment {
  id: number;
  body: string;
  url: string;
}

/**
 * Finds the first comment on an issue or PR that carries `marker` and was written by a bot.
 * Only bot comments count: a person pasting the marker must not get their comment rewritten.
 * Pages through all comments (100 a page, GitHub's maximum) and stops at the first match.
 */
export async function findMarkedComment(
  flow: FlowContext,
  issueNumber: number,
  marker: string,
): Promise<MarkedComment | undefined> {
  const pages = flow.octokit.paginate.iterator(flow.octokit.rest.issues.listComments, {
    ...flow.repo,
    issue_number: issueNumber,
    per_page: 100,
  });
  for await (const page of pages) {
    for (const comment of page.data) {
      if (comment.user?.type === 'Bot' && comment.body?.includes(marker)) {
        return { id: comment.id, body: comment.body, url: comment.html_url };
      }
    }
  }
  return undefined;
}
