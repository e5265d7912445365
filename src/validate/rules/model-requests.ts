import { asArray, asRecord, asString, asStringMap } from '../../manifest/as-record.ts';
import { detachedString } from '../../manifest/detached.ts';
import { type ContainerRef, listContainers, type PodSpecRef } from '../../manifest/list-pod-specs.ts';
import { appliedNamespace, formatResourceId, groupOf } from '../../manifest/resource-id.ts';
import { standInFor } from '../../manifest/stand-in-for.ts';
import type { Resource } from '../../types.ts';
import { checkWhole, type Rule, type RuleFinding } from '../rule.ts';
import { isExtendedResource } from './is-extended-resource.ts';
import { parseImageRef } from './parse-image-ref.ts';

/** Workload kinds whose pods may serve a model (`group/Kind`); KServe InferenceServices always do. */
const SERVING_WORKLOADS: ReadonlySet<string> = new Set([
  'apps/Deployment',
  'apps/StatefulSet',
  'argoproj.io/Rollout',
  'leaderworkerset.x-k8s.io/LeaderWorkerSet',
]);

/** Substrings of an image's repository that name a model server. */
const SERVER_IMAGE_PARTS: readonly string[] = [
  'triton',
  'vllm',
  'text-generation-inference',
  'torchserve',
  'tensorflow/serving',
  'tfserving',
  'kserve',
  'seldon',
  'mlserver',
  'ray-ml',
  'ollama',
  'sglang',
];
/** Short names that only count as a whole path or dash-separated token (`tgi`, not `…tgif…`). */
const SERVER_IMAGE_TOKENS: ReadonlySet<string> = new Set(['tgi']);

/** Tokens of an image name that make it a controller, whatever project it belongs to. */
const CONTROL_PLANE_TOKENS: ReadonlySet<string> = new Set(['controller', 'operator', 'webhook']);

const COMPONENT_LABEL = 'app.kubernetes.io/component';
const SERVING_COMPONENTS: ReadonlySet<string> = new Set([
  'model-server',
  'serving',
  'inference',
  'predictor',
]);

/**
 * Model-serving containers declare CPU and memory requests. The scheduler places pods by requests; a GPU
 * node full of request-less model servers is overpacked on CPU and memory, and the servers get
 * throttled or OOM-killed while the GPUs wait.
 *
 * A KServe predictor's `model` names a ServingRuntime (or ClusterServingRuntime) whose `kserve-container`
 * KServe merges under it (strategic merge: the runtime's resources are the defaults, the model's own
 * override them key by key; KServe's MergeServingRuntimeAndInferenceServiceSpecs), so what the model
 * lacks its runtime may set (NVIDIA/nim-deploy's runtimes hold 12 CPU / 32Gi). The runtime may be in
 * another part of the target, so this rule reads the whole set (`stream`), and a model whose named
 * runtime is not in the target (another target's, a cluster's) is not judged: its resources are unknown.
 */
export const modelRequestsRule: Rule = {
  id: 'model-requests',
  severity: 'warning',
  description:
    'Model-serving containers (KServe, GPU workloads, known model servers) declare CPU and memory requests.',
  judgesEachResource: true,
  check(ctx) {
    return checkWhole(modelRequestsRule, ctx);
  },
  stream() {
    // What each runtime's serving container declares, by `namespace/name` (ServingRuntime) or `name`
    // (ClusterServingRuntime); the models naming a runtime wait for the whole set.
    const runtimes = new Map<string, Declared>();
    const waiting: Waiting[] = [];
    return {
      add(resources) {
        const findings: RuleFinding[] = [];
        for (const resource of resources) {
          const key = `${groupOf(resource.apiVersion)}/${resource.object.kind}`;
          if (
            key === 'serving.kserve.io/ServingRuntime' ||
            key === 'serving.kserve.io/ClusterServingRuntime'
          ) {
            const declared = declaredByRuntime(resource);
            const name = resource.id.name;
            const runtimeKey = key.endsWith('/ServingRuntime')
              ? `${appliedNamespace(resource.id)}/${name}`
              : name;
            if (declared) runtimes.set(detachedString(runtimeKey), declared);
            continue;
          }
          findings.push(...checkResource(resource, key, waiting));
        }
        return findings;
      },
      finish() {
        const findings: RuleFinding[] = [];
        for (const model of waiting) {
          // KServe looks for a ServingRuntime in the InferenceService's namespace first, then a cluster one.
          const runtime = runtimes.get(`${model.namespace}/${model.runtime}`) ?? runtimes.get(model.runtime);
          if (!runtime) continue;
          const missing = model.missing.filter((m) => !runtime.has(m));
          if (missing.length > 0)
            findings.push(model.finding(missing, ` (nor does its runtime ${model.runtime})`));
        }
        return findings;
      },
    };
  },
};

