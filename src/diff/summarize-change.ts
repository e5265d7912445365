import type { KubeObject } from '../types.ts';
import { diffSecretKeys, isSecret } from './redact-secret.ts';
import { diffCapacity, isCapacityObject } from './summary/diff-capacity.ts';
import { diffGpus, diffGpuTotals } from './summary/diff-gpus.ts';
import { diffImages } from './summary/diff-images.ts';
import { diffModel } from './summary/diff-model.ts';
import { diffReplicas } from './summary/diff-replicas.ts';
import { diffServing, isServingObject } from './summary/diff-serving.ts';
import { diffTraffic } from './summary/diff-traffic.ts';
import { diffHyperparameters, diffTraining, isTraining } from './summary/diff-training.ts';
import {
  type ContainerView,
  isInferenceService,
  type PodSpecView,
  podSpecsOf,
} from './summary/pod-specs-of.ts';
import { isIndistinguishable } from './summary/read-path.ts';

/** A summary line stays a line: past this many facts the rest is counted. */
export const MAX_FACTS = 8;

/**
 * The facts a reviewer needs about one resource, computed from the objects (never from diff text):
 * model artifact, image, GPU count and type, tolerations, replicas and autoscaling bounds, traffic
 * (canary percent, rollout steps, route weights), GPU capacity (Karpenter NodePool limits and
 * machines, Kueue ClusterQueue quotas), and Secret keys (names only). `before` absent: the
 * resource is new (`new`, then what it runs); `after` absent: `removed`. [] when nothing a reviewer
 * of an AI system cares about changed, or the kind is not one the summary covers.
 */
export function summarizeChange(pair: { before?: KubeObject; after?: KubeObject }): string[] {
  const { before, after } = pair;
  const obj = after ?? before;
  if (!obj) return [];
  if (isSecret(obj)) return before && after ? secretFacts(before, after) : [];
  if (isCapacityObject(obj)) {
    if (!after) return ['removed'];
    return capFacts(before ? diffCapacity(before, after) : ['new', ...diffCapacity(undefined, after)]);
  }
  if (isServingObject(obj)) {
    if (!after) return ['removed'];
    return capFacts(before ? diffServing(before, after) : ['new', ...diffServing(undefined, after)]);
  }
  const b = after ? podSpecsOf(after) : [];
  // Most changes touch metadata only (a label, an annotation). Where there are pod specs to read, before's
  // are then after's, read once: `podFacts` sees the very same views on both sides, and traffic and
  // training (which compare before with after) have nothing to tell.
  const same =
    before !== undefined && after !== undefined && b.length > 0 && isSameBeyondMetadata(before, after);
  const a = before ? (same ? b : podSpecsOf(before)) : [];
  const traffic = same ? [] : diffTraffic(before, after);
  const covered =
    a.length > 0 || b.length > 0 || isInferenceService(obj) || traffic.length > 0 || isRollout(obj);
  if (!covered) return [];
  if (!after) return ['removed'];
  const pods = podFacts(obj.kind, before ? a : undefined, b, {
    training: isTraining(obj),
    before: readEntrypoint(before),
    after: readEntrypoint(after),
  });
  // What serves and where traffic goes first: `model v1 → v2, canary 10%, GPUs 1 → 2`; then what a
  // training run changes and whether it re-runs.
  const facts = [
    ...(same ? [] : diffTraining(before, after)),
    ...pods.lifecycle,
    ...pods.model,
    ...traffic,
    ...pods.hyperparameters,
    ...pods.images,
    ...pods.gpus,
    ...diffGpuTotals(before ? a : undefined, b),
    ...pods.replicas,
  ];
  if (!before) facts.unshift('new');
  return capFacts(facts);
}

interface PodFacts {
  lifecycle: string[];
  model: string[];
  hyperparameters: string[];
  images: string[];
  gpus: string[];
  replicas: string[];
}

