import type { ChangeSet, Target } from '../types.ts';

export type LiveRequestPlan = { action: 'request'; target: Target } | { action: 'forks-off'; target: Target };

/**
 * Which targets' agents the App asks for a live check of a PR head (pure). A target qualifies when the
 * PR's change touches it (its change set rendered), and the BASE revision's config — never the PR's
 * own — says `preview: live` and names a cluster. A PR from a fork is asked for only where that config
 * also says `livePreviewForks: true`; elsewhere the comment says the check is off for forks.
 */
export function planLiveRequests(opts: {
  changeSets: readonly ChangeSet[];
  baseTargets: readonly Target[] | undefined;
  fromFork: boolean;
}): LiveRequestPlan[] {
  // A target the PR removes has no head to check.
  const affected = new Set(
    opts.changeSets.filter((c) => !c.renderFailed && !c.targetRemoved).map((c) => c.target),
  );
  const plans: LiveRequestPlan[] = [];
  for (const target of opts.baseTargets ?? []) {
    if (target.preview !== 'live' || target.cluster === undefined || !affected.has(target.name)) continue;
    plans.push(
      opts.fromFork && target.livePreviewForks !== true
        ? { action: 'forks-off', target }
        : { action: 'request', target },
    );
  }
  return plans;
}
