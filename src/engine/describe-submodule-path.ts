import { normalizeRepoPath } from '../render/repo-path.ts';
import type { Finding, Target } from '../types.ts';

/** The submodule (gitlink) `path` is at or below, if any. */
export function findSubmoduleOf(path: string, submodules: readonly string[]): string | undefined {
  const normal = normalizeRepoPath(path);
  return submodules.find((s) => normal === s || normal.startsWith(`${s}/`));
}

/**
 * A warning for a target whose path is in a git submodule at the head or the base revision: the
 * revision's tree holds only the submodule's commit id (a gitlink, mode 160000), not its files, so a
 * revision read from git (ferry diff) or GitHub (the App's tarball) has an empty folder there, and the
 * target showed "no changes" or a missing path while `ferry validate` read the checked-out files. On
 * the target's line in the head's `.github/ferry.yml` when it has one, else on the file's first line.
 */
export function describeSubmodulePath(opts: {
  name: string;
  /** The head's target, when the head has one (its line is where the warning goes). */
  headTarget: Target | undefined;
  head: { path: string; submodule: string } | undefined;
  base: { path: string; submodule: string } | undefined;
}): Finding {
  const { head, base } = opts;
  const where = head
    ? `its path ${head.path} is in the git submodule ${head.submodule}${base && (base.path !== head.path || base.submodule !== head.submodule) ? ` (at the base revision ${base.path}, in ${base.submodule})` : ''}`
    : `at the base revision its path ${base?.path} is in the git submodule ${base?.submodule}`;
  return {
    rule: 'render',
    severity: 'warning',
    file: opts.headTarget?.declared?.file ?? '.github/ferry.yml',
    line: opts.headTarget?.declared?.line ?? 1,
    message: `target '${opts.name}': ${where}; the repository records only the submodule's commit, not its files, so ferry diff and the GitHub App cannot read them and the target's changes are not shown; keep the target's manifests in the repository itself`,
  };
}
