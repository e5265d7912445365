import { asRecord, asStringMap, type FieldPath, recordAt } from '../manifest/as-record.ts';
import { listPodSpecs, type PodSpecRef } from '../manifest/list-pod-specs.ts';
import { groupOf, resourceKey } from '../manifest/resource-id.ts';
import type { KubeObject, Resource } from '../types.ts';
import {
  type LabelRequirement,
  parseLabelSelector,
  parseSelectorMap,
} from '../validate/rules/match-label-selector.ts';
import { acceleratorsPerPod } from './accelerators-per-pod.ts';
import { operatorPodSpecs } from './operator-pod-specs.ts';
import { intOf, type PodGroup, rolloutSurgeOf, type SurgePods } from './rollout-surge-of.ts';

/** One pod group at the rollout's peak, with the pod spec that says where its pods may run. */
export interface PeakGroup extends PodGroup {
  spec: Record<string, unknown>;
  /** Set for pods beside the new set (a surge, a preview, the previous revision). */
  why?: string;
}

/** A workload whose demand for one accelerator resource grows with the PR head. */
export interface GpuGrowth {
  /** The workload as the PR head declares it. */
  resource: Resource;
  gpuResource: string;
  /** `new`: not in the applied revision; `rollout`: its pod template changed; `scale`: more devices only. */
  change: 'new' | 'rollout' | 'scale';
  /** The pods at the rollout's peak: the new steady set, then the pods beside it. */
  groups: PeakGroup[];
  peak: number;
  /** Devices the applied revision's workload runs with (0 when new). */
  before: number;
  /** `4 replicas × 2 + 1 pod × 2 (maxSurge 25%)`. */
  explanation: string;
  /** The `resources` field of the first container asking for it. */
  path: FieldPath;
  /** Its current pods: labels any of which selects them (in the workload's namespace); empty: none known. */
  podSelectors: LabelRequirement[][];
}

/**
 * The workloads of `head` whose accelerator demand at the rollout's peak exceeds what the applied
 * revision (`base`) runs with, per accelerator resource. Peak = the new steady pods (replicas × per
 * pod, summed over the workload's pod specs) + the pods a rollout of a changed pod template runs beside
 * them (`rolloutSurgeOf`). A pure scale-up adds no surge; a scale-down or an unchanged workload never
 * grows. DaemonSets are left out: they run one pod per matching node, whatever the count.
 */
export function findGpuGrowth(opts: { base: readonly Resource[]; head: readonly Resource[] }): GpuGrowth[] {
  const baseById = new Map(opts.base.map((r) => [resourceKey(r.id), r]));
  const growth: GpuGrowth[] = [];
  for (const resource of opts.head) {
    if (resource.object.kind === 'DaemonSet') continue;
    const refs = runningPodSpecs(resource.object);
    if (refs.length === 0) continue;
    const baseResource = baseById.get(resourceKey(resource.id));
    const baseRefs = baseResource ? runningPodSpecs(baseResource.object) : [];
    const rolled =
      baseResource !== undefined && canonical(templatesOf(refs)) !== canonical(templatesOf(baseRefs));
    const perPod = refs.map((ref) => acceleratorsPerPod(ref));
    const basePerPod = baseRefs.map((ref) => acceleratorsPerPod(ref));
    const names = [...new Set(perPod.flatMap((m) => [...m.keys()]))].sort();
    for (const gpuResource of names) {
      const groups = refs.flatMap((ref, i) => podGroupsOf(ref, perPod[i]?.get(gpuResource)?.count ?? 0));
      const baseGroups = baseRefs.flatMap((ref, i) =>
        podGroupsOf(ref, basePerPod[i]?.get(gpuResource)?.count ?? 0),
      );
      const surge: SurgePods[] = rolled
        ? rolloutSurgeOf({ object: resource.object, groups, baseGroups })
        : [];
      const sum = (gs: readonly PodGroup[]) => gs.reduce((n, g) => n + g.pods * g.perPod, 0);
      const peak = sum(groups) + sum(surge);
      const before = sum(baseGroups);
      if (peak <= before) continue;
      const specOf = (label: string, from: readonly PodSpecRef[]) =>
        (from.find((r) => r.label === label) ?? refs.find((r) => r.label === label))?.spec ?? {};
      growth.push({
        resource,
        gpuResource,
        change: baseResource === undefined ? 'new' : rolled ? 'rollout' : 'scale',
        groups: [
          ...groups.map((g) => ({ ...g, spec: specOf(g.label, refs) })),
          // The previous revision's pods run where its own pod spec says.
          ...surge.map((g) => ({
            ...g,
            spec: specOf(g.label, g.why.startsWith('previous') ? baseRefs : refs),
          })),
        ],
        peak,
        before,
        explanation: explain(groups, surge),
        path: firstPath(perPod, gpuResource),
        podSelectors: podSelectorsOf(baseResource ?? resource),
      });
    }
  }
  return growth;
}

