import { isAcceleratorResource } from '../../manifest/accelerators.ts';
import type { KubeObject } from '../../types.ts';
import { acceleratorCounts, diffFacts, type Fact } from './diff-facts.ts';
import { isObj, readList, readObj, readText } from './read-path.ts';

/**
 * GPU capacity the cluster may provision or admit, which a reviewer of an AI platform weighs like a
 * workload's GPUs: a Karpenter NodePool (its accelerator limit, the instance families, types and GPU
 * names it may launch, on-demand or spot) and a Kueue ClusterQueue (its accelerator quota, summed over
 * flavours). Facts per object, `before` absent: the object is new and its values are said as they are.
 */
export function isCapacityObject(obj: KubeObject): boolean {
  return (
    (obj.kind === 'NodePool' && obj.apiVersion.startsWith('karpenter.sh/')) ||
    (obj.kind === 'ClusterQueue' && obj.apiVersion.startsWith('kueue.x-k8s.io/'))
  );
}

/** The requirement keys a NodePool chooses its machines by, and what to call each. */
const NODEPOOL_KEYS: readonly [string, string][] = [
  ['karpenter.k8s.aws/instance-gpu-name', 'GPU types'],
  ['karpenter.k8s.aws/instance-family', 'instance families'],
  ['node.kubernetes.io/instance-type', 'instance types'],
  ['karpenter.sh/capacity-type', 'capacity'],
];

export function diffCapacity(before: KubeObject | undefined, after: KubeObject): string[] {
  // Lists of names are short and every name matters: said whole, not elided.
  // Limits and quotas first, then the machines in NODEPOOL_KEYS' order, whichever side has them.
  return diffFacts({
    before: before ? capacityOf(before) : undefined,
    after: capacityOf(after),
    transition: (from, to) => `${from} → ${to}`,
    order: (keys) => keys.sort((x, y) => rank(x) - rank(y)),
  });
}

function rank(key: string): number {
  const i = NODEPOOL_KEYS.findIndex(([k]) => k === key);
  return i < 0 ? 0 : i + 1;
}

/** The object's facts by key: `GPU limit 8 (nvidia.com/gpu)`, `capacity on-demand, spot`. */
function capacityOf(obj: KubeObject): Map<string, Fact> {
  const facts = new Map<string, Fact>();
  if (obj.kind === 'NodePool') {
    for (const [unit, value] of acceleratorCounts(readObj(obj, 'spec', 'limits'))) {
      facts.set(`limit ${unit}`, { label: 'GPU limit', unit, value, none: 'none' });
    }
    const requirements = readList(obj, 'spec', 'template', 'spec', 'requirements');
    for (const [key, label] of NODEPOOL_KEYS) {
      const value = chosenValues(requirements, key);
      if (value) facts.set(key, { label, value, none: 'any' });
    }
    return facts;
  }
  const quotas = new Map<string, number | string>();
  for (const group of readList(obj, 'spec', 'resourceGroups')) {
    for (const flavor of readList(group, 'flavors')) {
      for (const resource of readList(flavor, 'resources')) {
        const name = readText(resource, 'name');
        const quota = readText(resource, 'nominalQuota');
        if (!name || quota === undefined || !isAcceleratorResource(name)) continue;
        const n = Number(quota);
        const prev = quotas.get(name) ?? 0;
        // A quantity that is not a plain count is shown as written.
        quotas.set(name, Number.isFinite(n) && typeof prev === 'number' ? prev + n : quota);
      }
    }
  }
  for (const [unit, total] of [...quotas].sort(([x], [y]) => x.localeCompare(y))) {
    facts.set(`quota ${unit}`, { label: 'GPU quota', unit, value: String(total), none: '0' });
  }
  return facts;
}

/** `In` values of the requirement on `key` (sorted, joined by `|`), `not X` for `NotIn`; undefined: any. */
function chosenValues(requirements: unknown[], key: string): string | undefined {
  for (const r of requirements) {
    if (!isObj(r) || r.key !== key) continue;
    const values = readList(r, 'values')
      .filter((v): v is string | number => typeof v === 'string' || typeof v === 'number')
      .map(String)
      .sort();
    if (r.operator === 'In' && values.length > 0) return values.join('|');
    if (r.operator === 'NotIn' && values.length > 0) return `not ${values.join('|')}`;
  }
  return undefined;
}
