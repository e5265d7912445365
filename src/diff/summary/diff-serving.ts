import type { KubeObject } from '../../types.ts';
import { acceleratorCounts, diffFacts, type Fact } from './diff-facts.ts';
import { formatTransition } from './format-transition.ts';
import { isObj, type Obj, readList, readObj, readText } from './read-path.ts';

/**
 * Model-serving kinds that hold no pod spec: the operator builds the pods from a few fields of its own,
 * so the model, its image, the GPUs and the replicas are read there. NVIDIA's NIMService (an image that
 * is the model, `resources`, `replicas`, `scale.hpa`) and NIMCache (the model it downloads), KubeAI's
 * Model (`url`, `engine`, `resourceProfile` `name:count`, `replicas`/`minReplicas`/`maxReplicas`),
 * KAITO's Workspace (a preset model on `resource.count` GPU nodes of `resource.instanceType`), llmaz's
 * OpenModel (a model hub id and revision) and Playground (the model it claims, `replicas`). And Spark
 * Operator's SparkApplication, which sizes its driver and executors the same way (image, instances,
 * cores, memory, `executor.gpu`).
 */
const READERS: Readonly<Record<string, (obj: KubeObject) => Fact[]>> = {
  'apps.nvidia.com/NIMService': nimServiceFacts,
  'apps.nvidia.com/NIMCache': nimCacheFacts,
  'kubeai.org/Model': kubeAiModelFacts,
  'kaito.sh/Workspace': kaitoWorkspaceFacts,
  'llmaz.io/OpenModel': openModelFacts,
  'inference.llmaz.io/Playground': playgroundFacts,
  'sparkoperator.k8s.io/SparkApplication': sparkApplicationFacts,
};

const readerOf = (obj: KubeObject) => READERS[`${obj.apiVersion.split('/')[0]}/${obj.kind}`];

export function isServingObject(obj: KubeObject): boolean {
  return obj.apiVersion.includes('/') && readerOf(obj) !== undefined;
}

/**
 * Facts in the summary's order (model, image, GPUs, machines, replicas): `model hf://meta-llama/… → …`,
 * `GPUs 1 → 2 (nvidia.com/gpu)`, `replicas 1 → 3`. With no `before`, the object is new and its values
 * are said as they are.
 */
export function diffServing(before: KubeObject | undefined, after: KubeObject): string[] {
  const read = readerOf(after);
  if (!read) return [];
  return diffFacts({
    before: before ? keyed(read(before)) : undefined,
    after: keyed(read(after)),
    transition: formatTransition,
  });
}

function keyed(facts: Fact[]): Map<string, Fact> {
  return new Map(facts.map((f) => [`${f.label} ${f.unit ?? ''}`, f]));
}

const fact = (label: string, value: string | undefined, extra: Partial<Fact> = {}): Fact[] =>
  value === undefined || value === '' ? [] : [{ label, value, ...extra }];

/** `GPUs N (resource)` for each accelerator of a resources block's limits (else its requests). */
function gpuFacts(resources: Obj | undefined, label = 'GPUs'): Fact[] {
  const limits = readObj(resources, 'limits') ?? readObj(resources, 'requests');
  return acceleratorCounts(limits).flatMap(([unit, value]) => fact(label, value, { unit, none: '0' }));
}

function replicaFacts(holder: Obj | undefined, min = 'minReplicas', max = 'maxReplicas'): Fact[] {
  const lo = readText(holder, min);
  const hi = readText(holder, max);
  return [
    ...fact('replicas', readText(holder, 'replicas')),
    ...(lo === undefined && hi === undefined
      ? []
      : fact('autoscaling', `${lo ?? '1'}–${hi ?? '∞'}`, { none: 'off' })),
  ];
}

function nimServiceFacts(obj: KubeObject): Fact[] {
  const spec = readObj(obj, 'spec');
  const repository = readText(spec, 'image', 'repository');
  const tag = readText(spec, 'image', 'tag');
  return [
    // A NIM's image is its model: `nvcr.io/nim/meta/llama-3.1-8b-instruct:1.3.3`.
    ...fact('image', repository && (tag ? `${repository}:${tag}` : repository)),
    ...fact('NIM cache', readText(spec, 'storage', 'nimCache', 'name')),
    ...fact('NIM profile', readText(spec, 'storage', 'nimCache', 'profile')),
    ...gpuFacts(readObj(spec, 'resources')),
    ...replicaFacts(spec),
    ...replicaFacts(readObj(spec, 'scale', 'hpa')).filter((f) => f.label === 'autoscaling'),
  ];
}