function firstPath(
  perPod: ReadonlyArray<Map<string, { path: FieldPath }>>,
  name: string,
): (string | number)[] {
  for (const m of perPod) {
    const found = m.get(name);
    if (found) return [...found.path];
  }
  return [];
}

/** The pods an object runs: its pod specs, else those its operator builds (NIMService). */
function runningPodSpecs(object: KubeObject): PodSpecRef[] {
  const refs = listPodSpecs(object).filter((r) => r.runsPods);
  return refs.length > 0 ? refs : operatorPodSpecs(object);
}

function podGroupsOf(ref: PodSpecRef, perPod: number): PodGroup[] {
  return perPod > 0 ? [{ label: ref.label, pods: podsOf(ref), perPod }] : [];
}

/**
 * How many pods of `ref` run: `replicas` (a TrainJob's `numNodes`; a Job's `parallelism`, at most its
 * `completions`; a KServe component's `minReplicas`), 1 when unset as the API defaults it, × pods per
 * replica (a LeaderWorkerSet group's `size`).
 */
function podsOf(ref: PodSpecRef): number {
  const h = ref.holder;
  const parallelism = intOf(h.parallelism);
  const completions = intOf(h.completions);
  const job = parallelism === undefined ? undefined : Math.min(parallelism, completions ?? parallelism);
  const n = intOf(h.replicas) ?? intOf(h.numNodes) ?? job ?? intOf(h.minReplicas) ?? 1;
  return n * ref.podsPerReplica;
}

function templatesOf(refs: readonly PodSpecRef[]): unknown {
  return refs.map((r) => ({ label: r.label, spec: r.spec, labels: r.labels, annotations: r.annotations }));
}

/** JSON with sorted keys: two renders of the same template compare equal whatever their key order. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    const record = asRecord(v);
    return record
      ? Object.fromEntries(
          Object.keys(record)
            .sort()
            .map((k) => [k, record[k]]),
        )
      : v;
  });
}

function explain(groups: readonly PodGroup[], surge: readonly SurgePods[]): string {
  const steady = groups.map((g) => {
    const what =
      g.label === '' ? `${g.pods} ${g.pods === 1 ? 'replica' : 'replicas'}` : `${g.label} ${g.pods}`;
    return `${what} × ${g.perPod}`;
  });
  const extra = surge.map(
    (g) =>
      `${g.pods} ${g.pods === 1 ? 'pod' : 'pods'} × ${g.perPod} (${g.why}${g.label ? `, ${g.label}` : ''})`,
  );
  return [...steady, ...extra].join(' + ');
}

/** Labels the controllers of these kinds put on every pod of the object (keyed `group/Kind`). */
const POD_NAME_LABELS: Readonly<Record<string, string>> = {
  'batch/Job': 'batch.kubernetes.io/job-name',
  'leaderworkerset.x-k8s.io/LeaderWorkerSet': 'leaderworkerset.sigs.k8s.io/name',
  'ray.io/RayCluster': 'ray.io/cluster',
  'kubeflow.org/PyTorchJob': 'training.kubeflow.org/job-name',
  'kubeflow.org/TFJob': 'training.kubeflow.org/job-name',
  'kubeflow.org/MPIJob': 'training.kubeflow.org/job-name',
  'kubeflow.org/XGBoostJob': 'training.kubeflow.org/job-name',
  'kubeflow.org/PaddleJob': 'training.kubeflow.org/job-name',
  'kubeflow.org/JAXJob': 'training.kubeflow.org/job-name',
  'trainer.kubeflow.org/TrainJob': 'jobset.sigs.k8s.io/jobset-name',
};

/**
 * How to find the workload's running pods: the label its controller puts on each pod, else its
 * `spec.selector` (Deployment, StatefulSet, ReplicaSet, Rollout; a map for a ReplicationController),
 * else each pod spec's labels (KServe components carry `serving.kserve.io/inferenceservice` and
 * `component`; a NIMService's pods `app: <name>`, operatorPodSpecs). Never an empty selector, which would take every pod of the namespace.
 */
function podSelectorsOf(resource: Resource): LabelRequirement[][] {
  const object: KubeObject = resource.object;
  const nameLabel = POD_NAME_LABELS[`${groupOf(object.apiVersion)}/${object.kind}`];
  if (nameLabel) return [[{ key: nameLabel, operator: 'In', values: [resource.id.name] }]];
  const selector = recordAt(object, ['spec'])?.selector;
  const fromSelector =
    object.kind === 'ReplicationController' ? parseSelectorMap(selector) : parseLabelSelector(selector);
  if (fromSelector.length > 0) return [fromSelector];
  return runningPodSpecs(object)
    .map((r) => parseSelectorMap(asStringMap(r.labels)))
    .filter((s) => s.length > 0);
}
