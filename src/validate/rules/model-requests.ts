import { asRecord, asString, asStringMap } from '../../manifest/as-record.ts';
import { type ContainerRef, listContainers, type PodSpecRef } from '../../manifest/list-pod-specs.ts';
import { formatResourceId, groupOf } from '../../manifest/resource-id.ts';
import type { Resource } from '../../types.ts';
import type { Rule, RuleFinding } from '../rule.ts';
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
 */
export const modelRequestsRule: Rule = {
  id: 'model-requests',
  severity: 'warning',
  description:
    'Model-serving containers (KServe, GPU workloads, known model servers) declare CPU and memory requests.',
  check(ctx) {
    const findings: RuleFinding[] = [];
    for (const resource of ctx.resources) {
      const key = `${groupOf(resource.apiVersion)}/${resource.object.kind}`;
      const isvc = key === 'serving.kserve.io/InferenceService';
      if (!isvc && !SERVING_WORKLOADS.has(key)) continue;
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
        findings.push({
          resource,
          path: hasResources ? [...ref.path, 'resources'] : ref.path,
          message: `${ref.name} in ${formatResourceId(resource.id)} ${why} but declares no ${missing.join(' or ')} request; set resources.requests.${missing.map((m) => (m === 'CPU' ? 'cpu' : 'memory')).join(' and ')} so the scheduler does not overpack ${nodes}`,
        });
      }
    }
    return findings;
  },
};

/** A request is declared when set in requests, or in limits (Kubernetes defaults the request to the limit). */
function missingRequests(ref: ContainerRef): ('CPU' | 'memory')[] {
  const resources = asRecord(ref.container.resources);
  const requests = asRecord(resources?.requests) ?? {};
  const limits = asRecord(resources?.limits) ?? {};
  const missing: ('CPU' | 'memory')[] = [];
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
