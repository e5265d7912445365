import { asArray, asRecord, asString, asStringMap, type FieldPath, recordAt } from './as-record.ts';
import { KSERVE_COMPONENTS, KSERVE_PREDICTOR_SPECS } from './kserve.ts';
import { groupOf } from './resource-id.ts';

/**
 * A label a controller adds to the pods it creates, beyond the manifest's: an exact key, or a key prefix
 * ending in `/`; with `valuePrefixes`, only values starting with one of them.
 */
export interface AddedLabel {
  key: string;
  valuePrefixes?: readonly string[];
}

/**
 * One pod spec an object carries: a workload's pod template, a bare Pod, a KServe component, a training
 * job's replica type, a Ray group. The one place that knows where each kind keeps its pods: the
 * validation rules and the diff summary both read pod specs through here, so they see the same containers.
 */
export interface PodSpecRef {
  /** The pod spec (for KServe, the component: a pod spec plus the component's own fields). */
  spec: Record<string, unknown>;
  /** Where `spec` sits in the object. */
  path: FieldPath;
  /** Labels the pods are known to carry (template metadata; KServe component and object labels). */
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** Where the template's labels are written, when the kind has a pod template. */
  labelsPath?: FieldPath;
  /**
   * Labels a controller adds that the manifest does not show (KServe, Knative, KubeRay, LeaderWorkerSet):
   * label matching treats a requirement on one of them as "maybe", never as "no".
   */
  addedLabels: readonly AddedLabel[];
  /** False for kinds that hold a pod spec but run no pods themselves (PodTemplate, ServingRuntime). */
  runsPods: boolean;
  /** KServe component (`predictor`, `transformer`, `explainer`, `predictor.workerSpec`); '' otherwise. */
  component: string;
  /**
   * How a reader names this pod spec among the object's others: '' when it is the only kind of pod;
   * else `predictor`, `Worker` (PyTorchJob), `head`/a Ray group name, `leader`/`worker`, a Volcano task.
   */
  label: string;
  /**
   * The map that says how many of these pods run: a Deployment's `spec` (`replicas`), a Job's `spec`
   * (`parallelism`, `completions`), a replica spec or Ray group (`replicas`, `min/maxReplicas`), a
   * KServe component (`minReplicas`/`maxReplicas`), a TrainJob's trainer (`numNodes`).
   */
  holder: Record<string, unknown>;
  /** Pods per replica of `holder` (LeaderWorkerSet workers: `size - 1` per group); 1 otherwise. */
  podsPerReplica: number;
  /** Keys of `spec` that are a container written inline (KServe `model`, `sklearn`; TrainJob `trainer`). */
  inline: readonly string[];
}

/** One container (or container-like inline spec) with where it sits, for findings that point at it. */
export interface ContainerRef {
  container: Record<string, unknown>;
  path: FieldPath;
  /** The container's own name; for inline specs its `name`, else the key (`model`, `trainer`). */
  containerName: string;
  /** How messages name it: `container api`, `init container fetch`, `predictor.model`. */
  name: string;
  init: boolean;
  /** True for specs written inline (KServe model specs, a TrainJob's trainer), not in a container list. */
  inline: boolean;
  pod: PodSpecRef;
}

type Obj = Record<string, unknown>;
interface Found {
  path: FieldPath;
  label: string;
  holder?: FieldPath;
  podsPerReplica?: number;
}
type Finder = (obj: Obj) => readonly Found[];

/** One shared answer for every workload (read, never changed). */
const WORKLOAD_TEMPLATE: readonly Found[] = [{ path: ['spec', 'template'], label: '', holder: ['spec'] }];
const WORKLOAD: Finder = () => WORKLOAD_TEMPLATE;

/**
 * Where each pod-bearing kind (keyed `group/Kind`, '' for core) keeps its pod templates. Sources: the
 * Kubernetes API reference (apps, batch, core); Argo Rollouts (`spec.template`, as a Deployment);
 * LeaderWorkerSet (`spec.leaderWorkerTemplate.{leader,worker}Template`, `size` pods per group); KubeRay
 * (`headGroupSpec`, `workerGroupSpecs[]`); Kubeflow Training v1 (`spec.<framework>ReplicaSpecs.<type>`);
 * Volcano (`spec.tasks[].template`); Knative Serving (`spec.template`, a revision template).
 */