function nimCacheFacts(obj: KubeObject): Fact[] {
  const source = readObj(obj, 'spec', 'source');
  const model =
    readText(source, 'hf', 'modelName') ??
    readText(source, 'dataStore', 'modelName') ??
    readText(source, 'ngc', 'modelPuller');
  const profiles = readList(source, 'ngc', 'model', 'profiles').map(String).join(', ');
  return [...fact('model', model), ...fact('profiles', profiles)];
}

function kubeAiModelFacts(obj: KubeObject): Fact[] {
  const spec = readObj(obj, 'spec');
  return [
    ...fact('model', readText(spec, 'url')),
    ...fact('engine', readText(spec, 'engine')),
    // `nvidia-gpu-l4:1`: a profile the KubeAI install defines, and how many of it each replica takes.
    ...fact('resource profile', readText(spec, 'resourceProfile')),
    ...replicaFacts(spec),
  ];
}

function kaitoWorkspaceFacts(obj: KubeObject): Fact[] {
  const o = obj as unknown as Obj;
  const adapters = readList(o, 'inference', 'adapters')
    .map((a) => (isObj(a) ? readText(a, 'source', 'name') : undefined))
    .filter((n): n is string => n !== undefined)
    .join(', ');
  return [
    ...fact('model', readText(o, 'inference', 'preset', 'name')),
    ...fact('adapters', adapters),
    ...fact('tuning base model', readText(o, 'tuning', 'preset', 'name')),
    ...fact('tuning method', readText(o, 'tuning', 'method')),
    ...fact('GPU nodes', readText(o, 'resource', 'count'), { none: '1' }),
    ...fact('instance type', readText(o, 'resource', 'instanceType')),
  ];
}

function openModelFacts(obj: KubeObject): Fact[] {
  const hub = readObj(obj, 'spec', 'source', 'modelHub');
  const id = readText(hub, 'modelID') ?? readText(obj, 'spec', 'source', 'uri');
  const flavors = readList(obj, 'spec', 'inferenceConfig', 'flavors');
  return [
    ...fact('model', id),
    ...fact('model revision', readText(hub, 'revision')),
    ...flavors.flatMap((f) => (isObj(f) ? gpuFacts({ limits: readObj(f, 'limits') }) : [])),
  ];
}

function playgroundFacts(obj: KubeObject): Fact[] {
  const spec = readObj(obj, 'spec');
  const claimed =
    readText(spec, 'modelClaim', 'modelName') ??
    readList(spec, 'modelClaims', 'models')
      .map((m) => (isObj(m) ? readText(m, 'name') : undefined))
      .filter((n): n is string => n !== undefined)
      .join(', ');
  return [
    ...fact('model', claimed),
    ...gpuFacts(readObj(spec, 'backendRuntimeConfig', 'resources')),
    ...replicaFacts(spec),
  ];
}

function sparkApplicationFacts(obj: KubeObject): Fact[] {
  const spec = readObj(obj, 'spec');
  const driver = readObj(spec, 'driver');
  const executor = readObj(spec, 'executor');
  const gpu = readObj(executor, 'gpu');
  const gpuName = readText(gpu, 'name');
  return [
    ...fact('image', readText(spec, 'image')),
    ...fact('driver image', readText(driver, 'image')),
    ...fact('executor image', readText(executor, 'image')),
    ...fact('executors', readText(executor, 'instances')),
    ...fact('executor cores', readText(executor, 'cores')),
    ...fact('executor memory', readText(executor, 'memory')),
    ...fact('driver cores', readText(driver, 'cores')),
    ...fact('driver memory', readText(driver, 'memory')),
    // `gpu: {name: nvidia.com/gpu, quantity: 1}` per executor.
    ...(gpuName ? fact('GPUs per executor', readText(gpu, 'quantity'), { unit: gpuName, none: '0' }) : []),
    ...replicaFacts(readObj(spec, 'dynamicAllocation'), 'minExecutors', 'maxExecutors').filter(
      (f) => f.label === 'autoscaling',
    ),
  ];
}
