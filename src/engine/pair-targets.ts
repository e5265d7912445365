import { isSameData } from '../diff/summary/read-path.ts';
import type { FerryConfig, Target } from '../types.ts';

/** One target as each side of a change configures it; at least one side is present. */
export interface TargetPair {
  name: string;
  /** The base revision's entry: absent when the change adds the target (or there is no base). */
  base?: Target;
  /** The head revision's entry: absent when the change removes the target. */
  head?: Target;
  /**
   * Whether what the target renders or how it is checked and deployed may differ for reasons outside
   * its input files: its entry differs (path, helm values, namespace, cluster…), its effective
   * Kubernetes version or the rule overrides differ, or one side lacks it.
   */
  settingsChanged: boolean;
}

/**
 * Pairs the base's and the head's targets by name, as Argo CD pairs Applications: each side of a diff
 * is rendered with its own revision's settings. Head targets first in the head's order, then those
 * only the base has, in the base's order. Pure.
 */
export function pairTargets(opts: { base: FerryConfig | undefined; head: FerryConfig }): TargetPair[] {
  const baseByName = new Map((opts.base?.targets ?? []).map((t) => [t.name, t]));
  const pairs: TargetPair[] = opts.head.targets.map((head) => {
    const base = baseByName.get(head.name);
    return {
      name: head.name,
      ...(base ? { base } : {}),
      head,
      settingsChanged: !base || !opts.base || !isSameSetup(opts.base, base, opts.head, head),
    };
  });
  const inHead = new Set(opts.head.targets.map((t) => t.name));
  for (const base of opts.base?.targets ?? []) {
    if (!inHead.has(base.name)) pairs.push({ name: base.name, base, settingsChanged: true });
  }
  return pairs;
}

function isSameSetup(baseConfig: FerryConfig, base: Target, headConfig: FerryConfig, head: Target): boolean {
  // Where an entry is written is not a setting: a target added above another moves its lines.
  const { declared: _baseAt, ...baseSettings } = base;
  const { declared: _headAt, ...headSettings } = head;
  return (
    isSameData(baseSettings, headSettings) &&
    (base.kubernetesVersion ?? baseConfig.kubernetesVersion) ===
      (head.kubernetesVersion ?? headConfig.kubernetesVersion) &&
    isSameData(baseConfig.rules, headConfig.rules)
  );
}
