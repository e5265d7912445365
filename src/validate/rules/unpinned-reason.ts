import { memoizeByString } from '../memoize-by-string.ts';
import { parseImageRef } from './parse-image-ref.ts';

/** Revisions that name a branch or a moving pointer, not a fixed artifact. */
const MOVING_REVISIONS: ReadonlySet<string> = new Set(['latest', 'main', 'master', 'head', 'stable', 'dev']);

/** Query parameters that pin an object version (HF `revision`, S3 `versionId`, …). */
const VERSION_PARAMS: readonly string[] = ['revision', 'version', 'versionid', 'generation', 'ref', 'tag'];

/** `latest` as a whole token: `/latest/`, `:latest`, `model-latest.pt`, `@latest`, `latest`. */
export const hasLatestToken = memoizeByString(findLatestToken);

function findLatestToken(value: string): boolean {
  return value
    .toLowerCase()
    .split(/[/\-_.:@=?&#+\s]/)
    .includes('latest');
}

/**
 * Why a model artifact URI (KServe `storageUri`) is not pinned, or undefined when it is.
 * Pinned means it names one immutable artifact: a version-like path segment (`v3`, `1.2.0`, `0001`,
 * `2024-05-01`), a digest or commit hash, an explicit revision (`hf://org/model@<sha>`, `?revision=`,
 * S3 `?versionId=`, GCS `#generation`), or for `oci://` a tag other than latest or a digest.
 */
export const unpinnedReason = memoizeByString(findUnpinnedReason);

function findUnpinnedReason(uri: string): string | undefined {
  const trimmed = uri.trim();
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(trimmed)?.[1]?.toLowerCase() ?? '';
  const rest = scheme ? trimmed.slice(scheme.length + 3) : trimmed;
  if (scheme === 'oci') {
    const { tag, digest } = parseImageRef(rest);
    if (digest !== undefined) return undefined;
    if (tag === undefined) return 'has no tag, so it resolves to latest';
    return tag === 'latest' ? 'uses the moving tag latest' : undefined;
  }
  if (scheme === 'hf') return hfReason(rest);
  if (hasLatestToken(trimmed)) return 'points at latest';
  const [beforeFragment = '', fragment] = splitOnce(rest, '#');
  const [path = '', query] = splitOnce(beforeFragment, '?');
  const revision = query ? queryRevision(query) : undefined;
  if (revision !== undefined) {
    return MOVING_REVISIONS.has(revision.toLowerCase()) ? `pins the moving revision ${revision}` : undefined;
  }
  // GCS object generation: gs://bucket/object#1360887759327000
  if (fragment !== undefined && /^\d+$/.test(fragment)) return undefined;
  const segments = path.split('/').filter((s) => s !== '');
  // The host of an http(s) URI is not part of the artifact's name.
  const named = scheme === 'http' || scheme === 'https' ? segments.slice(1) : segments;
  return named.some(isVersionLike) ? undefined : 'has no version in its path';
}

function hfReason(rest: string): string | undefined {
  const [repo = '', query] = splitOnce(rest, '?');
  const at = repo.indexOf('@');
  const revision = at >= 0 ? repo.slice(at + 1) : query ? queryRevision(query) : undefined;
  if (revision === undefined || revision === '') {
    return 'names no revision, so it follows the repository main branch (add @<commit sha>)';
  }
  return MOVING_REVISIONS.has(revision.toLowerCase()) ? `pins the moving revision ${revision}` : undefined;
}

function splitOnce(value: string, separator: string): [string, string | undefined] {
  const i = value.indexOf(separator);
  return i < 0 ? [value, undefined] : [value.slice(0, i), value.slice(i + 1)];
}

function queryRevision(query: string): string | undefined {
  for (const pair of query.split('&')) {
    const [key = '', value] = splitOnce(pair, '=');
    if (VERSION_PARAMS.includes(key.toLowerCase()) && value) return decodeURIComponentSafe(value);
  }
  return undefined;
}

function decodeURIComponentSafe(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch (err) {
    // A malformed %-escape is not ours to fix here: the raw text is still a revision name.
    if (err instanceof URIError) return value;
    throw err;
  }
}

/** Whether one path segment names a version: `v3`, `model-v2.onnx`, `1.2.0`, `0001`, a date, a digest. */
export function isVersionLike(segment: string): boolean {
  if (/^\d+(\.\d+)*$/.test(segment)) return true;
  if (/(^|\D)(\d{4}-\d{2}-\d{2}|(19|20)\d{6})(\D|$)/.test(segment)) return true;
  return segment.split(/[-_@:=+]/).some((token) => {
    const bare = token.replace(/\.[a-z][a-z0-9]*$/i, '');
    if (/^v\d+(\.\d+)*$/i.test(bare)) return true;
    if (/^\d+\.\d+\.\d+$/.test(bare)) return true;
    return /^[0-9a-f]{7,64}$/i.test(bare) && /\d/.test(bare) && /[a-f]/i.test(bare);
  });
}

/** A URI safe to print: user info (`https://user:token@host`) is masked. */
export function redactUserInfo(uri: string): string {
  return uri.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]*@/i, '$1***@');
}
