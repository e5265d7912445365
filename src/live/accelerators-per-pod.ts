import { isAcceleratorResource } from '../manifest/accelerators.ts';
import { asRecord, type FieldPath } from '../manifest/as-record.ts';
import { listPodContainers, type PodSpecRef } from '../manifest/list-pod-specs.ts';
import { parseQuantity } from '../validate/rules/parse-quantity.ts';

/** Devices of one accelerator resource a pod asks for, and the container field that asks first. */
export interface PodAccelerator {
  count: number;
  /** `…/containers/0/resources` of the first container requesting it (for the finding's line). */
  path: FieldPath;
}

/**
 * Accelerators one pod of `pod` requests, per resource name, as the scheduler counts them: the larger of
 * the app containers' sum (with sidecars: init containers with `restartPolicy: Always`) and the largest
 * single init container (Kubernetes docs, "Init Containers: resource sharing within containers", and
 * "Sidecar containers: resource sharing"). A container's amount is its request, else its limit: for
 * extended resources the request defaults to the limit and must equal it ("Resource Management for Pods
 * and Containers", extended resources). Amounts that are not whole counts are left out.
 */
export function acceleratorsPerPod(pod: PodSpecRef): Map<string, PodAccelerator> {
  const sums = new Map<string, PodAccelerator>();
  const initMax = new Map<string, PodAccelerator>();
  for (const ref of listPodContainers(pod)) {
    const resources = asRecord(ref.container.resources);
    const requests = asRecord(resources?.requests) ?? {};
    const limits = asRecord(resources?.limits) ?? {};
    const sidecar = ref.init && ref.container.restartPolicy === 'Always';
    for (const name of new Set([...Object.keys(requests), ...Object.keys(limits)])) {
      if (!isAcceleratorResource(name)) continue;
      const count = parseQuantity(requests[name] ?? limits[name]);
      if (count === undefined || !Number.isInteger(count) || count <= 0) continue;
      const path = [...ref.path, 'resources'];
      if (ref.init && !sidecar) {
        const prev = initMax.get(name);
        if (!prev || prev.count < count) initMax.set(name, { count, path });
        continue;
      }
      const prev = sums.get(name);
      sums.set(name, { count: (prev?.count ?? 0) + count, path: prev?.path ?? path });
    }
  }
  for (const [name, init] of initMax) {
    const prev = sums.get(name);
    if (!prev || prev.count < init.count) sums.set(name, init);
  }
  return sums;
}