function podFacts(
  kind: string,
  before: PodSpecView[] | undefined,
  after: PodSpecView[],
  entrypoint: { training: boolean; before?: string; after?: string },
): PodFacts {
  const a = new Map((before ?? []).map((v) => [v.label, v]));
  const b = new Map(after.map((v) => [v.label, v]));
  const labelled = Math.max(a.size, b.size) > 1;
  const facts: PodFacts = {
    lifecycle: [],
    model: [],
    hyperparameters: [],
    images: [],
    gpus: [],
    replicas: [],
  };
  for (const label of new Set([...b.keys(), ...a.keys()])) {
    const x = a.get(label);
    const y = b.get(label);
    const prefix = labelled && label ? `${label}: ` : '';
    if (before && !y) {
      facts.lifecycle.push(`${label || 'pod spec'} removed`);
      continue;
    }
    if (before && !x) facts.lifecycle.push(`${label || 'pod spec'} added`);
    // A component new to an existing object is described like a new object.
    const from = before ? x : undefined;
    const add = (list: string[], found: string[]): void => {
      for (const f of found) list.push(prefix + f);
    };
    const hyperparametersSame =
      !entrypoint.training || label !== 'head' || entrypoint.before === entrypoint.after;
    if (from && y && hyperparametersSame && isSamePod(from, y)) {
      // Model, hyperparameters, images and GPUs are read from the pod spec alone: none changed.
      if (from !== y) add(facts.replicas, diffReplicas({ kind, before: from, after: y }));
      continue;
    }
    add(facts.model, diffModel(from, y));
    // RayJob's entrypoint is the head's command line: its flags count with the head's.
    if (entrypoint.training) {
      add(facts.hyperparameters, diffHyperparameters(from, y, label === 'head' ? entrypoint : {}));
    }
    add(facts.images, diffImages(from, y));
    add(facts.gpus, diffGpus(from, y));
    add(facts.replicas, diffReplicas({ kind, before: from, after: y }));
  }
  return facts;
}

/**
 * Whether two pod specs are the same for the model, hyperparameter, image and GPU facts: indistinguishable
 * specs whose containers are listed alike, with no two sharing a name (images are matched by name, and a
 * shared name can pair a container with another one's image even when nothing changed).
 */
function isSamePod(x: PodSpecView, y: PodSpecView): boolean {
  if (x !== y) {
    if (x.containers.length !== y.containers.length || !isIndistinguishable(x.spec, y.spec)) return false;
    for (let i = 0; i < x.containers.length; i++) {
      const c = x.containers[i] as ContainerView;
      const d = y.containers[i] as ContainerView;
      if (c.name !== d.name || c.init !== d.init) return false;
    }
  }
  const containers = y.containers;
  for (let i = 1; i < containers.length; i++) {
    const name = (containers[i] as ContainerView).name;
    for (let j = 0; j < i; j++) if ((containers[j] as ContainerView).name === name) return false;
  }
  return true;
}

/** The same keys in the same order, every field but `metadata` indistinguishable (see `isIndistinguishable`). */
function isSameBeyondMetadata(x: KubeObject, y: KubeObject): boolean {
  const keys = Object.keys(x);
  const other = Object.keys(y);
  if (keys.length !== other.length) return false;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string;
    if (key !== other[i]) return false;
    if (key !== 'metadata' && !isIndistinguishable(x[key], y[key])) return false;
  }
  return true;
}

function secretFacts(before: KubeObject, after: KubeObject): string[] {
  const changes = diffSecretKeys(before, after);
  const facts: string[] = [];
  for (const status of ['changed', 'added', 'removed'] as const) {
    const keys = changes.filter((c) => c.status === status).map((c) => c.key);
    if (keys.length > 0) facts.push(`${keys.length === 1 ? 'key' : 'keys'} ${status}: ${keys.join(', ')}`);
  }
  return capFacts(facts);
}

function readEntrypoint(obj: KubeObject | undefined): string | undefined {
  const spec = obj?.spec as Record<string, unknown> | undefined;
  return obj?.kind === 'RayJob' && typeof spec?.entrypoint === 'string' ? spec.entrypoint : undefined;
}

function isRollout(obj: KubeObject): boolean {
  return obj.kind === 'Rollout' && obj.apiVersion.startsWith('argoproj.io/');
}

export function capFacts(facts: string[]): string[] {
  if (facts.length <= MAX_FACTS) return facts;
  return [...facts.slice(0, MAX_FACTS - 1), `+${facts.length - MAX_FACTS + 1} more`];
}