const FINDERS: Readonly<Record<string, Finder>> = {
  '/ReplicationController': WORKLOAD,
  '/PodTemplate': () => [{ path: ['template'], label: '' }],
  'apps/Deployment': WORKLOAD,
  'apps/StatefulSet': WORKLOAD,
  'apps/DaemonSet': WORKLOAD,
  'apps/ReplicaSet': WORKLOAD,
  'extensions/Deployment': WORKLOAD,
  'extensions/DaemonSet': WORKLOAD,
  'extensions/ReplicaSet': WORKLOAD,
  'batch/Job': WORKLOAD,
  'batch/CronJob': () => [
    { path: ['spec', 'jobTemplate', 'spec', 'template'], label: '', holder: ['spec', 'jobTemplate', 'spec'] },
  ],
  'argoproj.io/Rollout': WORKLOAD,
  'serving.knative.dev/Service': () => [{ path: ['spec', 'template'], label: '', holder: ['spec'] }],
  'leaderworkerset.x-k8s.io/LeaderWorkerSet': (obj) => {
    const size = Number(recordAt(obj, ['spec', 'leaderWorkerTemplate'])?.size ?? 1);
    const workers = Number.isInteger(size) && size > 1 ? size - 1 : 0;
    return [
      { path: ['spec', 'leaderWorkerTemplate', 'leaderTemplate'], label: 'leader', holder: ['spec'] },
      {
        path: ['spec', 'leaderWorkerTemplate', 'workerTemplate'],
        label: 'worker',
        holder: ['spec'],
        podsPerReplica: workers,
      },
    ];
  },
  'ray.io/RayCluster': (obj) => rayGroups(obj, ['spec']),
  'ray.io/RayService': (obj) => rayGroups(obj, ['spec', 'rayClusterConfig']),
  'ray.io/RayJob': (obj) => rayGroups(obj, ['spec', 'rayClusterSpec']),
  'kubeflow.org/PyTorchJob': (obj) => replicaSpecs(obj, 'pytorchReplicaSpecs'),
  'kubeflow.org/TFJob': (obj) => replicaSpecs(obj, 'tfReplicaSpecs'),
  'kubeflow.org/MPIJob': (obj) => replicaSpecs(obj, 'mpiReplicaSpecs'),
  'kubeflow.org/XGBoostJob': (obj) => replicaSpecs(obj, 'xgbReplicaSpecs'),
  'kubeflow.org/PaddleJob': (obj) => replicaSpecs(obj, 'paddleReplicaSpecs'),
  'kubeflow.org/JAXJob': (obj) => replicaSpecs(obj, 'jaxReplicaSpecs'),
  'batch.volcano.sh/Job': (obj) =>
    asArray(recordAt(obj, ['spec'])?.tasks).map((task, i) => ({
      path: ['spec', 'tasks', i, 'template'],
      label: asString(asRecord(task)?.name) ?? `tasks[${i}]`,
      holder: ['spec', 'tasks', i],
    })),
};

/** Pod labels added by controllers of custom kinds (keyed by API group), beyond the template's own. */
const ADDED_LABELS: Readonly<Record<string, readonly AddedLabel[]>> = {
  'leaderworkerset.x-k8s.io': [{ key: 'leaderworkerset.sigs.k8s.io/' }],
  'ray.io': [{ key: 'ray.io/' }, { key: 'app.kubernetes.io/created-by' }, { key: 'app.kubernetes.io/name' }],
  'kubeflow.org': [{ key: 'training.kubeflow.org/' }],
  'batch.volcano.sh': [{ key: 'volcano.sh/' }],
  'serving.knative.dev': [{ key: 'serving.knative.dev/' }, { key: 'app' }],
};

