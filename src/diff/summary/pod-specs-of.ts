import { listContainers, listPodSpecs } from '../../manifest/list-pod-specs.ts';
import type { KubeObject } from '../../types.ts';
import type { Obj } from './read-path.ts';

/** One container of a pod spec, as the summary reads it. */
export interface ContainerView {
  name: string;
  init: boolean;
  raw: Obj;
}

/** A pod spec found in a workload, with the object that owns its replica counts. */
export interface PodSpecView {
  /** '' for a workload's only pod spec; else the component (`predictor`, `Worker`, `gpu-group`). */
  label: string;
  spec: Obj;
  /** The map holding `replicas`/`minReplicas`/`maxReplicas` for these pods (a Deployment's spec). */
  holder: Obj;
  /** Pods per replica of `holder` (LeaderWorkerSet workers: `size - 1`); 1 otherwise. */
  podsPerReplica: number;
  containers: ContainerView[];
}

/**
 * The pod specs of an object as the summary reads them: the same list the validation rules use
 * (`listPodSpecs`, src/manifest/list-pod-specs.ts), so summary and rules see the same containers. KServe
 * components carry the model server as a `model:` (or framework) block, a TrainJob its `trainer`: each
 * is read as a container named after it.
 */
export function podSpecsOf(obj: KubeObject): PodSpecView[] {
  const pods = listPodSpecs(obj);
  if (pods.length === 0) return [];
  // The object's containers as the rules listed them (cached per object): each pod spec's, in order.
  const all = listContainers(obj);
  return pods.map((pod) => {
    const containers: ContainerView[] = [];
    for (const c of all) {
      if (c.pod === pod) containers.push({ name: c.containerName, init: c.init, raw: c.container });
    }
    return {
      label: pod.label,
      spec: pod.spec,
      holder: pod.holder,
      podsPerReplica: pod.podsPerReplica,
      containers,
    };
  });
}

export function isInferenceService(obj: KubeObject | undefined): boolean {
  return obj?.kind === 'InferenceService' && obj.apiVersion.startsWith('serving.kserve.io/');
}
