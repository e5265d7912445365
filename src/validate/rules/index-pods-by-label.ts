import type { PodSpecRef } from '../../manifest/list-pod-specs.ts';
import {
  addsKey,
  type LabelRequirement,
  type MatchOptions,
  matchLabelSelector,
} from './match-label-selector.ts';

/** What the index reads of a pod template (a rule fed a target in parts keeps only this). */
export type PodLabels = Pick<PodSpecRef, 'labels' | 'addedLabels'>;

/** The pod templates of one namespace, indexed so a selector is checked against the few that can match. */
export interface PodIndex {
  /** Whether some pod template is (or may be) selected by `requirements`. */
  hasMatch(requirements: readonly LabelRequirement[], opts: Pick<MatchOptions, 'unknowableKeys'>): boolean;
  /** More templates (a target read in parts): later answers count them too. */
  add(pods: readonly PodLabels[]): void;
}

/**
 * Indexes pod templates by the value of a label key, one key at a time as selectors ask for it (most ask
 * for the same one or two keys). A selector with an `In` or `Exists` requirement on a key whose value
 * the manifests decide can only match templates with that label, or templates whose controller adds
 * labels (kept apart and always checked): the answer is exactly that of checking every template, at
 * the cost of the candidates only. This keeps `selector-match` linear in a namespace with thousands of
 * workloads and Services (it was quadratic).
 */
export function indexPodsByLabel(initial: readonly PodLabels[] = []): PodIndex {
  const pods: PodLabels[] = [];
  const withAddedLabels: PodLabels[] = [];
  /** Label key → its value → the templates with that label, for the keys asked about so far. */
  const byKey = new Map<string, Map<string, PodLabels[]>>();
  const file = (byValue: Map<string, PodLabels[]>, key: string, pod: PodLabels): void => {
    if (!Object.hasOwn(pod.labels, key)) return;
    const value = pod.labels[key] as string;
    const list = byValue.get(value);
    if (list) list.push(pod);
    else byValue.set(value, [pod]);
  };
  const valuesOf = (key: string): Map<string, PodLabels[]> => {
    let byValue = byKey.get(key);
    if (byValue) return byValue;
    byValue = new Map();
    for (const pod of pods) file(byValue, key, pod);
    byKey.set(key, byValue);
    return byValue;
  };
  /**
   * Label key → the templates without that label whose controller may add it. A template that has the
   * label is among `candidates` when its value can match; one with neither fails the narrowing
   * requirement. A Service that selects no workload is then checked against these few, not against
   * every KServe predictor of the namespace.
   */
  const byAddedKey = new Map<string, PodLabels[]>();
  const covers = (pod: PodLabels, key: string): boolean =>
    !Object.hasOwn(pod.labels, key) && pod.addedLabels.some((a) => addsKey(a, key));
  const addedCovering = (key: string): PodLabels[] => {
    let list = byAddedKey.get(key);
    if (list) return list;
    list = withAddedLabels.filter((pod) => covers(pod, key));
    byAddedKey.set(key, list);
    return list;
  };
  const index: PodIndex = {
    hasMatch(requirements, opts) {
      const matches = (pod: PodLabels) =>
        matchLabelSelector(requirements, pod.labels, {
          addedLabels: pod.addedLabels,
          unknowableKeys: opts.unknowableKeys,
        }) !== 'no';
      const narrow = requirements.find(
        (r) => (r.operator === 'In' || r.operator === 'Exists') && !opts.unknowableKeys?.has(r.key),
      );
      if (!narrow) return pods.some(matches);
      // Templates without added labels fail `narrow` unless they carry the label: only those can match.
      const byValue = valuesOf(narrow.key);
      const candidates =
        narrow.operator === 'Exists'
          ? [...byValue.values()].flat()
          : narrow.values.flatMap((v) => byValue.get(v) ?? []);
      return candidates.some(matches) || addedCovering(narrow.key).some(matches);
    },
    add(more) {
      for (const pod of more) {
        pods.push(pod);
        for (const [key, byValue] of byKey) file(byValue, key, pod);
        if (pod.addedLabels.length === 0) continue;
        withAddedLabels.push(pod);
        for (const [key, list] of byAddedKey) if (covers(pod, key)) list.push(pod);
      }
    },
  };
  index.add(initial);
  return index;
}
