/**
 * Why a repo-relative path from the config is unsafe, or undefined when it is fine. Paths are POSIX and stay
 * inside the repository: rendering reads only below the checkout root.
 */
export function repoPathProblem(path: string): string | undefined {
  if (path.includes('\0')) return 'must not contain NUL characters';
  if (path.includes('\\')) return 'must use forward slashes (/), not backslashes';
  if (path.startsWith('/') || path.startsWith('~') || /^[A-Za-z]:/.test(path)) {
    return 'must be relative to the repository root, not absolute';
  }
  if (path.split('/').includes('..')) return "must stay inside the repository (no '..')";
  return undefined;
}

/** `./deploy//prod/` → `deploy/prod`; '' and './' → '.'. Call only on paths without a problem. */
export function normaliseRepoPath(path: string): string {
  const parts = path.split('/').filter((part) => part !== '' && part !== '.');
  return parts.length === 0 ? '.' : parts.join('/');
}
