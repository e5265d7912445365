import { isAcceleratorResource, ACCELERATOR_TYPE_LABELS as TYPE_KEYS } from '../../manifest/accelerators.ts';
import type { PodSpecView } from './pod-specs-of.ts';
import { isObj, type Obj, readList, readObj, readText } from './read-path.ts';

/**
 * Accelerator facts for one pod spec: count per resource (summed over the pod's containers, limits
 * first since extended resources must set limits), the accelerator type from node selectors and
 * required node affinity, and tolerations added or removed. With no `before`, describes `after`.
 */
export function diffGpus(before: PodSpecView | undefined, after: PodSpecView | undefined): string[] {
  const facts: string[] = [];
  const a: ReadonlyMap<string, string> = before ? gpuCounts(before) : new Map();
  const b: ReadonlyMap<string, string> = after ? gpuCounts(after) : new Map();
  for (const name of [...new Set([...a.keys(), ...b.keys()])].sort()) {
    const x = a.get(name);
    const y = b.get(name);
    if (!before) facts.push(`GPUs ${y} (${name})`);
    else if (after && x !== y) facts.push(`GPUs ${x ?? '0'} → ${y ?? '0'} (${name})`);
  }
  const ta = before ? gpuTypes(before) : new Map<string, string>();
  const tb = after ? gpuTypes(after) : new Map<string, string>();
  for (const key of [...new Set([...ta.keys(), ...tb.keys()])].sort()) {
    const label = TYPE_KEYS[key] ?? key;
    const x = ta.get(key);
    const y = tb.get(key);
    if (!before && y !== undefined) facts.push(`${label} ${y}`);
    // Accelerator names are short and every part matters (`nvidia-l4 → nvidia-h100-80gb`): not elided.
    else if (before && after && x !== y) facts.push(`${label} ${x ?? 'any'} → ${y ?? 'any'}`);
  }
  if (before && after) facts.push(...diffTolerations(before, after));
  return facts;
}

/** `gpuCounts` per view: `diffGpus` and `diffGpuTotals` both ask for every pod spec's counts. */
const GPU_COUNTS = new WeakMap<PodSpecView, ReadonlyMap<string, string>>();

/**
 * Accelerators per pod of `view`, per resource name, as text (a non-count quantity as written). The map
 * is shared by every caller: read-only.
 */
export function gpuCounts(view: PodSpecView): ReadonlyMap<string, string> {
  let counts = GPU_COUNTS.get(view);
  if (counts === undefined) {
    counts = countGpus(view);
    GPU_COUNTS.set(view, counts);
  }
  return counts;
}

const NONE: Obj = Object.freeze({});

function countGpus(view: PodSpecView): Map<string, string> {
  const totals = new Map<string, number | string>();
  const add = (name: string, limits: Obj, requests: Obj): void => {
    if (!isAcceleratorResource(name)) return;
    const text = readText(limits, name) ?? readText(requests, name) ?? '0';
    const n = Number(text);
    const prev = totals.get(name) ?? 0;
    // A quantity that is not a plain count is shown as written.
    totals.set(name, Number.isFinite(n) && typeof prev === 'number' ? prev + n : text);
  };
  for (const c of view.containers) {
    if (c.init) continue;
    const resources = c.raw.resources;
    if (!isObj(resources)) continue;
    const limits = isObj(resources.limits) ? resources.limits : NONE;
    const requests = isObj(resources.requests) ? resources.requests : NONE;
    // Limits' names, then requests' names not among them (each name once per container).
    const limitNames = Object.keys(limits);
    for (const name of limitNames) add(name, limits, requests);
    for (const name of Object.keys(requests)) if (!limitNames.includes(name)) add(name, limits, requests);
  }
  const counts = new Map<string, string>();
  for (const [name, total] of totals) counts.set(name, String(total));
  return counts;
}

/**
 * ` on NVIDIA-A100-SXM4-80GB` when the workload's pods select an accelerator type (GPU or TPU type
 * labels; not instance types, which name a machine), so a total reads as what it buys.
 */
function acceleratorOf(views: PodSpecView[]): string {
  const names = new Set<string>();
  for (const view of views) {
    for (const [key, value] of gpuTypes(view)) {
      if (TYPE_KEYS[key]?.endsWith('PU type')) names.add(value);
    }
  }
  return names.size > 0 ? ` on ${[...names].join(', ')}` : '';
}