function rayGroups(obj: Obj, cluster: FieldPath): Found[] {
  const found: Found[] = [{ path: [...cluster, 'headGroupSpec', 'template'], label: 'head' }];
  asArray(recordAt(obj, cluster)?.workerGroupSpecs).forEach((group, i) => {
    found.push({
      path: [...cluster, 'workerGroupSpecs', i, 'template'],
      label: asString(asRecord(group)?.groupName) ?? `workerGroupSpecs[${i}]`,
      holder: [...cluster, 'workerGroupSpecs', i],
    });
  });
  return found;
}

/** Kubeflow Training v1: `spec.<framework>ReplicaSpecs.{Master,Worker,…}.{replicas,template}`. */
function replicaSpecs(obj: Obj, field: string): Found[] {
  return Object.keys(recordAt(obj, ['spec', field]) ?? {}).map((type) => ({
    path: ['spec', field, type, 'template'],
    label: type,
    holder: ['spec', field, type],
  }));
}

/**
 * What KServe (and Knative, in serverless mode) add to a component's pods: their own label namespaces,
 * and `app` set to `isvc.<name>-<component>` (raw deployment) or a Knative revision `<name>-<component>-…`.
 */
function kserveAddedLabels(name: string, component: string): AddedLabel[] {
  return [
    { key: 'serving.kserve.io/' },
    { key: 'serving.knative.dev/' },
    { key: 'autoscaling.knative.dev/' },
    { key: 'networking.internal.knative.dev/' },
    { key: 'app', valuePrefixes: [`isvc.${name}-${component}`, `${name}-${component}`] },
  ];
}

/** KServe explainer specs (each a Container inline); the components and predictor specs are in kserve.ts. */
const KSERVE_EXPLAINER_SPECS: readonly string[] = ['alibi', 'art'];

/**
 * The pod specs an object carries, in document order; empty for kinds that run no pods and for kinds
 * not listed here (a custom kind's `containers` list is not assumed to be a pod spec: rules would
 * then judge fields the kind's controller may read differently).
 */
/**
 * Pod specs already found, per object: every rule (and the diff summary) asks for the same object's pod
 * specs, so they share one walk. Objects are not changed after parsing; the cache lets go with the object.
 * Callers must treat the returned arrays as read-only.
 */
const POD_SPECS = new WeakMap<object, readonly PodSpecRef[]>();
const CONTAINERS = new WeakMap<object, readonly ContainerRef[]>();
/** The same with ephemeral containers (env-reference reads those too). */
const WITH_EPHEMERAL = new WeakMap<object, readonly ContainerRef[]>();

export function listPodSpecs(object: { apiVersion: string; kind: string } & Obj): readonly PodSpecRef[] {
  let refs = POD_SPECS.get(object);
  if (refs === undefined) {
    refs = findPodSpecs(object);
    POD_SPECS.set(object, refs);
  }
  return refs;
}

function findPodSpecs(object: { apiVersion: string; kind: string } & Obj): PodSpecRef[] {
  const obj = object as Obj;
  const group = groupOf(String(object.apiVersion ?? ''));
  const kind = object.kind;
  if (group === '' && kind === 'Pod') {
    const spec = asRecord(obj.spec);
    if (!spec) return [];
    const metadata = asRecord(obj.metadata);
    return [
      {
        spec,
        path: ['spec'],
        labels: asStringMap(metadata?.labels),
        annotations: asStringMap(metadata?.annotations),
        labelsPath: ['metadata', 'labels'],
        addedLabels: [],
        runsPods: true,
        component: '',
        label: '',
        holder: {},
        podsPerReplica: 1,
        inline: [],
      },
    ];
  }
  if (group === 'serving.kserve.io') return kservePodSpecs(obj, kind);
  if (group === 'trainer.kubeflow.org' && kind === 'TrainJob') return trainJobSpecs(obj);
  const finder = FINDERS[`${group}/${kind}`];
  if (!finder) return [];
  const refs: PodSpecRef[] = [];
  for (const found of finder(obj)) {
    const template = recordAt(obj, found.path);
    const spec = asRecord(template?.spec);
    if (!template || !spec) continue;
    const metadata = asRecord(template.metadata);
    refs.push({
      spec,
      path: [...found.path, 'spec'],
      labels: asStringMap(metadata?.labels),
      annotations: asStringMap(metadata?.annotations),
      labelsPath: [...found.path, 'metadata', 'labels'],
      addedLabels: ADDED_LABELS[group] ?? [],
      runsPods: kind !== 'PodTemplate',
      component: '',
      label: found.label,
      holder: (found.holder && recordAt(obj, found.holder)) || {},
      podsPerReplica: found.podsPerReplica ?? 1,
      inline: [],
    });
  }
  return refs;
}

