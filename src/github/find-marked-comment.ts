import type { FlowContext } from './flow-context.ts';
import { getOwnAppId } from './get-own-app-id.ts';

export interface MarkedComment {
  id: number;
  body: string;
  url: string;
}

/**
 * Finds the first comment on an issue or PR that carries `marker` and was written by this App
 * (`performed_via_github_app`). Only its own comments count: a person or another bot (a workflow
 * echoing a PR's text, any App quoting a comment) writing the marker must neither get its comment
 * rewritten (GitHub answers 403, and the preview never posts) nor pass for Ferry's record that a
 * `/rollback` was answered. Pages through all comments (100 a page, GitHub's maximum) and stops at
 * the first match.
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
  const appId = await getOwnAppId(flow);
  for await (const page of pages) {
    for (const comment of page.data) {
      const own = appId !== undefined && comment.performed_via_github_app?.id === appId;
      if (own && comment.user?.type === 'Bot' && comment.body?.includes(marker)) {
        return { id: comment.id, body: comment.body, url: comment.html_url };
      }
    }
  }
  return undefined;
}
