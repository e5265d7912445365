import { findMarkedComment } from './find-marked-comment.ts';
import type { FlowContext } from './flow-context.ts';

export type CommentOutcome = 'created' | 'updated' | 'unchanged' | 'absent';

/**
 * Creates or updates the one comment carrying `marker` (the body must contain it). An identical
 * body is not written again, so a redelivered event changes nothing. With `create: false` a
 * missing comment stays missing ('absent').
 */
export async function upsertMarkedComment(
  flow: FlowContext,
  opts: { issueNumber: number; marker: string; body: string; create: boolean },
): Promise<{ outcome: CommentOutcome; url?: string }> {
  if (!opts.body.includes(opts.marker)) {
    throw new Error(`comment body for #${opts.issueNumber} lacks its marker; it could never be found again`);
  }
  const existing = await findMarkedComment(flow, opts.issueNumber, opts.marker);
  if (existing) {
    if (existing.body === opts.body) return { outcome: 'unchanged', url: existing.url };
    try {
      await flow.octokit.rest.issues.updateComment({
        ...flow.repo,
        comment_id: existing.id,
        body: opts.body,
      });
      return { outcome: 'updated', url: existing.url };
    } catch (err) {
      // Someone deleted it between the listing and the update: GitHub answers 404. It is missing,
      // like one never written (`ferry serve` gets no retry from GitHub after a failed delivery).
      if ((err as { status?: unknown }).status !== 404) throw err;
      flow.log.info({ issue: opts.issueNumber, comment: existing.id }, 'marked comment deleted meanwhile');
    }
  }
  if (!opts.create) return { outcome: 'absent' };
  const { data } = await flow.octokit.rest.issues.createComment({
    ...flow.repo,
    issue_number: opts.issueNumber,
    body: opts.body,
  });
  return { outcome: 'created', url: data.html_url };
}
