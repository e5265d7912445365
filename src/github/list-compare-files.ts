import type { FlowContext } from './flow-context.ts';

/** GitHub lists at most 300 files in a comparison (REST docs, "Compare two commits"). */
export const COMPARE_FILE_LIMIT = 300;

export interface ComparedFiles {
  /** Changed paths (both sides of a rename), or 'all' when GitHub's list may be truncated. */
  files: string[] | 'all';
  /**
   * The merge base of the two commits: what a pull request's diff is taken against. Undefined when
   * GitHub could not compare them (`tooLarge`).
   */
  mergeBase?: string;
  /** GitHub gave up on the comparison ("this diff is taking too long to generate"). */
  tooLarge?: boolean;
}

/**
 * GitHub answers a comparison it cannot compute in time with a 500 "Server Error: Sorry, this diff
 * is taking too long to generate." every time: retrying it only delays the delivery (and, in Lambda,
 * the repository's queue behind it).
 */
const TOO_LARGE = /taking too long to generate|diff is too large|too large to (be )?(generated|computed)/i;

/** Files changed between two commits, as GitHub's "Files changed" shows them (three-dot compare). */
export async function listCompareFiles(
  flow: FlowContext,
  base: string,
  head: string,
): Promise<ComparedFiles> {
  let data: Awaited<ReturnType<typeof flow.octokit.rest.repos.compareCommitsWithBasehead>>['data'];
  try {
    ({ data } = await flow.octokit.rest.repos.compareCommitsWithBasehead({
      ...flow.repo,
      basehead: `${base}...${head}`,
      per_page: 1,
    }));
  } catch (err) {
    if (isCompareTooLarge(err)) {
      flow.log.warn({ base, head }, 'GitHub could not compare the revisions: every target is rendered');
      return { files: 'all', tooLarge: true };
    }
    throw err;
  }
  const listed = data.files ?? [];
  const mergeBase = data.merge_base_commit.sha;
  if (listed.length >= COMPARE_FILE_LIMIT) return { files: 'all', mergeBase };
  const files = new Set<string>();
  for (const f of listed) {
    files.add(f.filename);
    if (f.previous_filename) files.add(f.previous_filename);
  }
  return { files: [...files].sort(), mergeBase };
}

/** GitHub's answer to a comparison it cannot compute: the same every time, so not worth a retry. */
export function isCompareTooLarge(err: unknown): boolean {
  const { status, message } = (err ?? {}) as { status?: unknown; message?: unknown };
  return (
    typeof status === 'number' && status >= 500 && typeof message === 'string' && TOO_LARGE.test(message)
  );
}
