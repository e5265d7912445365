import type { CompareStatus } from './agent-github.ts';

export type HoldDecision =
  | { refuse: false /** The request ends the hold. */; lift: boolean }
  | { refuse: true; message: string };

const short = (sha: string) => sha.slice(0, 7);

/**
 * A rollback that stays. Pure. While a revision is held (rolled back, by `/rollback` or after failing
 * health), a request applies only when it is a newer commit than the held one (the revert's merge, a
 * fix), an explicit rollback, or an explicit release (`ferry sync --release-hold`). The held commit
 * itself, and anything not newer than it, is refused, whoever signals it (a poll, a re-sent signal,
 * an edit of the Sync).
 */
export function decideHold(opts: {
  revision: string;
  held: string | undefined;
  rollback: boolean;
  releaseHold: boolean;
  /** compare(held...revision); undefined when there is no hold or the revision is the held one. */
  order: CompareStatus | undefined;
}): HoldDecision {
  const { held, revision } = opts;
  if (!held) return { refuse: false, lift: false };
  if (opts.releaseHold) return { refuse: false, lift: true };
  if (opts.rollback && revision !== held) return { refuse: false, lift: false };
  if (revision !== held && opts.order === 'ahead') return { refuse: false, lift: true };
  const why =
    revision === held
      ? `${short(revision)} is held`
      : `${short(revision)} is not newer than the held ${short(held)}`;
  return {
    refuse: true,
    message: `${why}: it was rolled back; a newer commit on the branch or \`ferry sync TARGET --release-hold\` lifts the hold`,
  };
}
