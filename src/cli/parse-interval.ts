/**
 * The agent's interval flags (`--resync`, `--poll`): a duration with its unit, at least
 * MIN_INTERVAL_MS, or 0 for off. A bare number is refused rather than read as seconds: `--resync 300`
 * could mean seconds or milliseconds, and a tiny interval re-queues every Sync (or polls GitHub for
 * every target) many times a second.
 */
import { parseDuration } from '../agent/parse-duration.ts';
import { UsageError } from './usage-error.ts';

/** The shortest interval accepted: more often than this is load, not self-heal. */
export const MIN_INTERVAL_MS = 10_000;

/** `value` in milliseconds (0 = off), `fallback` when the flag is absent; a UsageError otherwise. */
export function parseInterval(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const text = value.trim();
  const ms = parseDuration(text);
  if (ms === undefined)
    throw new UsageError(`--${name} must be a duration such as 30s, 5m or 1h (got '${value}')`);
  if (ms === 0) return 0;
  if (/^[\d.]+$/.test(text)) {
    throw new UsageError(
      `--${name} ${value} has no unit: add one, e.g. ${text}s or ${text}m (0 turns it off)`,
    );
  }
  if (ms < MIN_INTERVAL_MS) {
    throw new UsageError(`--${name} must be at least 10s, or 0 to turn it off (got '${value}')`);
  }
  return ms;
}
