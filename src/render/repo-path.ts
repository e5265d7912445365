import { lstat, realpath } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';

/** `abs` is `root` or below it (both absolute, symlink-free). */
export function isInside(root: string, abs: string): boolean {
  return abs === root || abs.startsWith(root.endsWith(sep) ? root : root + sep);
}

/** Absolute path below root → repo-relative POSIX ('.' for the root itself). */
export function toRepoPath(root: string, abs: string): string {
  const rel = relative(root, abs).split(sep).join('/');
  return rel === '' ? '.' : rel;
}

/** A repo-relative path as written in config or a CLI argument → POSIX, no `./`, no trailing `/`; '' → '.'. */
export function normalizeRepoPath(path: string): string {
  const parts = path.split(/[\\/]+/).filter((p) => p !== '' && p !== '.');
  return parts.length === 0 ? '.' : parts.join('/');
}

export type Located =
  | { ok: true; abs: string; real: string; isDirectory: boolean }
  | { ok: false; problem: 'missing' | 'outside' };

/**
 * Resolves `path` (relative to `base`, or absolute) and proves it stays in the repository once every
 * symlink is followed, and out of `.git`. `abs` is the lexical path, `real` the resolved one.
 */
export async function locateInRepo(root: string, base: string, path: string): Promise<Located> {
  const abs = isAbsolute(path) ? resolve(path) : resolve(base, path);
  let real: string;
  try {
    real = await realpath(abs);
  } catch (err) {
    if (!isMissing(err)) throw err;
    // Nothing there (or a dangling link): missing, unless the path itself already points outside.
    return { ok: false, problem: isInside(root, abs) ? 'missing' : 'outside' };
  }
  // git's own data is no part of the repository: a checkout's .git/config holds the token
  // actions/checkout persists (http.extraheader), which a kustomization could render.
  if (!isInside(root, real) || isGitData(toRepoPath(root, real))) return { ok: false, problem: 'outside' };
  const stats = await lstat(real);
  return { ok: true, abs, real, isDirectory: stats.isDirectory() };
}

/** A repo-relative path in or at a `.git` folder or file (a repository's, a submodule's or a worktree's). */
export function isGitData(repoPath: string): boolean {
  return repoPath.split('/').includes('.git');
}

export function isMissing(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}
