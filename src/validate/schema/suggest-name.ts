/**
 * Optimal-string-alignment (restricted Damerau–Levenshtein) distance: insertions, deletions,
 * substitutions and swaps of two adjacent characters each cost 1. Stops early and returns `max + 1`
 * once the distance is known to exceed `max`.
 */
export function editDistance(a: string, b: string, max = Number.POSITIVE_INFINITY): number {
  if (a === b) return 0;
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const n = b.length;
  let prev2 = new Array<number>(n + 1).fill(0);
  let prev = new Array<number>(n + 1);
  let cur = new Array<number>(n + 1);
  for (let j = 0; j <= n; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    let rowMin = i;
    const ca = a.charCodeAt(i - 1);
    for (let j = 1; j <= n; j++) {
      const cb = b.charCodeAt(j - 1);
      const cost = ca === cb ? 0 : 1;
      let d = Math.min((prev[j] as number) + 1, (cur[j - 1] as number) + 1, (prev[j - 1] as number) + cost);
      if (i > 1 && j > 1 && ca === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === cb) {
        d = Math.min(d, (prev2[j - 2] as number) + 1);
      }
      cur[j] = d;
      if (d < rowMin) rowMin = d;
    }
    if (rowMin > max) return max + 1;
    [prev2, prev, cur] = [prev, cur, prev2];
  }
  return Math.min(prev[n] as number, max + 1);
}

/** Shortest prefix that counts as a likely truncation (`meta` for `metadata`, not `me`). */
const MIN_PREFIX = 3;

/**
 * The candidate the user most likely meant by `input`: a case-insensitive match first, then the closest
 * within edit distance 2, then a field `input` is a prefix of (or that is a prefix of `input`).
 * Undefined when nothing is close enough to be a useful hint.
 */
export function suggestName(input: string, candidates: Iterable<string>): string | undefined {
  const lower = input.toLowerCase();
  let best: string | undefined;
  let bestScore = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    const candidateLower = candidate.toLowerCase();
    let score: number;
    if (candidateLower === lower) score = 0;
    else {
      const d = editDistance(lower, candidateLower, 2);
      if (d <= 2 && d < Math.max(input.length, candidate.length)) score = d;
      else if (
        Math.min(input.length, candidate.length) >= MIN_PREFIX &&
        (candidateLower.startsWith(lower) || lower.startsWith(candidateLower))
      )
        score = 3;
      else continue;
    }
    if (score < bestScore) {
      best = candidate;
      bestScore = score;
    }
  }
  return best;
}
