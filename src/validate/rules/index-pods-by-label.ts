import type { PodSpecRef } from '../../manifest/list-pod-specs.ts';
import {
  addsKey,
  type LabelRequirement,
  type MatchOptions,
  matchLabelSelector,
} from './match-label-selector.ts';

/** The templates with one label key, by its value, and how many they are. */
interface KeyIndex {
  byValue: Map<string, PodLabels[]>;
  count: number;
}

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
  /** Label key → its value → the templates with that label (and how many), for the keys asked about so far. */
  const byKey = new Map<string, KeyIndex>();
  const file = (index: KeyIndex, key: string, pod: PodLabels): void => {
    if (!Object.hasOwn(pod.labels, key)) return;
    const value = pod.labels[key] as string;
    const list = index.byValue.get(value);
    if (list) list.push(pod);
    else index.byValue.set(value, [pod]);
    index.count++;
  };
  const valuesOf = (key: string): KeyIndex => {
    let index = byKey.get(key);
    if (index) return index;
    index = { byValue: new Map(), count: 0 };
    for (const pod of pods) file(index, key, pod);
    byKey.set(key, index);
    return index;
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
      // Templates without added labels fail an `In` or `Exists` requirement unless they carry its label:
      // only those, and those whose controller may add it, can match. Any such requirement would do;
      // the one with the fewest such templates is checked (`tier: web` may hold every template of the
      // namespace, `app: x` one).
      let narrow: LabelRequirement | undefined;
      let fewest = Number.POSITIVE_INFINITY;
      for (const r of requirements) {
        if ((r.operator !== 'In' && r.operator !== 'Exists') || opts.unknowableKeys?.has(r.key)) continue;
        const { byValue, count } = valuesOf(r.key);
        const labelled =
          r.operator === 'Exists' ? count : r.values.reduce((n, v) => n + (byValue.get(v)?.length ?? 0), 0);
        const size = labelled + addedCovering(r.key).length;
        if (size < fewest) {
          narrow = r;
          fewest = size;
        }
      }
      if (!narrow) return pods.some(matches);
      const { byValue } = valuesOf(narrow.key);
      const candidates =
        narrow.operator === 'Exists'
          ? [...byValue.values()].flat()
          : narrow.values.flatMap((v) => byValue.get(v) ?? []);
      return candidates.some(matches) || addedCovering(narrow.key).some(matches);
    },
    add(more) {
      for (const pod of more) {
        pods.push(pod);
        for (const [key, keyIndex] of byKey) file(keyIndex, key, pod);
        if (pod.addedLabels.length === 0) continue;
        withAddedLabels.push(pod);
        for (const [key, list] of byAddedKey) if (covers(pod, key)) list.push(pod);
      }
    },
  };
  index.add(initial);
  return index;
}
