import type { FlowContext } from './flow-context.ts';

/** GitHub lists at most 300 files in a comparison (REST docs, "Compare two commits"). */
export const COMPARE_FILE_LIMIT = 300;

export interface ComparedFiles {
  /** Changed paths (both sides of a rename), or 'all' when GitHub's list may be truncated. */
  files: string[] | 'all';
  /** The merge base of the two commits: what a pull request's diff is taken against. */
  mergeBase: string;
}

/** Files changed between two commits, as GitHub's "Files changed" shows them (three-dot compare). */
export async function listCompareFiles(
  flow: FlowContext,
  base: string,
  head: string,
): Promise<ComparedFiles> {
  const { data } = await flow.octokit.rest.repos.compareCommitsWithBasehead({
    ...flow.repo,
    basehead: `${base}...${head}`,
    per_page: 1,
  });
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
