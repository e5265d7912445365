import { describe, expect, it } from 'vitest';
import { summarizeChange } from '../../src/diff/summarize-change.ts';
import type { KubeObject } from '../../src/types.ts';

/** A Karpenter NodePool as examples/v1 writes one, with a GPU limit and the machines it may launch. */
function nodePool(opts: {
  gpus?: number | string;
  families?: string[];
  capacity?: string[];
  gpuNames?: { operator: string; values: string[] };
  cpu?: string;
}): KubeObject {
  const requirements: Record<string, unknown>[] = [
    { key: 'kubernetes.io/arch', operator: 'In', values: ['amd64'] },
  ];
  if (opts.families) {
    requirements.push({ key: 'karpenter.k8s.aws/instance-family', operator: 'In', values: opts.families });
  }
  if (opts.capacity)
    requirements.push({ key: 'karpenter.sh/capacity-type', operator: 'In', values: opts.capacity });
  if (opts.gpuNames) requirements.push({ key: 'karpenter.k8s.aws/instance-gpu-name', ...opts.gpuNames });
  return {
    apiVersion: 'karpenter.sh/v1',
    kind: 'NodePool',
    metadata: { name: 'gpu' },
    spec: {
      template: {
        spec: {
          requirements,
          nodeClassRef: { group: 'karpenter.k8s.aws', kind: 'EC2NodeClass', name: 'gpu' },
        },
      },
      limits: {
        ...(opts.cpu === undefined ? {} : { cpu: opts.cpu }),
        ...(opts.gpus === undefined ? {} : { 'nvidia.com/gpu': opts.gpus }),
      },
    },
  };
}

function clusterQueue(flavors: { name: string; gpus: number | string }[]): KubeObject {
  return {
    apiVersion: 'kueue.x-k8s.io/v1beta1',
    kind: 'ClusterQueue',
    metadata: { name: 'team-a' },
    spec: {
      namespaceSelector: {},
      resourceGroups: [
        {
          coveredResources: ['cpu', 'nvidia.com/gpu'],
          flavors: flavors.map((f) => ({
            name: f.name,
            resources: [
              { name: 'cpu', nominalQuota: 64 },
              { name: 'nvidia.com/gpu', nominalQuota: f.gpus },
            ],
          })),
        },
      ],
    },
  };
}

describe('summary of GPU capacity: Karpenter NodePools and Kueue ClusterQueues', () => {
  it("says a NodePool's GPU limit, instance families and capacity type as they move", () => {
    const before = nodePool({ gpus: 8, families: ['p4d', 'g5'], capacity: ['on-demand'], cpu: '1000' });
    const after = nodePool({ gpus: 32, families: ['g5', 'p5'], capacity: ['spot'], cpu: '2000' });
    expect(summarizeChange({ before, after })).toEqual([
      'GPU limit 8 → 32 (nvidia.com/gpu)',
      'instance families g5|p4d → g5|p5',
      'capacity on-demand → spot',
    ]);
  });

  it('says what a new NodePool may launch, and a removed one as removed', () => {
    const pool = nodePool({
      gpus: 16,
      gpuNames: { operator: 'In', values: ['h100', 'a100'] },
      capacity: ['spot', 'on-demand'],
    });
    expect(summarizeChange({ after: pool })).toEqual([
      'new',
      'GPU limit 16 (nvidia.com/gpu)',
      'GPU types a100|h100',
      'capacity on-demand|spot',
    ]);
    expect(summarizeChange({ before: pool })).toEqual(['removed']);
  });

  it('says a limit or choice that is dropped as none or any, and NotIn as not', () => {
    const before = nodePool({ gpus: 8, families: ['g5'] });
    const after = nodePool({ gpuNames: { operator: 'NotIn', values: ['t4'] } });
    expect(summarizeChange({ before, after })).toEqual([
      'GPU limit 8 → none (nvidia.com/gpu)',
      'GPU types any → not t4',
      'instance families g5 → any',
    ]);
  });

  it('says nothing when only what the summary does not cover changes (a CPU limit, a label)', () => {
    const before = nodePool({ gpus: 8, cpu: '1000' });
    const after = { ...nodePool({ gpus: 8, cpu: '2000' }), metadata: { name: 'gpu', labels: { team: 'a' } } };
    expect(summarizeChange({ before, after })).toEqual([]);
  });

  it("sums a ClusterQueue's GPU quota over its flavours", () => {
    const before = clusterQueue([
      { name: 'a100', gpus: 8 },
      { name: 'h100', gpus: 8 },
    ]);
    const after = clusterQueue([
      { name: 'a100', gpus: 8 },
      { name: 'h100', gpus: '24' },
    ]);
    expect(summarizeChange({ before, after })).toEqual(['GPU quota 16 → 32 (nvidia.com/gpu)']);
    expect(summarizeChange({ after })).toEqual(['new', 'GPU quota 32 (nvidia.com/gpu)']);
  });

  it('leaves kinds of the same name in other groups alone', () => {
    const other = { ...nodePool({ gpus: 8 }), apiVersion: 'example.com/v1' };
    expect(summarizeChange({ before: other, after: { ...other, spec: {} } })).toEqual([]);
  });
});
