import { asRecord, asString } from '../manifest/as-record.ts';
import type { PodSpecRef } from '../manifest/list-pod-specs.ts';
import { groupOf } from '../manifest/resource-id.ts';
import type { KubeObject } from '../types.ts';

/**
 * The pods an operator runs for a kind that holds no pod spec, as the operator builds them, for the GPU
 * capacity pre-flight. NVIDIA's NIMService (NVIDIA/k8s-nim-operator@f63f74d7, Apache-2.0,
 * api/apps/v1alpha1/nimservice_types.go and manifests/deployment.yaml): one Deployment whose pod has
 * one container with `spec.resources`, the service's `nodeSelector`, `tolerations` and `affinity`,
 * the label `app: <name>`, `spec.scale.hpa.minReplicas` replicas when `spec.scale.enabled`, else
 * `spec.replicas` (1 when unset), rolled with `maxSurge: 0` (no pod beside the new set; the default
 * case of rolloutSurgeOf). A multi-node NIMService (`spec.multiNode`, a LeaderWorkerSet) is left out.
 * KAITO's Workspace provisions its own GPU nodes and KubeAI's Model maps its `resourceProfile` to
 * nodes through the operator's own settings: neither says here where its pods would run.
 *
 * The NIMService's spec stands for the pod's one container (`inline`), so a finding points at
 * `spec.resources`, where the GPUs are asked for. Its replicas and scaling are not part of the pod:
 * changing them scales, it does not roll the pods.
 */
export function operatorPodSpecs(object: KubeObject): PodSpecRef[] {
  if (groupOf(object.apiVersion) !== 'apps.nvidia.com' || object.kind !== 'NIMService') return [];
  const spec = asRecord(object.spec) ?? {};
  if (spec.multiNode !== undefined && spec.multiNode !== null) return [];
  const { replicas, scale, ...template } = spec;
  const scaling = asRecord(scale);
  const replicasNow = scaling?.enabled === true ? asRecord(scaling.hpa)?.minReplicas : replicas;
  const name = asString(asRecord(object.metadata)?.name) ?? '';
  return [
    {
      spec: {
        spec: template,
        nodeSelector: spec.nodeSelector,
        tolerations: spec.tolerations,
        affinity: spec.affinity,
      },
      path: [],
      labels: { app: name },
      annotations: {},
      addedLabels: [],
      runsPods: true,
      component: '',
      label: '',
      holder: { replicas: replicasNow },
      podsPerReplica: 1,
      inline: ['spec'],
    },
  ];
}
