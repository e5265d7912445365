import { liveCheckRunName } from '../live/live-marker.ts';
import { ANNOTATIONS_PER_REQUEST, chunkAnnotations } from '../report/chunk-annotations.ts';
import type { CheckRunOutput } from '../report/render-check-run.ts';
import type { AgentGitHub } from './agent-github.ts';

/**
 * Posts a finished live check as the completed check run `ferry/live: TARGET` on the PR head.
 * Annotations go 50 a request (GitHub's limit): with more than one batch the run is created in
 * progress with the first, updated with the middle ones and completed with the last, so it shows
 * completed only once every annotation is on it (as src/github/set-check-run-result.ts does).
 */
export async function setLiveCheckRun(
  github: AgentGitHub,
  opts: { repository: string; target: string; headSha: string; output: CheckRunOutput; now: () => Date },
): Promise<{ id: number; url?: string }> {
  const { conclusion, title, summary, text, annotations } = opts.output;
  // GitHub answers 422 to an annotation without a file and line; those findings are in the summary.
  const batches = chunkAnnotations(
    annotations.filter((a) => a.path !== '' && a.start_line >= 1),
    ANNOTATIONS_PER_REQUEST,
  );
  const base = { title, summary, ...(text ? { text } : {}) };
  const completed = () => ({
    status: 'completed' as const,
    conclusion,
    completedAt: opts.now().toISOString(),
  });
  const first = batches.shift() ?? [];
  const last = batches.pop();
  const created = await github.createCheckRun({
    repository: opts.repository,
    name: liveCheckRunName(opts.target),
    headSha: opts.headSha,
    ...(last === undefined ? completed() : { status: 'in_progress' as const }),
    output: { ...base, ...(first.length > 0 ? { annotations: first } : {}) },
  });
  if (last === undefined) return created;
  for (const batch of batches) {
    await github.updateCheckRun({
      repository: opts.repository,
      checkRunId: created.id,
      status: 'in_progress',
      output: { title, summary, annotations: batch },
    });
  }
  await github.updateCheckRun({
    repository: opts.repository,
    checkRunId: created.id,
    ...completed(),
    output: { ...base, annotations: last },
  });
  return created;
}
