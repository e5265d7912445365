/** What a credential reads as once scrubbed. */
export const REDACTED_CREDENTIAL = '<redacted>';

/**
 * `scheme://user:token@host` and `scheme://token@host`: userinfo (RFC 3986 §3.2.1) is everything
 * between `//` and the first `@` before the path. Git hosts take a token as either part
 * (`https://x-access-token:ghp_…@github.com`, `https://oauth2:glpat-…@gitlab.com`).
 */
const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@"'<>`]+@/gi;

/** kustomize and go-getter also take scheme-less `user:token@host.tld/…`. */
const BARE_USERINFO = /(^|[\s"'(<[`=,])[^\s/?#@:"'<>`]+:[^\s/?#@"'<>`]+@(?=[a-z0-9-]+(?:\.[a-z0-9-]+)+)/gi;

/** Query parameters that carry a credential (OAuth, GitLab, S3 presigned URLs, SAS tokens, …). */
const TOKEN_PARAM =
  /([?&;](?:access_token|refresh_token|id_token|token|private_token|auth|authorization|password|passwd|pwd|secret|client_secret|api_key|apikey|key|sig|signature|x-amz-signature|x-amz-credential|x-amz-security-token|x-goog-signature|x-goog-credential|code)=)[^&#\s"'<>`]+/gi;

/**
 * Token formats that are credentials wherever they appear: GitHub's (`ghp_`, `gho_`, `ghu_`, `ghs_`,
 * `ghr_`, `github_pat_`), GitLab personal tokens (`glpat-`), AWS access key ids.
 */
const TOKEN_SHAPES =
  /\b(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,}|glpat-[A-Za-z0-9_-]{20,}|A[KS]IA[A-Z0-9]{16})\b/g;

/**
 * `text` with the credentials a URL can carry replaced by `<redacted>`: userinfo, token-like query
 * parameters and well-known token shapes. Every message Ferry prints (findings, errors, logs,
 * comments, check runs, Events) passes through here, because a repository or a tool can quote a URL
 * anywhere. The URL stays readable: `https://<redacted>@github.com/org/repo?ref=main`.
 */
export function redactCredentials(text: string): string {
  // Each expression runs only where what it needs is there: diffs, the bulk of what passes through
  // here, all have an `@` (hunk headers) but rarely one that can end a userinfo.
  const hasShape = mayHoldTokenShape(text);
  if (!text.includes('@') && !text.includes('=') && !hasShape) return text;
  let out = text;
  if (mayEndUserinfo(out)) {
    out = out
      .replace(URL_USERINFO, `$1${REDACTED_CREDENTIAL}@`)
      .replace(BARE_USERINFO, `$1${REDACTED_CREDENTIAL}@`);
  }
  if (out.includes('=') && (out.includes('?') || out.includes('&') || out.includes(';'))) {
    out = out.replace(TOKEN_PARAM, `$1${REDACTED_CREDENTIAL}`);
  }
  if (hasShape) out = out.replace(TOKEN_SHAPES, REDACTED_CREDENTIAL);
  return out;
}

/**
 * Whether `text` has the start of a token shape: `gh`, `github_pat_`, `glpat`, `AKIA` or `ASIA`. A
 * fine-grained GitHub token alone (no `@`, no `=`, as in `token: github_pat_…`) was let through
 * unredacted while this check was `/gh|glpat|A[KS]IA/`: `github` has no `gh`.
 */
function mayHoldTokenShape(text: string): boolean {
  return (
    text.includes('gh') ||
    text.includes('github_pat_') ||
    text.includes('glpat') ||
    text.includes('AKIA') ||
    text.includes('ASIA')
  );
}

/**
 * Whether some `@` follows a character a userinfo may end with: both userinfo expressions need one
 * (`[^\s/?#@"'<>`]+@`). Only ASCII whitespace is ruled out here; other `\s` characters let the
 * expressions decide.
 */
function mayEndUserinfo(text: string): boolean {
  for (let i = text.indexOf('@', 1); i >= 0; i = text.indexOf('@', i + 1)) {
    if (!NOT_BEFORE_AT.has(text.charCodeAt(i - 1))) return true;
  }
  return false;
}
const NOT_BEFORE_AT: ReadonlySet<number> = new Set([...' \t\n\r\v\f/?#@"\'<>`'].map((c) => c.charCodeAt(0)));