function gpuTypes(view: PodSpecView): Map<string, string> {
  const types = new Map<string, string>();
  const selector = readObj(view.spec, 'nodeSelector') ?? {};
  for (const [key, value] of Object.entries(selector)) {
    if (key in TYPE_KEYS && value !== null && value !== undefined) types.set(key, String(value));
  }
  const terms = readList(
    view.spec,
    'affinity',
    'nodeAffinity',
    'requiredDuringSchedulingIgnoredDuringExecution',
    'nodeSelectorTerms',
  );
  for (const term of terms) {
    for (const expr of readList(term, 'matchExpressions')) {
      const key = readText(expr, 'key');
      if (!key || !(key in TYPE_KEYS) || readText(expr, 'operator') !== 'In') continue;
      const values = readList(expr, 'values').map(String).join('|');
      types.set(key, types.has(key) ? `${types.get(key)}|${values}` : values);
    }
  }
  return types;
}

function diffTolerations(before: PodSpecView, after: PodSpecView): string[] {
  const a = new Set(readList(before.spec, 'tolerations').filter(isObj).map(formatToleration));
  const b = new Set(readList(after.spec, 'tolerations').filter(isObj).map(formatToleration));
  return [
    ...[...b].filter((t) => !a.has(t)).map((t) => `toleration added ${t}`),
    ...[...a].filter((t) => !b.has(t)).map((t) => `toleration removed ${t}`),
  ];
}

/** `nvidia.com/gpu:NoSchedule`, `dedicated=ml:NoSchedule`, `* (any taint)`. */
function formatToleration(t: Record<string, unknown>): string {
  const key = readText(t, 'key');
  const value = readText(t, 'value');
  const effect = readText(t, 'effect');
  const base = key ? `${key}${value ? `=${value}` : ''}` : '* (any taint)';
  return effect ? `${base}:${effect}` : base;
}

/**
 * How many pods of `view` run: `replicas` (or a TrainJob's `numNodes`, a Job's `parallelism`, a KServe
 * component's `minReplicas`; 1 when unset, the Kubernetes default) × pods per replica (LeaderWorkerSet).
 */
export function podCountOf(view: PodSpecView): number {
  const text =
    readText(view.holder, 'replicas') ??
    readText(view.holder, 'numNodes') ??
    readText(view.holder, 'parallelism') ??
    readText(view.holder, 'minReplicas');
  const n = text === undefined ? 1 : Number(text);
  return (Number.isInteger(n) && n >= 0 ? n : 1) * view.podsPerReplica;
}

/**
 * Accelerators of a whole workload: per pod × pods, over all its pod specs, per resource name:
 * `GPUs 4 → 8 × nvidia.com/gpu in total`. Said only where it differs from the per-pod figure (more than
 * one pod or pod spec) and changed; with no `before`, describes `after`.
 */
export function diffGpuTotals(before: PodSpecView[] | undefined, after: PodSpecView[]): string[] {
  const total = (views: PodSpecView[]): { sums: Map<string, number>; pods: number } => {
    const sums = new Map<string, number>();
    let pods = 0;
    for (const view of views) {
      const counts = gpuCounts(view);
      if (counts.size === 0) continue;
      const count = podCountOf(view);
      for (const [name, text] of counts) {
        const n = Number(text);
        if (!Number.isFinite(n)) continue;
        sums.set(name, (sums.get(name) ?? 0) + n * count);
        pods += count;
      }
    }
    return { sums, pods };
  };
  const b = total(after);
  // The same views on both sides (a change to metadata only): the same totals.
  const a = before ? (before === after ? b : total(before)) : undefined;
  const facts: string[] = [];
  for (const name of [...new Set([...(a?.sums.keys() ?? []), ...b.sums.keys()])].sort()) {
    const x = a?.sums.get(name) ?? 0;
    const y = b.sums.get(name) ?? 0;
    const beyondOnePod = (a?.pods ?? 0) > 1 || b.pods > 1;
    if (!beyondOnePod) continue;
    const on = acceleratorOf(after);
    if (!a && y > 0) facts.push(`GPUs ${y} × ${name}${on} in total`);
    else if (a && x !== y) facts.push(`GPUs ${x} → ${y} × ${name}${on} in total`);
  }
  return facts;
}
