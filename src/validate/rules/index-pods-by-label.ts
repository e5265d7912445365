import type { PodSpecRef } from '../../manifest/list-pod-specs.ts';
import { type LabelRequirement, type MatchOptions, matchLabelSelector } from './match-label-selector.ts';

/** The pod templates of one namespace, indexed so a selector is checked against the few that can match. */
export interface PodIndex {
  /** Whether some pod template is (or may be) selected by `requirements`. */
  hasMatch(requirements: readonly LabelRequirement[], opts: Pick<MatchOptions, 'unknowableKeys'>): boolean;
}

/**
 * Indexes pod templates by `key=value` and by key. A selector with an `In` or `Exists` requirement on a
 * key whose value the manifests decide can only match templates with that label, or templates whose
 * controller adds labels (kept apart and always checked): the answer is exactly that of checking every
 * template, at the cost of the candidates only. This keeps `selector-match` linear in a namespace with
 * thousands of workloads and Services (it was quadratic).
 */
export function indexPodsByLabel(pods: readonly PodSpecRef[]): PodIndex {
  const byLabel = new Map<string, PodSpecRef[]>();
  const byKey = new Map<string, PodSpecRef[]>();
  const withAddedLabels: PodSpecRef[] = [];
  const add = (map: Map<string, PodSpecRef[]>, key: string, pod: PodSpecRef) => {
    const list = map.get(key);
    if (list) list.push(pod);
    else map.set(key, [pod]);
  };
  for (const pod of pods) {
    if (pod.addedLabels.length > 0) withAddedLabels.push(pod);
    for (const [key, value] of Object.entries(pod.labels)) {
      add(byLabel, `${key}=${value}`, pod);
      add(byKey, key, pod);
    }
  }
  return {
    hasMatch(requirements, opts) {
      const matches = (pod: PodSpecRef) =>
        matchLabelSelector(requirements, pod.labels, {
          addedLabels: pod.addedLabels,
          unknowableKeys: opts.unknowableKeys,
        }) !== 'no';
      const narrow = requirements.find(
        (r) => (r.operator === 'In' || r.operator === 'Exists') && !opts.unknowableKeys?.has(r.key),
      );
      if (!narrow) return pods.some(matches);
      // Templates without added labels fail `narrow` unless they carry the label: only those can match.
      const candidates =
        narrow.operator === 'Exists'
          ? (byKey.get(narrow.key) ?? [])
          : narrow.values.flatMap((v) => byLabel.get(`${narrow.key}=${v}`) ?? []);
      return candidates.some(matches) || withAddedLabels.some(matches);
    },
  };
}