type Request = 'CPU' | 'memory';
/** The requests a container declares (in requests or limits). */
type Declared = ReadonlySet<Request>;

/** A predictor model whose named runtime decides; `finding` words it once the runtime is known. */
interface Waiting {
  namespace: string;
  runtime: string;
  missing: readonly Request[];
  finding(missing: readonly Request[], note: string): RuleFinding;
}

function checkResource(resource: Resource, key: string, waiting: Waiting[]): RuleFinding[] {
  const isvc = key === 'serving.kserve.io/InferenceService';
  if (!isvc && !SERVING_WORKLOADS.has(key)) return [];
  const findings: RuleFinding[] = [];
  const containers = listContainers(resource.object).filter((ref) => !ref.init);
  // Each serving pod, with what makes it one in words: a model server, or a pod holding accelerators.
  const servingPods = new Map<PodSpecRef, string>();
  for (const ref of containers) {
    if (servingPods.has(ref.pod)) continue;
    const why = isvc ? 'serves a model' : whyServing(resource, ref.pod, containers);
    if (why) servingPods.set(ref.pod, why);
  }
  for (const ref of containers) {
    const why = servingPods.get(ref.pod);
    if (!why) continue;
    const missing = missingRequests(ref);
    if (missing.length === 0) continue;
    const hasResources = asRecord(ref.container.resources) !== undefined;
    const nodes = nodesOf(containers.filter((c) => c.pod === ref.pod));
    const path = hasResources ? [...ref.path, 'resources'] : ref.path;
    const words = { name: ref.name, id: formatResourceId(resource.id), why, nodes };
    const runtime = isvc ? runtimeOf(ref) : undefined;
    if (runtime === undefined) {
      findings.push({ resource, path, message: wordMissing({ ...words, missing }) });
      continue;
    }
    // Kept until the end: the stand-in and the words, not the object (detached.ts).
    const at = standInFor(resource);
    const kept = { ...words, name: detachedString(words.name), id: detachedString(words.id) };
    waiting.push({
      namespace: detachedString(appliedNamespace(resource.id)),
      runtime: detachedString(runtime),
      missing,
      finding: (left, note) => ({
        resource: at,
        path,
        message: wordMissing({ ...kept, missing: left, note }),
      }),
    });
  }
  return findings;
}

function wordMissing(opts: {
  name: string;
  id: string;
  why: string;
  nodes: string;
  missing: readonly Request[];
  note?: string;
}): string {
  const fields = opts.missing.map((m) => (m === 'CPU' ? 'cpu' : 'memory')).join(' and ');
  return `${opts.name} in ${opts.id} ${opts.why} but declares no ${opts.missing.join(' or ')} request${opts.note ?? ''}; set resources.requests.${fields} so the scheduler does not overpack ${opts.nodes}`;
}

/** The runtime a predictor's `model` names (`spec.predictor.model.runtime`), if this is that model. */
function runtimeOf(ref: ContainerRef): string | undefined {
  if (!ref.inline || ref.pod.component !== 'predictor' || ref.path.at(-1) !== 'model') return undefined;
  const runtime = asString(ref.container.runtime);
  return runtime === '' ? undefined : runtime;
}

/**
 * What a runtime's serving container declares: the one KServe merges a model into is `kserve-container`
 * (KServe before 0.11 took the first container; a runtime without the name is read that way too).
 */
