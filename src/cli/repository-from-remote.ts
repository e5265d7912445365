/**
 * `owner/repo` from a git remote URL, as GitHub (or GitHub Enterprise Server) spells it in clone URLs:
 * https://host/owner/repo(.git), git@host:owner/repo(.git), ssh://git@host[:port]/owner/repo(.git).
 */
import { execFileSync } from 'node:child_process';

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
    // Not a git work tree, no `origin`, or no git: the caller says what to pass instead.
    if (err instanceof Error) return undefined;
    throw err;
  }
}
