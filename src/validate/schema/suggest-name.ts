import { editDistance } from '../../manifest/edit-distance.ts';

/** Shortest prefix that counts as a likely truncation (`meta` for `metadata`, not `me`). */
const MIN_PREFIX = 3;

/**
 * The candidate the user most likely meant by `input`: a case-insensitive match first, then the closest
 * within edit distance 2, then the nearest field `input` is a prefix of (or that is a prefix of `input`).
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
        // Their edit distance, past 2: of two prefix matches the nearer wins (`priorityClass` is a pod
        // spec's priorityClassName, four letters on, not its priority, five letters back).
        score = Math.abs(candidate.length - input.length);
      else continue;
    }
    if (score < bestScore) {
      best = candidate;
      bestScore = score;
    }
  }
  return best;
}
