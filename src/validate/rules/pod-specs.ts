import { KSERVE_COMPONENTS, KSERVE_PREDICTOR_SPECS } from '../../manifest/kserve.ts';
import { groupOf } from '../../manifest/resource-id.ts';
import type { Resource } from '../../types.ts';
import { asArray, asRecord, asString, asStringMap, type FieldPath, recordAt } from './as-record.ts';
import type { AddedLabel } from './match-label-selector.ts';

/** One pod spec a resource carries: a workload's pod template, a bare Pod, or a KServe component. */
export interface PodSpecRef {
  /** The pod spec (for KServe, the component: a pod spec plus the component's own fields). */
  spec: Record<string, unknown>;
  /** Where `spec` sits in the resource's object. */
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
}

/** One container (or container-like KServe model spec) with where it sits, for findings that point at it. */
export interface ContainerRef {
  container: Record<string, unknown>;
  path: FieldPath;
  /** How messages name it: `container api`, `init container fetch`, `predictor.model`. */
  name: string;
  init: boolean;
  pod: PodSpecRef;
}

const WORKLOAD_TEMPLATE: readonly FieldPath[] = [['spec', 'template']];

/**
 * Where each pod-bearing kind (keyed `group/Kind`, '' for core) keeps its pod templates.
 * Sources: Kubernetes API reference (apps, batch, core), Argo Rollouts (`spec.template`, same as a
 * Deployment), LeaderWorkerSet (`spec.leaderWorkerTemplate.{leader,worker}Template`), KubeRay.
 */
const TEMPLATE_PATHS: Readonly<Record<string, (obj: Record<string, unknown>) => readonly FieldPath[]>> = {
  '/ReplicationController': () => WORKLOAD_TEMPLATE,
  '/PodTemplate': () => [['template']],
  'apps/Deployment': () => WORKLOAD_TEMPLATE,
  'apps/StatefulSet': () => WORKLOAD_TEMPLATE,
  'apps/DaemonSet': () => WORKLOAD_TEMPLATE,
  'apps/ReplicaSet': () => WORKLOAD_TEMPLATE,
  'extensions/Deployment': () => WORKLOAD_TEMPLATE,
  'extensions/DaemonSet': () => WORKLOAD_TEMPLATE,
  'extensions/ReplicaSet': () => WORKLOAD_TEMPLATE,
  'batch/Job': () => WORKLOAD_TEMPLATE,
  'batch/CronJob': () => [['spec', 'jobTemplate', 'spec', 'template']],
  'argoproj.io/Rollout': () => WORKLOAD_TEMPLATE,
  'leaderworkerset.x-k8s.io/LeaderWorkerSet': () => [
    ['spec', 'leaderWorkerTemplate', 'leaderTemplate'],
    ['spec', 'leaderWorkerTemplate', 'workerTemplate'],
  ],
  'ray.io/RayCluster': (obj) => rayTemplates(obj, ['spec']),
  'ray.io/RayService': (obj) => rayTemplates(obj, ['spec', 'rayClusterConfig']),
  'ray.io/RayJob': (obj) => rayTemplates(obj, ['spec', 'rayClusterSpec']),
};

/** Pod labels added by controllers of custom kinds (keyed by API group), beyond the template's own. */
const ADDED_LABELS: Readonly<Record<string, readonly AddedLabel[]>> = {
  'leaderworkerset.x-k8s.io': [{ key: 'leaderworkerset.sigs.k8s.io/' }],
  'ray.io': [{ key: 'ray.io/' }, { key: 'app.kubernetes.io/created-by' }, { key: 'app.kubernetes.io/name' }],
};

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

function rayTemplates(obj: Record<string, unknown>, cluster: FieldPath): FieldPath[] {
  const paths: FieldPath[] = [[...cluster, 'headGroupSpec', 'template']];
  asArray(recordAt(obj, cluster)?.workerGroupSpecs).forEach((_, i) => {
    paths.push([...cluster, 'workerGroupSpecs', i, 'template']);
  });
  return paths;
}

/** KServe explainer specs (each a Container inline); the components and predictor specs are in manifest/kserve.ts. */
const KSERVE_EXPLAINER_SPECS: readonly string[] = ['alibi', 'art'];

