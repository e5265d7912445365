import { KSERVE_COMPONENTS, KSERVE_PREDICTOR_SPECS } from '../../manifest/kserve.ts';
import type { KubeObject } from '../../types.ts';
import { isObj, type Obj, readObj } from './read-path.ts';

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
  containers: ContainerView[];
}

/** Path steps that add nothing to a component's name. */
const PLUMBING = new Set(['spec', 'template', 'jobTemplate', 'podTemplate']);
const MAX_DEPTH = 12;

/**
 * Every pod spec in an object: anything with a `containers` list counts (Deployments, Jobs, CronJobs,
 * Pods, Rollouts, Kubeflow and Ray jobs, LeaderWorkerSets…), found by walking `spec` rather than by
 * kind so a CRD nobody listed still gets a summary. KServe components carry the model server as a
 * `model:` (or framework) block beside optional containers; it is read as a container named after it.
 */
export function podSpecsOf(obj: KubeObject): PodSpecView[] {
  if (isInferenceService(obj)) return inferenceServiceSpecs(obj);
  const found: { path: string[]; spec: Obj; holder: Obj }[] = [];
  walk(obj.spec, [], obj.spec, found, 0);
  const labels = new Map<string, number>();
  return found.map(({ path, spec, holder }) => {
    const base = path.filter((step) => !PLUMBING.has(step)).at(-1) ?? '';
    const seen = labels.get(base) ?? 0;
    labels.set(base, seen + 1);
    return { label: seen === 0 ? base : `${base}#${seen + 1}`, spec, holder, containers: containersOf(spec) };
  });
}

export function isInferenceService(obj: KubeObject | undefined): boolean {
  return obj?.kind === 'InferenceService' && obj.apiVersion.startsWith('serving.kserve.io/');
}

function walk(
  node: unknown,
  path: string[],
  holder: unknown,
  out: { path: string[]; spec: Obj; holder: Obj }[],
  depth: number,
): void {
  if (depth > MAX_DEPTH) return;
  if (Array.isArray(node)) {
    node.forEach((item, i) => {
      const name = isObj(item) ? (item.name ?? item.groupName) : undefined;
      walk(item, [...path, typeof name === 'string' ? name : String(i)], item, out, depth + 1);
    });
    return;
  }
  if (!isObj(node)) return;
  if (Array.isArray(node.containers)) {
    out.push({ path, spec: node, holder: isObj(holder) ? holder : node });
    return;
  }
  for (const [key, value] of Object.entries(node)) {
    if (key === 'metadata' || key === 'status' || typeof value !== 'object' || value === null) continue;
    // The owner of a pod template is the map that holds `template` (it carries `replicas`).
    walk(value, [...path, key], key === 'template' ? node : holder, out, depth + 1);
  }
}

function containersOf(spec: Obj): ContainerView[] {
  const read = (list: unknown, init: boolean): ContainerView[] =>
    (Array.isArray(list) ? list : []).filter(isObj).map((raw, i) => ({
      name: typeof raw.name === 'string' ? raw.name : `#${i + 1}`,
      init,
      raw,
    }));
  return [...read(spec.initContainers, true), ...read(spec.containers, false)];
}

function inferenceServiceSpecs(obj: KubeObject): PodSpecView[] {
  const views: PodSpecView[] = [];
  for (const component of KSERVE_COMPONENTS) {
    const spec = readObj(obj, 'spec', component);
    if (!spec) continue;
    const containers = containersOf(spec);
    const framework = KSERVE_PREDICTOR_SPECS.find((f) => isObj(spec[f]));
    if (framework) {
      const raw = spec[framework] as Obj;
      containers.push({ name: typeof raw.name === 'string' ? raw.name : framework, init: false, raw });
    }
    views.push({ label: component, spec, holder: spec, containers });
  }
  return views;
}
