/**
 * Where the repository is, for commands that take `--repo DIR` (or `--root DIR`) and PATHs: `--repo`
 * must be an existing directory; without it a PATH's git root is the repository (as kubeconform takes
 * any path), else the working directory's git root (as git itself and `ferry diff` take it), else the
 * working directory.
 */
import { spawnSync } from 'node:child_process';
import { realpathSync, statSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { isInside, isMissing } from '../render/repo-path.ts';
import { UsageError } from './usage-error.ts';

/** `--repo DIR` (default: the working directory), checked to be a directory. `ferry diff` asks git, which finds the root. */
export function resolveRepoDir(repo: string | undefined, cwd = process.cwd(), flag = '--repo'): string {
  const dir = resolve(cwd, repo ?? '.');
  let isDir = false;
  try {
    isDir = statSync(dir).isDirectory();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT' && (err as NodeJS.ErrnoException).code !== 'ENOTDIR')
      throw err;
  }
  if (!isDir) throw new UsageError(`${flag} ${repo ?? '.'}: no such directory`);
  return dir;
}

/**
 * The working tree `validate`, `render`, `sync` and `preview` read .github/ferry.yml and manifests from:
 * `--repo DIR` as given (checked to be a directory), else the git root of the working directory (from
 * a subfolder, as git and `ferry diff` take it), else the working directory itself. A bare repository
 * or a .git folder has no working tree: refused, rather than read as a folder without a config.
 */
export function resolveWorkTree(repo: string | undefined, cwd = process.cwd(), flag = '--repo'): string {
  const dir = repo === undefined ? cwd : resolveRepoDir(repo, cwd, flag);
  const found = findWorkTree(dir);
  if (found && 'gitDir' in found) {
    const named = repo === undefined ? `the working directory ${dir}` : `${flag} ${repo}`;
    throw new UsageError(
      found.gitDir === 'bare'
        ? `${named} is a bare git repository: it has no working tree to read .github/ferry.yml and manifests from; run ferry in a clone with one, or pass ${flag} DIR`
        : `${named} is inside a .git folder, not the working tree: run ferry in the repository's working tree, or pass ${flag} DIR`,
    );
  }
  return repo === undefined && found ? found.root : dir;
}

/**
 * What git says `dir` is in: a working tree (its root), a git directory with none (a bare repository,
 * or inside .git), or nothing (not a repository, or no git at all).
 */
function findWorkTree(dir: string): { root: string } | { gitDir: 'bare' | 'inside' } | undefined {
  // In a git directory, --show-toplevel fails (exit 128) after the first two have answered.
  const r = spawnSync(
    'git',
    ['rev-parse', '--is-bare-repository', '--is-inside-git-dir', '--show-toplevel'],
    {
      cwd: dir,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    },
  );
  if (r.error) return undefined;
  const [bare, insideGitDir, root] = r.stdout.split('\n');
  if (r.status === 0 && root) return { root };
  if (insideGitDir === 'true') return { gitDir: bare === 'true' ? 'bare' : 'inside' };
  return undefined;
}

/** The git work tree holding `path`, if any (git is asked; a missing git binary means none). */
function gitRootOf(path: string): string | undefined {
  let dir = resolve(path);
  try {
    if (!statSync(dir).isDirectory()) dir = dirname(dir);
  } catch (err) {
    // No such path, or one that cannot be read: the caller falls back, and the reader reports it.
    if (err instanceof Error) return undefined;
    throw err;
  }
  const found = findWorkTree(dir);
  return found && 'root' in found ? found.root : undefined;
}

/**
 * The repository and repo-relative POSIX paths for `ferry validate PATH...`. With `--repo`, relative
 * PATHs are read from inside it; without, the first PATH's git root (else the working directory, else
 * the PATH's own folder) is the repository.
 */
export function resolvePaths(
  paths: string[],
  repo: string | undefined,
  cwd = process.cwd(),
): {
  root: string;
  /** Repository-relative, each once. */
  paths: string[];
  /** How the user named each of `paths` (the first spelling of a path named twice). */
  given: string[];
} {
  const root = real(repo !== undefined ? resolveRepoDir(repo, cwd) : defaultRoot(paths, cwd));
  const base = repo !== undefined ? root : cwd;
  const rel = paths.map((p, i) => {
    const named = resolve(base, p);
    const abs = real(named, p);
    const r = relative(root, abs);
    if (r.startsWith('..') || isAbsolute(r)) {
      // Named inside, real outside (or the first PATH, which the root was taken from): a symlink leads out.
      if (abs !== named && (i === 0 || isInside(root, named))) {
        throw new UsageError(
          `${p} leads through a symlink to ${abs}, outside ${repo !== undefined ? `--repo ${repo}` : root}: name ${abs} itself to validate it`,
        );
      }
      throw new UsageError(
        repo !== undefined
          ? `${p} is outside --repo ${repo}`
          : `${p} is not in the same repository as ${paths[0]}; validate them one repository at a time`,
      );
    }
    return r.split('\\').join('/') || '.';
  });
  // A path named twice (`samples ./samples/`) is read once: twice, its objects would be duplicates.
  const named = new Map<string, string>();
  rel.forEach((r, i) => {
    if (!named.has(r)) named.set(r, paths[i] ?? r);
  });
  return { root, paths: [...named.keys()], given: [...named.values()] };
}

function defaultRoot(paths: string[], cwd: string): string {
  const all = paths.map((p) => resolve(cwd, p));
  const first = all[0] ?? cwd;
  const git = gitRootOf(first);
  if (git) return git;
  if (all.every((abs) => isInside(cwd, abs))) return cwd;
  // Outside any repository and the current folder (kubeconform takes any paths): the folder holding them all.
  const dirs = all.map((abs, i) => {
    try {
      return statSync(abs).isDirectory() ? abs : dirname(abs);
    } catch (err) {
      if (isMissing(err)) throw new UsageError(`${paths[i]}: no such file or directory`);
      throw pathProblem(err, paths[i] ?? abs);
    }
  });
  return dirs.reduce(commonFolder);
}

/** The deepest folder holding both (absolute) folders. */
function commonFolder(a: string, b: string): string {
  let folder = a;
  while (!isInside(folder, b)) folder = dirname(folder);
  return folder;
}

/**
 * The path with symlinks resolved (git reports real paths), or as given when it does not exist (the
 * reader says so). `given` is how the user named it, for the error of a path that cannot be resolved.
 */
function real(path: string, given = path): string {
  try {
    return realpathSync(path);
  } catch (err) {
    if (isMissing(err)) return path;
    throw pathProblem(err, given);
  }
}

/** A PATH that cannot be resolved, as one line naming it and what to do; other errors as they are. */
function pathProblem(err: unknown, given: string): unknown {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ELOOP')
    return new UsageError(
      `${given}: a symlink loop (too many levels of symbolic links): fix the link, or name the file it should lead to`,
    );
  if (code === 'EACCES') return new UsageError(`${given}: permission denied: name a path you can read`);
  return err;
}