/**
 * Kubeflow Trainer v2 TrainJob: the trainer is a container written inline (`image`, `command`, `args`,
 * `env`, `resourcesPerNode`) run on `numNodes` nodes; the pod spec itself comes from the runtime.
 */
function trainJobSpecs(obj: Obj): PodSpecRef[] {
  const spec = asRecord(obj.spec);
  const trainer = asRecord(spec?.trainer);
  if (!spec || !trainer) return [];
  return [
    {
      spec,
      path: ['spec'],
      labels: {},
      annotations: {},
      addedLabels: [{ key: 'trainer.kubeflow.org/' }, { key: 'jobset.sigs.k8s.io/' }],
      runsPods: true,
      component: '',
      label: '',
      holder: trainer,
      podsPerReplica: 1,
      inline: ['trainer'],
    },
  ];
}

function kservePodSpecs(obj: Obj, kind: string): PodSpecRef[] {
  if (kind === 'ServingRuntime' || kind === 'ClusterServingRuntime') {
    const spec = asRecord(obj.spec);
    if (!spec) return [];
    const runtime: PodSpecRef = {
      spec,
      path: ['spec'],
      labels: {},
      annotations: {},
      addedLabels: [],
      runsPods: false,
      component: '',
      label: '',
      holder: {},
      podsPerReplica: 1,
      inline: [],
    };
    const worker = asRecord(spec.workerSpec);
    return worker
      ? [runtime, { ...runtime, spec: worker, path: ['spec', 'workerSpec'], label: 'workerSpec' }]
      : [runtime];
  }
  if (kind === 'LLMInferenceService') return llmInferenceServiceSpecs(obj);
  if (kind !== 'InferenceService') return [];
  const metadata = asRecord(obj.metadata);
  const name = asString(metadata?.name) ?? '';
  const refs: PodSpecRef[] = [];
  const objectLabels = asStringMap(metadata?.labels);
  const objectAnnotations = asStringMap(metadata?.annotations);
  for (const component of KSERVE_COMPONENTS) {
    const spec = recordAt(obj, ['spec', component]);
    if (!spec) continue;
    // KServe puts the object's labels, the component's `labels` and its own identity labels on the pods.
    const labels = {
      ...objectLabels,
      ...asStringMap(spec.labels),
      'serving.kserve.io/inferenceservice': name,
      component,
    };
    const annotations = { ...objectAnnotations, ...asStringMap(spec.annotations) };
    const ref: PodSpecRef = {
      spec,
      path: ['spec', component],
      labels,
      annotations,
      addedLabels: kserveAddedLabels(name, component),
      runsPods: true,
      component,
      label: component,
      holder: spec,
      podsPerReplica: 1,
      inline:
        component === 'predictor'
          ? KSERVE_PREDICTOR_SPECS
          : component === 'explainer'
            ? KSERVE_EXPLAINER_SPECS
            : [],
    };
    refs.push(ref);
    const worker = asRecord(spec.workerSpec);
    if (worker) {
      refs.push({
        ...ref,
        spec: worker,
        path: ['spec', component, 'workerSpec'],
        component: `${component}.workerSpec`,
        label: `${component}.workerSpec`,
        holder: worker,
        inline: [],
      });
    }
  }
  return refs;
}

