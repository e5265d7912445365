import { closestMatch } from '../manifest/closest-match.ts';
import { runGit } from './run-git.ts';
import { GitCommandError, NotACommitError, RevisionNotFoundError } from './source-errors.ts';

/**
 * Full SHAs this process has seen git resolve to a commit, per repository. A commit's SHA names the
 * same commit for ever, so passing a resolved SHA on (to openGitRevision, listChangedFiles) costs no
 * second `git rev-parse`; branches and other names are always asked again.
 */
const knownCommits = new Map<string, Set<string>>();
const MAX_KNOWN_PER_REPO = 1_000;
const MAX_KNOWN_REPOS = 100;

/** A branch, tag, short SHA or expression (`HEAD~1`) → the full SHA of the commit it names. */
export async function resolveGitRevision(repoDir: string, ref: string): Promise<string> {
  if (knownCommits.get(repoDir)?.has(ref)) return ref;
  // --end-of-options: a ref such as `--output=x` from a comment or a CLI argument stays a ref.
  const args = ['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`];
  const result = await runGit(repoDir, args);
  const sha = result.stdout.trim();
  if (result.code === 0 && /^[0-9a-f]{40}([0-9a-f]{24})?$/.test(sha)) {
    rememberCommit(repoDir, sha);
    return sha;
  }
  // A tree, blob or tag of one (`HEAD^{tree}`, `main:deploy`, a file's SHA) is there but no revision.
  const type = await objectTypeOf(repoDir, ref);
  if (type !== undefined && type !== 'commit') throw new NotACommitError(ref, type);
  // --quiet silences "unknown revision"; anything git still says is about the repository itself.
  if (result.stderr.trim() !== '') throw new GitCommandError(args, result.stderr);
  throw new RevisionNotFoundError(repoDir, ref, { hint: await whereToFind(repoDir, ref) });
}

/**
 * Where a revision the clone lacks could come from: a shallow clone (CI checkouts fetch one commit by
 * default) lacks the history, a remote-tracking name was never fetched (CI checkouts fetch one branch).
 */
async function whereToFind(repoDir: string, ref: string): Promise<string | undefined> {
  // A fresh `git init`: HEAD names a branch with no commit yet, and no ref exists at all.
  const refs = await runGit(repoDir, ['for-each-ref', '--count=1', '--format=%(refname)']);
  if (refs.code === 0 && refs.stdout.trim() === '') {
    return 'the repository has no commits yet: commit first (ferry validate checks the files as they are)';
  }
  const remote = /^([\w.-]+)\/([\w./-]+)$/.exec(ref);
  if (remote) {
    const remotes = await runGit(repoDir, ['remote']);
    if (remotes.code === 0 && remotes.stdout.split('\n').includes(remote[1] as string)) {
      return `fetch it first (git fetch ${remote[1]} ${remote[2]})`;
    }
  }
  const shallow = await runGit(repoDir, ['rev-parse', '--is-shallow-repository']);
  if (shallow.code === 0 && shallow.stdout.trim() === 'true') {
    return 'it is a shallow clone: fetch the history (git fetch --unshallow, or fetch-depth: 0 in actions/checkout)';
  }
  return await closeRefName(repoDir, ref);
}

/** Branches, tags and remote-tracking names looked through for a did-you-mean. */
const MAX_REF_NAMES = 5_000;

/** `did you mean 'main'?` for a name one typo from a branch, tag or remote-tracking name (`mian`). */
async function closeRefName(repoDir: string, ref: string): Promise<string | undefined> {
  // A name as typed, not an expression (`HEAD~9`, `main^2`, `v1:deploy`).
  if (!/^[\w./-]+$/.test(ref)) return undefined;
  const listed = await runGit(repoDir, [
    'for-each-ref',
    `--count=${MAX_REF_NAMES}`,
    '--format=%(refname:short)',
    'refs/heads',
    'refs/tags',
    'refs/remotes',
  ]);
  if (listed.code !== 0) return undefined;
  const names = listed.stdout.split('\n').filter((n) => n !== '' && !n.endsWith('/HEAD'));
  const close = closestMatch(ref, names);
  return close === undefined ? undefined : `did you mean '${close}'?`;
}

/** The type of the object `ref` names (commit, tree, blob, tag), or undefined when it names none. */
async function objectTypeOf(repoDir: string, ref: string): Promise<string | undefined> {
  const result = await runGit(repoDir, ['cat-file', '-t', '--end-of-options', ref]);
  return result.code === 0 ? result.stdout.trim() : undefined;
}

export function rememberCommit(repoDir: string, sha: string): void {
  let known = knownCommits.get(repoDir);
  if (!known) {
    if (knownCommits.size >= MAX_KNOWN_REPOS) knownCommits.clear();
    known = new Set();
    knownCommits.set(repoDir, known);
  }
  if (known.size >= MAX_KNOWN_PER_REPO) known.clear();
  known.add(sha);
}