/** The pod specs a resource carries, in document order; empty for kinds that run no pods. */
export function listPodSpecs(resource: Resource): PodSpecRef[] {
  const obj = resource.object as Record<string, unknown>;
  const group = groupOf(resource.apiVersion);
  const kind = resource.object.kind;
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
      },
    ];
  }
  if (group === 'serving.kserve.io') return kservePodSpecs(obj, kind);
  const templates = TEMPLATE_PATHS[`${group}/${kind}`];
  if (!templates) return [];
  const refs: PodSpecRef[] = [];
  for (const templatePath of templates(obj)) {
    const template = recordAt(obj, templatePath);
    const spec = asRecord(template?.spec);
    if (!template || !spec) continue;
    const metadata = asRecord(template.metadata);
    refs.push({
      spec,
      path: [...templatePath, 'spec'],
      labels: asStringMap(metadata?.labels),
      annotations: asStringMap(metadata?.annotations),
      labelsPath: [...templatePath, 'metadata', 'labels'],
      addedLabels: ADDED_LABELS[group] ?? [],
      runsPods: kind !== 'PodTemplate',
      component: '',
    });
  }
  return refs;
}

function kservePodSpecs(obj: Record<string, unknown>, kind: string): PodSpecRef[] {
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
    };
    const worker = asRecord(spec.workerSpec);
    return worker ? [runtime, { ...runtime, spec: worker, path: ['spec', 'workerSpec'] }] : [runtime];
  }
  if (kind !== 'InferenceService') return [];
  const metadata = asRecord(obj.metadata);
  const name = asString(metadata?.name) ?? '';
  const refs: PodSpecRef[] = [];
  for (const component of KSERVE_COMPONENTS) {
    const spec = recordAt(obj, ['spec', component]);
    if (!spec) continue;
    // KServe puts the object's labels, the component's `labels` and its own identity labels on the pods.
    const labels = {
      ...asStringMap(metadata?.labels),
      ...asStringMap(spec.labels),
      'serving.kserve.io/inferenceservice': name,
      component,
    };
    const annotations = { ...asStringMap(metadata?.annotations), ...asStringMap(spec.annotations) };
    const ref: PodSpecRef = {
      spec,
      path: ['spec', component],
      labels,
      annotations,
      addedLabels: kserveAddedLabels(name, component),
      runsPods: true,
      component,
    };
    refs.push(ref);
    const worker = asRecord(spec.workerSpec);
    if (worker) {
      refs.push({
        ...ref,
        spec: worker,
        path: ['spec', component, 'workerSpec'],
        component: `${component}.workerSpec`,
      });
    }
  }
  return refs;
}

/**
 * Every container of a resource with its path: containers and init containers of each pod spec, and for
 * KServe the model specs (`predictor.model`, `predictor.sklearn`, `explainer.alibi`, …) that are
 * containers inline. Ephemeral containers are left out: they cannot be declared at creation.
 */
export function listContainers(resource: Resource): ContainerRef[] {
  const refs: ContainerRef[] = [];
  for (const pod of listPodSpecs(resource)) {
    const prefix = pod.component ? `${pod.component} ` : '';
    if (pod.component === 'predictor' || pod.component === 'explainer') {
      const keys = pod.component === 'predictor' ? KSERVE_PREDICTOR_SPECS : KSERVE_EXPLAINER_SPECS;
      for (const key of keys) {
        const container = asRecord(pod.spec[key]);
        if (container) {
          refs.push({
            container,
            path: [...pod.path, key],
            name: `${pod.component}.${key}`,
            init: false,
            pod,
          });
        }
      }
    }
    for (const [field, init] of [
      ['initContainers', true],
      ['containers', false],
    ] as const) {
      asArray(pod.spec[field]).forEach((item, i) => {
        const container = asRecord(item);
        if (!container) return;
        const name = asString(container.name) ?? String(i);
        refs.push({
          container,
          path: [...pod.path, field, i],
          name: `${prefix}${init ? 'init container' : 'container'} ${name}`,
          init,
          pod,
        });
      });
    }
  }
  return refs;
}
