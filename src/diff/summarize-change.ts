import type { KubeObject } from '../types.ts';
import { diffSecretKeys, isSecret } from './redact-secret.ts';
import { diffGpus, diffGpuTotals } from './summary/diff-gpus.ts';
import { diffImages } from './summary/diff-images.ts';
import { diffModel } from './summary/diff-model.ts';
import { diffReplicas } from './summary/diff-replicas.ts';
import { diffTraffic } from './summary/diff-traffic.ts';
import { diffHyperparameters, diffTraining, isTraining } from './summary/diff-training.ts';
import { isInferenceService, type PodSpecView, podSpecsOf } from './summary/pod-specs-of.ts';

/** A summary line stays a line: past this many facts the rest is counted. */
export const MAX_FACTS = 8;

/**
 * The facts a reviewer needs about one resource, computed from the objects (never from diff text):
 * model artifact, image, GPU count and type, tolerations, replicas and autoscaling bounds, traffic
 * (canary percent, rollout steps, route weights), and Secret keys (names only). `before` absent: the
 * resource is new (`new`, then what it runs); `after` absent: `removed`. [] when nothing a reviewer
 * of an AI system cares about changed, or the kind is not one the summary covers.
 */
export function summarizeChange(pair: { before?: KubeObject; after?: KubeObject }): string[] {
  const { before, after } = pair;
  const obj = after ?? before;
  if (!obj) return [];
  if (isSecret(obj)) return before && after ? secretFacts(before, after) : [];
  const a = before ? podSpecsOf(before) : [];
  const b = after ? podSpecsOf(after) : [];
  const traffic = diffTraffic(before, after);
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
    ...diffTraining(before, after),
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
