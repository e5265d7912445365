/** The archive is over a size cap: nothing of it is kept. */
export class SourceTooLargeError extends Error {
  override name = 'SourceTooLargeError';
  constructor(
    readonly revision: string,
    readonly limit: { kind: 'bytes' | 'files'; max: number },
  ) {
    super(
      limit.kind === 'bytes'
        ? `source ${revision}: archive exceeds ${limit.max} uncompressed bytes`
        : `source ${revision}: archive holds more than ${limit.max} files`,
    );
  }
}

/** The archive holds an entry no honest source produces (absolute path, `..`): nothing of it is kept. */
export class UnsafeArchiveError extends Error {
  override name = 'UnsafeArchiveError';
  constructor(
    readonly revision: string,
    readonly entryPath: string,
    reason: string,
  ) {
    super(`source ${revision}: refused archive entry ${JSON.stringify(entryPath)}: ${reason}`);
  }
}

/** A ref that does not name a commit of the repository. */
export class RevisionNotFoundError extends Error {
  override name = 'RevisionNotFoundError';
  constructor(
    readonly repoDir: string,
    readonly ref: string,
    options?: ErrorOptions & { hint?: string },
  ) {
    super(`revision '${ref}' not found in ${repoDir}${options?.hint ? `; ${options.hint}` : ''}`, options);
  }
}

/** A ref that names an object other than a commit: a tree (`main:deploy`, `HEAD^{tree}`) or a blob. */
export class NotACommitError extends Error {
  override name = 'NotACommitError';
  constructor(
    readonly ref: string,
    readonly type: string,
  ) {
    const what = type === 'tree' ? 'a folder (a tree)' : type === 'blob' ? 'a file (a blob)' : `a ${type}`;
    super(
      `revision '${ref}' names ${what}, not a commit: give a branch, a tag or a commit SHA${ref.includes(':') ? ` (without ':${ref.slice(ref.indexOf(':') + 1)}')` : ''}`,
    );
  }
}

/** git itself failed (not a repository, no merge base, a crash). */
export class GitCommandError extends Error {
  override name = 'GitCommandError';
  /** `options.message` says it in Ferry's words where git's are no help (a missing merge base). */
  constructor(
    readonly args: readonly string[],
    readonly stderr: string,
    options?: ErrorOptions & { message?: string },
  ) {
    super(options?.message ?? describeGitFailure(args, stderr, options?.cause), options);
  }
}

/** What a git failure means for the user, when it is theirs to fix; else git's command and first line. */
function describeGitFailure(args: readonly string[], stderr: string, cause: unknown): string {
  if ((cause as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') {
    return 'git is not installed here (no git on PATH): install git, or put it on PATH';
  }
  // git 2.35.2 and later refuse a repository another user owns (CVE-2022-24765).
  const owner = /detected dubious ownership in repository at '(.*)'/.exec(stderr);
  if (owner) {
    return `git refuses to read ${owner[1]}: another user owns it; run ferry as that user, or trust it with git config --global --add safe.directory ${owner[1]}`;
  }
  const detail = stderr.trim().split('\n')[0] ?? '';
  return `git ${args.join(' ')} failed${detail ? `: ${detail}` : ''}`;
}

/** The stream is not a readable (gzip) tar archive: truncated, corrupt, or not an archive at all. */
export class InvalidArchiveError extends Error {
  override name = 'InvalidArchiveError';
  constructor(
    readonly revision: string,
    options: ErrorOptions & { cause: unknown },
  ) {
    const detail = options.cause instanceof Error ? options.cause.message : String(options.cause);
    super(`source ${revision}: not a valid tar archive: ${detail}`, options);
  }
}

/**
 * The revision's `.gitattributes` hides more files from GitHub's archive (`export-ignore`,
 * `export-subst`) than Ferry fetches one by one: what would be previewed or deployed is not the tree.
 */
export class HiddenByAttributesError extends Error {
  override name = 'HiddenByAttributesError';
  constructor(
    readonly revision: string,
    readonly path: string,
    readonly count: number,
  ) {
    super(
      `source ${revision}: ${path}${count > 1 ? ` and ${count - 1} more file(s) differ` : ' differs'} from the commit's tree: ` +
        "export-ignore/export-subst in .gitattributes hides them from GitHub's archive, and Ferry refuses to " +
        'preview or deploy what it cannot see; drop those attributes for files a target renders',
    );
  }
}

/** GitHub's trees API cut the commit's listing short (over 100,000 entries or 7 MB): it cannot be checked. */
export class TreeListingTruncatedError extends Error {
  override name = 'TreeListingTruncatedError';
  constructor(readonly revision: string) {
    super(
      `source ${revision}: GitHub's trees API truncated the commit's listing (over 100,000 entries or 7 MB), ` +
        'so Ferry cannot check the archive against the tree; keep deployable repositories smaller',
    );
  }
}
