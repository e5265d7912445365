import { describe, expect, it } from 'vitest';
import { isExtendedResource } from '../../../src/validate/rules/is-extended-resource.ts';

describe('isExtendedResource', () => {
  it.each([
    'nvidia.com/gpu',
    'amd.com/gpu',
    'aws.amazon.com/neuron',
    'aws.amazon.com/neuroncore',
    'habana.ai/gaudi',
    'google.com/tpu',
    'gpu.intel.com/i915',
    'nvidia.com/mig-1g.5gb',
  ])('treats %s as an extended resource', (name) => {
    expect(isExtendedResource(name)).toBe(true);
  });

  it.each([
    'cpu',
    'memory',
    'ephemeral-storage',
    'hugepages-2Mi',
    'kubernetes.io/something',
    'example.kubernetes.io/thing',
    'requests.nvidia.com/gpu',
  ])('treats %s as native or a quota name', (name) => {
    expect(isExtendedResource(name)).toBe(false);
  });
});
