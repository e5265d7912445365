import { ANNOTATIONS_PER_REQUEST, chunkAnnotations } from '../report/chunk-annotations.ts';
import type { CheckRunOutput } from '../report/render-check-run.ts';
import type { FlowContext } from './flow-context.ts';

/**
 * Completes a check run with its conclusion and output. Annotations go 50 a request: the earlier
 * batches while the run is still in progress, the last one with the conclusion, so a run only
 * shows completed once every annotation is on it (GitHub appends annotations across updates).
 */
export async function setCheckRunResult(
  flow: FlowContext,
  opts: { checkRunId: number; output: CheckRunOutput },
): Promise<void> {
  const { conclusion, title, summary, text, annotations } = opts.output;
  // An annotation needs a file and a line (GitHub answers 422 otherwise); file-less findings
  // (a tarball over the cap, a GitHub error) are in the summary and the comment instead.
  const placed = annotations.filter((a) => a.path !== '' && a.start_line >= 1);
  const batches = chunkAnnotations(placed, ANNOTATIONS_PER_REQUEST);
  const last = batches.pop() ?? [];
  for (const batch of batches) {
    await flow.octokit.rest.checks.update({
      ...flow.repo,
      check_run_id: opts.checkRunId,
      output: { title, summary, annotations: batch },
    });
  }
  await flow.octokit.rest.checks.update({
    ...flow.repo,
    check_run_id: opts.checkRunId,
    status: 'completed',
    conclusion,
    completed_at: flow.deps.now().toISOString(),
    output: { title, summary, ...(text ? { text } : {}), ...(last.length > 0 ? { annotations: last } : {}) },
  });
}

/** Completes a run whose result no longer matters (its head moved on) without posting one. */
export async function setCheckRunSuperseded(
  flow: FlowContext,
  opts: { checkRunId: number; newHeadSha: string },
): Promise<void> {
  await flow.octokit.rest.checks.update({
    ...flow.repo,
    check_run_id: opts.checkRunId,
    status: 'completed',
    // GitHub Actions marks runs superseded by a newer push `cancelled` too (concurrency groups).
    conclusion: 'cancelled',
    completed_at: flow.deps.now().toISOString(),
    output: {
      title: 'Superseded by a newer commit',
      summary: `The pull request moved on to ${opts.newHeadSha.slice(0, 7)}; Ferry previews that commit instead.`,
    },
  });
}