/**
 * KServe LLMInferenceService (serving.kserve.io/v1alpha1): `spec.template` (the decode or only pods),
 * `spec.worker` (multi-node workers), `spec.prefill.{template,worker}` (disaggregated prefill), each a
 * pod spec; `spec.replicas` and `spec.prefill.replicas` say how many.
 */
function llmInferenceServiceSpecs(obj: Obj): PodSpecRef[] {
  const metadata = asRecord(obj.metadata);
  const refs: PodSpecRef[] = [];
  const parts: [FieldPath, string, FieldPath][] = [
    [['spec', 'template'], '', ['spec']],
    [['spec', 'worker'], 'worker', ['spec']],
    [['spec', 'prefill', 'template'], 'prefill', ['spec', 'prefill']],
    [['spec', 'prefill', 'worker'], 'prefill.worker', ['spec', 'prefill']],
  ];
  for (const [path, label, holder] of parts) {
    const spec = recordAt(obj, path);
    if (!spec) continue;
    refs.push({
      spec,
      path,
      labels: { ...asStringMap(metadata?.labels) },
      annotations: { ...asStringMap(metadata?.annotations) },
      addedLabels: [{ key: 'app.kubernetes.io/' }, { key: 'kserve.io/' }, { key: 'llm-d.ai/' }],
      runsPods: true,
      component: '',
      label,
      holder: recordAt(obj, holder) ?? {},
      podsPerReplica: 1,
      inline: [],
    });
  }
  // The label the summary shows for one pod spec: '' only when it is the only one.
  return refs.length === 1 ? refs : refs.map((r) => (r.label === '' ? { ...r, label: 'decode' } : r));
}

/**
 * Every container of an object with its path: containers and init containers of each pod spec, and
 * the containers written inline (KServe model specs `predictor.model`, `predictor.sklearn`,
 * `explainer.alibi`; a TrainJob's `trainer`). With `ephemeral`, ephemeral containers too (they cannot
 * be declared at creation, so most checks leave them out).
 */
export function listContainers(
  object: { apiVersion: string; kind: string } & Obj,
  opts: { ephemeral?: boolean } = {},
): readonly ContainerRef[] {
  const cache = opts.ephemeral ? WITH_EPHEMERAL : CONTAINERS;
  let refs = cache.get(object);
  if (refs === undefined) {
    refs = listPodSpecs(object).flatMap((pod) => listPodContainers(pod, opts));
    cache.set(object, refs);
  }
  return refs;
}

/** The containers of one pod spec: inline specs first, then init containers, then containers. */
export function listPodContainers(pod: PodSpecRef, opts: { ephemeral?: boolean } = {}): ContainerRef[] {
  const refs: ContainerRef[] = [];
  const prefix = pod.component ? `${pod.component} ` : '';
  for (const key of pod.inline) {
    const container = asRecord(pod.spec[key]);
    if (!container) continue;
    refs.push({
      container,
      path: [...pod.path, key],
      containerName: asString(container.name) ?? key,
      name: pod.component ? `${pod.component}.${key}` : key,
      init: false,
      inline: true,
      pod,
    });
  }
  for (const [field, word, init] of opts.ephemeral ? LISTS_WITH_EPHEMERAL : LISTS) {
    const items = asArray(pod.spec[field]);
    for (let i = 0; i < items.length; i++) {
      // A hole reads as undefined and is skipped, as forEach would.
      const container = asRecord(items[i]);
      if (!container) continue;
      const name = asString(container.name);
      refs.push({
        container,
        path: [...pod.path, field, i],
        containerName: name ?? `#${i + 1}`,
        name: `${prefix}${word} ${name ?? String(i)}`,
        init,
        inline: false,
        pod,
      });
    }
  }
  return refs;
}

/** A pod spec's container lists, in the order refs list them: field, how messages name one, init. */
const LISTS: readonly (readonly [string, string, boolean])[] = [
  ['initContainers', 'init container', true],
  ['containers', 'container', false],
];
const LISTS_WITH_EPHEMERAL: readonly (readonly [string, string, boolean])[] = [
  ...LISTS,
  ['ephemeralContainers', 'ephemeral container', false],
];
