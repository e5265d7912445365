import { ACCELERATOR_TYPE_LABELS } from '../manifest/accelerators.ts';
import { asRecord, asString, asStringMap, recordAt } from '../manifest/as-record.ts';
import { lineOf } from '../manifest/line-of.ts';
import { listPodSpecs } from '../manifest/list-pod-specs.ts';
import { formatResourceId } from '../manifest/resource-id.ts';
import type { KubeObject, Resource } from '../types.ts';
import { matchLabelSelector } from '../validate/rules/match-label-selector.ts';
import { acceleratorsPerPod } from './accelerators-per-pod.ts';
import { findGpuGrowth, type GpuGrowth } from './find-gpu-growth.ts';
import { isNodeEligible } from './is-node-eligible.ts';
import type { GpuDemand, LiveFinding } from './live-result.ts';
import { intOf } from './rollout-surge-of.ts';

type Obj = Record<string, unknown>;

/** Label and annotation key prefixes that say a node was made by (or belongs to) an autoscaler. */
const AUTOSCALER_KEYS = ['karpenter.sh/', 'karpenter.k8s.aws/', 'cluster-autoscaler.kubernetes.io/'];

/**
 * The GPU capacity pre-flight (issue 13): for each workload of the PR head whose accelerator demand
 * at peak grows (`findGpuGrowth`), whether the extra devices (peak − what its own pods hold now) fit
 * into the free devices of the nodes its pods may land on, pod by pod (first-fit decreasing, so a pod
 * of 4 needs one node with 4 free). Free = allocatable − the requests of the non-terminated pods bound
 * to the node (phase not Succeeded/Failed), on Ready, schedulable nodes whose labels and taints the pod
 * spec accepts (`isNodeEligible`). Each workload is weighed alone against today's free devices.
 */
export function planGpuCapacity(opts: {
  base: readonly Resource[];
  head: readonly Resource[];
  nodes: readonly KubeObject[];
  pods: readonly KubeObject[];
}): { demands: GpuDemand[]; findings: LiveFinding[] } {
  const growth = findGpuGrowth(opts);
  if (growth.length === 0) return { demands: [], findings: [] };
  const running = opts.pods.filter((p) => {
    const phase = recordAt(p, ['status'])?.phase;
    return phase !== 'Succeeded' && phase !== 'Failed';
  });
  const podDevices = new Map(running.map((p) => [p, devicesOfPod(p)]));
  const used = new Map<string, Map<string, number>>();
  for (const pod of running) {
    const node = asString(recordAt(pod, ['spec'])?.nodeName);
    if (!node) continue;
    const onNode = used.get(node) ?? new Map<string, number>();
    for (const [name, n] of podDevices.get(pod) ?? []) onNode.set(name, (onNode.get(name) ?? 0) + n);
    used.set(node, onNode);
  }
  const nodes = [...opts.nodes].sort((a, b) => nameOf(a).localeCompare(nameOf(b)));
  const autoscales = nodes.some(hasAutoscalerKey);
  const demands: GpuDemand[] = [];
  const findings: LiveFinding[] = [];
  for (const g of growth) {
    const freeOf = (node: KubeObject): number => {
      const allocatable = intOf(recordAt(node, ['status', 'allocatable'])?.[g.gpuResource]) ?? 0;
      return Math.max(0, allocatable - (used.get(nameOf(node))?.get(g.gpuResource) ?? 0));
    };
    const offering = nodes.filter((n) => intOf(recordAt(n, ['status', 'allocatable'])?.[g.gpuResource]));
    const eligible = g.groups.map((group) => new Set(offering.filter((n) => isNodeEligible(n, group.spec))));
    const matching = offering.filter((n) => eligible.some((set) => set.has(n)));
    const held = heldBy(g, running, podDevices);
    const free = matching.reduce((sum, n) => sum + freeOf(n), 0);
    const gpuType = typeOf(matching);
    const placement = place({ g, held, eligible, nodes: matching, freeOf });
    const fits = matching.length > 0 && placement === undefined;
    const resource = formatResourceId(g.resource.id);
    demands.push({
      resource,
      gpuResource: g.gpuResource,
      ...(gpuType && { gpuType }),
      peak: g.peak,
      held,
      free,
      fits,
    });
    findings.push({
      check: 'capacity',
      severity: fits ? 'info' : 'error',
      resource,
      file: g.resource.file,
      line: lineOf(g.resource, g.path),
      message: messageOf({ g, held, free, gpuType, matching: matching.length > 0, placement, autoscales }),
    });
  }
  return { demands, findings };
}

