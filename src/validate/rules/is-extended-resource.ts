/**
 * Whether a resource name is an extended resource (`nvidia.com/gpu`, `amd.com/gpu`, `aws.amazon.com/neuron`,
 * `habana.ai/gaudi`, `google.com/tpu`, …). Mirrors Kubernetes' `IsExtendedResourceName`: a name with a
 * domain prefix that is not in the `kubernetes.io/` namespace and not a quota `requests.` name. Native
 * resources (cpu, memory, ephemeral-storage, hugepages-*) have no domain prefix.
 */
export function isExtendedResource(name: string): boolean {
  if (!name.includes('/')) return false;
  if (name.startsWith('requests.')) return false;
  const domain = name.slice(0, name.indexOf('/'));
  return domain !== 'kubernetes.io' && !domain.endsWith('.kubernetes.io');
}
