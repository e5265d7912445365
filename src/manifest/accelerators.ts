/**
 * What Ferry knows of accelerators, shared by the diff summary (`GPUs 2 → 4`) and the live GPU capacity
 * pre-flight: which extended resources are accelerators (device plugins' resource names), and which node
 * labels say the accelerator model.
 */

/**
 * Extended resources that are accelerators: NVIDIA GPUs and MIG profiles (the GPU operator's device
 * plugin, `nvidia.com/mig-1g.10gb` in the mixed strategy), AMD, Intel (`gpu.intel.com/i915`, `xe`),
 * Habana Gaudi, AWS Neuron (`neuron`, `neuroncore`, `neurondevice`), Google TPUs, and any `<vendor>/gpu`.
 */
const ACCELERATOR_RESOURCE =
  /^(?:nvidia\.com\/(?:gpu|mig-.+)|amd\.com\/gpu|gpu\.intel\.com\/.+|habana\.ai\/gaudi|aws\.amazon\.com\/neuron(?:core|device)?|google\.com\/tpu|[^/]+\/gpu)$/;

export function isAcceleratorResource(name: string): boolean {
  // Every accelerator name has a `/`: `cpu` and `memory`, most of what containers ask for, skip the pattern.
  return name.includes('/') && ACCELERATOR_RESOURCE.test(name);
}

/**
 * Node labels that choose the accelerator model, most specific first, and what to call them: GPU
 * feature discovery (`nvidia.com/gpu.product`), GKE, Karpenter on AWS, and the well-known instance type.
 */
export const ACCELERATOR_TYPE_LABELS: Readonly<Record<string, string>> = {
  'nvidia.com/gpu.product': 'GPU type',
  'nvidia.com/gpu.family': 'GPU family',
  'cloud.google.com/gke-accelerator': 'GPU type',
  'cloud.google.com/gke-tpu-accelerator': 'TPU type',
  'karpenter.k8s.aws/instance-gpu-name': 'GPU type',
  'node.kubernetes.io/instance-type': 'instance type',
  'beta.kubernetes.io/instance-type': 'instance type',
  'karpenter.k8s.aws/instance-family': 'instance family',
};