function declaredByRuntime(resource: Resource): Declared | undefined {
  const containers = asArray(asRecord(resource.object.spec)?.containers);
  const records = containers.map(asRecord).filter((c) => c !== undefined);
  const container = records.find((c) => c.name === 'kserve-container') ?? records[0];
  if (!container) return undefined;
  const declared = new Set<Request>(['CPU', 'memory']);
  for (const m of missingRequestsOf(container)) declared.delete(m);
  return declared;
}

/** A request is declared when set in requests, or in limits (Kubernetes defaults the request to the limit). */
function missingRequests(ref: ContainerRef): Request[] {
  return missingRequestsOf(ref.container);
}

function missingRequestsOf(container: Record<string, unknown>): Request[] {
  const resources = asRecord(container.resources);
  const requests = asRecord(resources?.requests) ?? {};
  const limits = asRecord(resources?.limits) ?? {};
  const missing: Request[] = [];
  if (!Object.hasOwn(requests, 'cpu') && !Object.hasOwn(limits, 'cpu')) missing.push('CPU');
  if (!Object.hasOwn(requests, 'memory') && !Object.hasOwn(limits, 'memory')) missing.push('memory');
  return missing;
}

/**
 * Why a pod counts as model serving, in the words of the finding: a serving component or a model server's
 * image "serves a model"; a pod that is neither but holds an accelerator "uses nvidia.com/gpu" (a GPU
 * smoke test running nvidia-smi, as ai-on-eks' verify-gpu, serves nothing, yet overpacks the node alike).
 */
function whyServing(
  resource: Resource,
  pod: PodSpecRef,
  containers: readonly ContainerRef[],
): string | undefined {
  const metadata = asRecord(resource.object.metadata);
  const component = [
    pod.labels[COMPONENT_LABEL],
    pod.annotations[COMPONENT_LABEL],
    asStringMap(metadata?.labels)[COMPONENT_LABEL],
  ];
  if (component.some((c) => c !== undefined && SERVING_COMPONENTS.has(c))) return 'serves a model';
  const own = containers.filter((ref) => ref.pod === pod);
  if (own.some(isServerImage)) return 'serves a model';
  const accelerator = own.map(extendedResourceOf).find((r) => r !== undefined);
  return accelerator === undefined ? undefined : `uses ${accelerator}`;
}

/** What to call the nodes a pod's accelerator puts it on: TPU, Neuron and Gaudi nodes are no GPU nodes. */
function nodesOf(pod: readonly ContainerRef[]): string {
  const accelerator = pod.map(extendedResourceOf).find((r) => r !== undefined) ?? '';
  if (accelerator === 'google.com/tpu') return 'TPU nodes';
  if (accelerator.startsWith('aws.amazon.com/neuron')) return 'Neuron nodes';
  if (accelerator === 'habana.ai/gaudi') return 'Gaudi nodes';
  return 'GPU nodes';
}

/** The first extended resource (a GPU, an accelerator) a container requests or limits. */
function extendedResourceOf(ref: ContainerRef): string | undefined {
  const resources = asRecord(ref.container.resources);
  for (const values of [resources?.limits, resources?.requests]) {
    const found = Object.keys(asRecord(values) ?? {}).find(isExtendedResource);
    if (found) return found;
  }
  return undefined;
}

/** Whether an image names a known model server (`nvcr.io/nvidia/tritonserver`, `vllm/vllm-openai`, …). */
function isServerImage(ref: ContainerRef): boolean {
  const image = asString(ref.container.image);
  if (!image) return false;
  const repository = parseImageRef(image).repository.toLowerCase();
  // A serving project's control plane is no model server (kserve/kserve-controller,
  // kserve/modelmesh-controller, seldonio/seldon-core-operator): its name says so.
  const name = repository.slice(repository.lastIndexOf('/') + 1);
  if (name.split(/[-_.]/).some((token) => CONTROL_PLANE_TOKENS.has(token))) return false;
  if (SERVER_IMAGE_PARTS.some((part) => repository.includes(part))) return true;
  return repository.split(/[/\-_.]/).some((token) => SERVER_IMAGE_TOKENS.has(token));
}
