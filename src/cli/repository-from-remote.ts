/**
 * `owner/repo` from a git remote URL, as GitHub (or GitHub Enterprise Server) spells it in clone URLs:
 * https://host/owner/repo(.git), git@host:owner/repo(.git), ssh://git@host[:port]/owner/repo(.git).
 */
import { execFileSync } from 'node:child_process';
import { UsageError } from './usage-error.ts';

const NAME = '[A-Za-z0-9_.-]+';
const PATTERNS = [
  new RegExp(`^(?:https?|ssh|git)://(?:[^@/]+@)?[^/]+/(${NAME})/(${NAME}?)(?:\\.git)?/?$`),
  new RegExp(`^[^@/:]+@[^:/]+:(${NAME})/(${NAME}?)(?:\\.git)?/?$`),
];

export function parseRepositoryUrl(url: string): string | undefined {
  for (const pattern of PATTERNS) {
    const m = pattern.exec(url.trim());
    if (m?.[1] && m[2]) return `${m[1]}/${m[2].replace(/\.git$/, '')}`;
  }
  return undefined;
}

/** `owner/repo` of the `origin` remote of the git work tree at `dir`, if it has one. */
export function getRepositoryFromRemote(dir: string): string | undefined {
  try {
    const url = execFileSync('git', ['remote', 'get-url', 'origin'], {
      cwd: dir,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    return parseRepositoryUrl(url);
  } catch (err) {
    // No git at all: not the same fix as a repository without `origin`.
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new UsageError(
        'git is not installed (or not on PATH), so the repository cannot be read from its origin remote: install git, or pass --repo OWNER/NAME',
      );
    }
    // Not a git work tree, or no `origin`: the caller says what to pass instead.
    if (err instanceof Error) return undefined;
    throw err;
  }
}
