/**
 * `before → after`, with what both share elided from `after` so the eye lands on what moved:
 * `gs://m/classifier/v1 → …/v2`, `classifier-v1 → v2`, `1.0 → 1.1`.
 */
export function formatTransition(
  before: string | undefined,
  after: string | undefined,
  none = 'none',
): string {
  if (before === undefined) return after ?? none;
  if (after === undefined) return `${before} → ${none}`;
  return `${before} → ${compactAfter(before, after)}`;
}

// Separators a reader splits identifiers on. Not `.`: `1.3 → 4` would read as a different version.
const SEPARATORS = new Set(['/', '-', '_', ':', ' ', '@', '=']);
const MIN_SHARED = 4;

/** `after` without the prefix it shares with `before`, cut at a separator. */
export function compactAfter(before: string, after: string): string {
  let common = 0;
  const limit = Math.min(before.length, after.length);
  while (common < limit && before[common] === after[common]) common++;
  // One is the other plus more: nothing sensible to elide.
  if (common === after.length || common === before.length) return after;
  let sep = -1;
  for (let i = common - 1; i >= 0; i--) {
    if (SEPARATORS.has(after[i] ?? '')) {
      sep = i;
      break;
    }
  }
  if (sep + 1 < MIN_SHARED) return after;
  const shared = after.slice(0, sep + 1);
  // In a path the place matters (`…/v2` is a sibling of `…/v1`); in a name the tail says enough.
  return shared.includes('/') ? `…${after.slice(sep)}` : after.slice(sep + 1);
}

/** An image reference split for display: digests shortened to 12 hex digits. */
export function formatImageTransition(before: string | undefined, after: string | undefined): string {
  if (before === undefined) return shortenDigest(after ?? 'none');
  if (after === undefined) return `${shortenDigest(before)} → none`;
  const a = splitImage(before);
  const b = splitImage(after);
  if (a.repository === b.repository)
    return `${shortenDigest(before)} → ${shortenDigest(b.version || 'latest')}`;
  return `${shortenDigest(before)} → ${shortenDigest(after)}`;
}

/** `registry/ml/app:1.0@sha256:…` → repository `registry/ml/app`, version `1.0@sha256:…`. */
export function splitImage(image: string): { repository: string; version: string } {
  const at = image.indexOf('@');
  const beforeDigest = at >= 0 ? image.slice(0, at) : image;
  const colon = beforeDigest.lastIndexOf(':');
  const tagged = colon > beforeDigest.lastIndexOf('/');
  const repository = tagged ? beforeDigest.slice(0, colon) : beforeDigest;
  const tag = tagged ? beforeDigest.slice(colon + 1) : '';
  const digest = at >= 0 ? image.slice(at + 1) : '';
  return { repository, version: digest ? `${tag}@${digest}` : tag };
}

function shortenDigest(text: string): string {
  return text.replace(/(sha256:[0-9a-f]{12})[0-9a-f]{52}/g, '$1…');
}
