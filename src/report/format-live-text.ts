import type { LiveResult } from '../live/live-result.ts';
import { quoteUnsafe } from '../manifest/quote-unsafe.ts';
import { replaceLineBreaks } from './replace-control-characters.ts';
import { summarizeLive } from './summarize-live.ts';

/** What `ferry preview` learned from a Preview's status. */
export interface LiveAnswer {
  target: string;
  revision: string;
  phase: string;
  conclusion?: string;
  message?: string;
  checkRunUrl?: string;
  result?: LiveResult;
}

const MARK = { success: '✓', failure: '✗', neutral: '!' } as const;

/**
 * A live answer as terminal lines: the headline, then every finding (severity, check, resource,
 * file:line, message) and each GPU demand. Everything from the cluster or the repository goes through
 * replaceLineBreaks, so a resource name cannot drive the terminal nor a value print a line of its own.
 */
export function formatLiveText(answer: LiveAnswer): string[] {
  const clean = replaceLineBreaks;
  const sha = answer.revision.slice(0, 7);
  if (!answer.result) {
    const why = answer.message ? `: ${clean(answer.message)}` : '';
    return [`${clean(answer.target)} @ ${sha}: ${answer.phase}${why}`];
  }
  const result = answer.result;
  const summary = summarizeLive(result, { top: 0 });
  const lines = [`${MARK[summary.conclusion]} ${clean(answer.target)} @ ${sha}: ${clean(summary.headline)}`];
  for (const f of result.findings) {
    const where = f.file ? ` (${clean(quoteUnsafe(f.file))}${f.line ? `:${f.line}` : ''})` : '';
    lines.push(
      `  ${f.severity.padEnd(7)} ${f.check.padEnd(8)} ${clean(f.resource)}${where}: ${clean(f.message)}`,
    );
  }
  if (result.truncated > 0) lines.push(`  … ${result.truncated} more findings not kept`);
  for (const d of result.gpu) {
    const type = d.gpuType ? ` ${clean(d.gpuType)}` : '';
    lines.push(
      `  gpu     ${clean(d.resource)}: needs ${d.peak} × ${clean(d.gpuResource)}${type} at peak, holds ${d.held}, ${d.free} free on matching nodes${d.fits ? '' : ': the rollout will stall'}`,
    );
  }
  for (const [check, state] of Object.entries(result.checks)) {
    if (state.state !== 'done')
      lines.push(`  ${check} ${state.state}${state.note ? `: ${clean(state.note)}` : ''}`);
  }
  if (answer.checkRunUrl) lines.push(`  check run: ${clean(answer.checkRunUrl)}`);
  return lines;
}
