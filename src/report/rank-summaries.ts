import type { ChangeSet } from '../types.ts';

/** Summary lines of one target that say the same thing, told once. */
export interface SummaryGroup {
  target: string;
  resources: string[];
  facts: string[];
}

// What a reviewer of an AI system must not miss comes first: what serves, on what hardware, to whom.
const RANK: readonly RegExp[] = [
  /^(?:.+: )?(?:removed|model|format|runtime|canary|traffic|rollout|GPUs?|GPU type|TPU type|instance|autoscaling removed)\b/,
  /^(?:.+: )?(?:new|replicas|autoscaling|parallelism|toleration|keys? )/,
];

function rankOf(facts: readonly string[]): number {
  let best = RANK.length;
  for (const fact of facts) {
    const rank = RANK.findIndex((re) => re.test(fact));
    if (rank >= 0 && rank < best) best = rank;
  }
  return best;
}

/**
 * The summary lines of every target, identical fact lists of one target merged (a sidecar bumped
 * in 40 Deployments is one line), most important first; otherwise in change order (removals first).
 */
export function rankSummaries(sets: readonly ChangeSet[]): SummaryGroup[] {
  const groups = new Map<string, SummaryGroup>();
  for (const cs of sets) {
    for (const s of cs.summary) {
      const key = `${cs.target}\u0000${s.facts.join('\u0000')}`;
      const group = groups.get(key);
      if (group) group.resources.push(s.resource);
      else groups.set(key, { target: cs.target, resources: [s.resource], facts: s.facts });
    }
  }
  return [...groups.values()]
    .map((group, order) => ({ group, order, rank: rankOf(group.facts) }))
    .sort((a, b) => a.rank - b.rank || a.order - b.order)
    .map((x) => x.group);
}