function nameOf(o: Obj): string {
  return asString(recordAt(o, ['metadata'])?.name) ?? '';
}

function hasAutoscalerKey(node: Obj): boolean {
  const m = recordAt(node, ['metadata']);
  const keys = [...Object.keys(asRecord(m?.labels) ?? {}), ...Object.keys(asRecord(m?.annotations) ?? {})];
  return keys.some((k) => AUTOSCALER_KEYS.some((p) => k.startsWith(p)));
}

function devicesOfPod(pod: KubeObject): Map<string, number> {
  const total = new Map<string, number>();
  for (const ref of listPodSpecs(pod)) {
    for (const [name, a] of acceleratorsPerPod(ref)) total.set(name, (total.get(name) ?? 0) + a.count);
  }
  return total;
}

/** Devices of the resource held by the workload's own current pods (its namespace, its selector). */
function heldBy(
  g: GpuGrowth,
  running: readonly KubeObject[],
  devices: Map<KubeObject, Map<string, number>>,
): number {
  if (g.podSelectors.length === 0) return 0;
  let held = 0;
  for (const pod of running) {
    const metadata = recordAt(pod, ['metadata']);
    if ((asString(metadata?.namespace) ?? '') !== g.resource.id.namespace) continue;
    const labels = asStringMap(metadata?.labels);
    if (!g.podSelectors.some((s) => matchLabelSelector(s, labels) === 'yes')) continue;
    held += devices.get(pod)?.get(g.gpuResource) ?? 0;
  }
  return held;
}

/** The accelerator model of the matching nodes, from the first type label each carries. */
function typeOf(nodes: readonly KubeObject[]): string | undefined {
  const types = new Set<string>();
  for (const node of nodes) {
    const labels = asStringMap(recordAt(node, ['metadata'])?.labels);
    const key = Object.keys(ACCELERATOR_TYPE_LABELS).find((k) => labels[k]);
    if (key) types.add(labels[key] as string);
  }
  const text = [...types].sort().join(', ');
  return text === '' ? undefined : text.slice(0, 253);
}

/**
 * Places the pods the rollout adds, largest first, each on the first eligible node with enough free
 * devices; the pods whose devices the current pods hand over as they go are left out first. Returns
 * the size of the first pod that found no node, or undefined when all fit.
 */
function place(opts: {
  g: GpuGrowth;
  held: number;
  eligible: readonly Set<KubeObject>[];
  nodes: readonly KubeObject[];
  freeOf: (node: KubeObject) => number;
}): number | undefined {
  const pods = opts.g.groups
    .flatMap((group, i) => Array.from({ length: group.pods }, () => ({ size: group.perPod, group: i })))
    .sort((a, b) => b.size - a.size);
  let handedOver = opts.held;
  const toPlace = pods.filter((p) => {
    if (p.size > handedOver) return true;
    handedOver -= p.size;
    return false;
  });
  const left = new Map(opts.nodes.map((n) => [n, opts.freeOf(n)]));
  for (const pod of toPlace) {
    const node = opts.nodes.find((n) => opts.eligible[pod.group]?.has(n) && (left.get(n) ?? 0) >= pod.size);
    if (!node) return pod.size;
    left.set(node, (left.get(node) ?? 0) - pod.size);
  }
  return undefined;
}

function messageOf(opts: {
  g: GpuGrowth;
  held: number;
  free: number;
  gpuType: string | undefined;
  matching: boolean;
  placement: number | undefined;
  autoscales: boolean;
}): string {
  const { g, held, free, gpuType, placement } = opts;
  const unless = opts.autoscales ? ' unless the autoscaler adds nodes' : '';
  if (!opts.matching) {
    return `no node matches its nodeSelector/affinity/tolerations for ${g.gpuResource}: its pods will stay Pending${unless}`;
  }
  const stall = g.change === 'new' ? 'its pods will stay Pending' : 'the rollout will stall';
  const needs = `needs ${g.peak} × ${g.gpuResource}${gpuType ? ` (${gpuType})` : ''} at peak (${g.explanation}), its pods hold ${held} now; ${free} free on matching nodes`;
  if (placement === undefined) return `${needs}: fits, ${free - Math.max(0, g.peak - held)} to spare`;
  if (g.peak - held <= free)
    return `${needs}, but no matching node has ${placement} free for one pod: ${stall}${unless}`;
  return `${needs}: ${stall}${unless}`;
}
