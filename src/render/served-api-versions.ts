/**
 * Kubernetes' GA kinds by group/version, as the pinned schema (src/validate/schemas/k8s-1.36.json)
 * has them (a test holds this list to it), without the `*List` kinds.
 */
const GA_KINDS: Readonly<Record<string, readonly string[]>> = {
  'admissionregistration.k8s.io/v1': [
    'MutatingAdmissionPolicy',
    'MutatingAdmissionPolicyBinding',
    'MutatingWebhookConfiguration',
    'ValidatingAdmissionPolicy',
    'ValidatingAdmissionPolicyBinding',
    'ValidatingWebhookConfiguration',
  ],
  'apiextensions.k8s.io/v1': ['CustomResourceDefinition'],
  'apiregistration.k8s.io/v1': ['APIService'],
  'apps/v1': ['ControllerRevision', 'DaemonSet', 'Deployment', 'ReplicaSet', 'StatefulSet'],
  'authentication.k8s.io/v1': ['SelfSubjectReview', 'TokenRequest', 'TokenReview'],
  'authorization.k8s.io/v1': [
    'LocalSubjectAccessReview',
    'SelfSubjectAccessReview',
    'SelfSubjectRulesReview',
    'SubjectAccessReview',
  ],
  'autoscaling/v1': ['HorizontalPodAutoscaler', 'Scale'],
  'autoscaling/v2': ['HorizontalPodAutoscaler'],
  'batch/v1': ['CronJob', 'Job'],
  'certificates.k8s.io/v1': ['CertificateSigningRequest'],
  'coordination.k8s.io/v1': ['Lease'],
  'discovery.k8s.io/v1': ['EndpointSlice'],
  'events.k8s.io/v1': ['Event'],
  'flowcontrol.apiserver.k8s.io/v1': ['FlowSchema', 'PriorityLevelConfiguration'],
  'networking.k8s.io/v1': ['IPAddress', 'Ingress', 'IngressClass', 'NetworkPolicy', 'ServiceCIDR'],
  'node.k8s.io/v1': ['RuntimeClass'],
  'policy/v1': ['Eviction', 'PodDisruptionBudget'],
  'rbac.authorization.k8s.io/v1': ['ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding'],
  'resource.k8s.io/v1': ['DeviceClass', 'ResourceClaim', 'ResourceClaimTemplate', 'ResourceSlice'],
  'scheduling.k8s.io/v1': ['PriorityClass'],
  'storage.k8s.io/v1': [
    'CSIDriver',
    'CSINode',
    'CSIStorageCapacity',
    'StorageClass',
    'VolumeAttachment',
    'VolumeAttributesClass',
  ],
  v1: [
    'Binding',
    'ComponentStatus',
    'ConfigMap',
    'Endpoints',
    'Event',
    'LimitRange',
    'Namespace',
    'Node',
    'PersistentVolume',
    'PersistentVolumeClaim',
    'Pod',
    'PodTemplate',
    'ReplicationController',
    'ResourceQuota',
    'Secret',
    'Service',
    'ServiceAccount',
  ],
};

/**
 * The release each GA kind above was first served in, from 1.24 on (the Kubernetes changelogs); the
 * others are older. A target on an earlier release does not get it.
 */
const GA_SINCE: Readonly<Record<string, string>> = {
  'storage.k8s.io/v1/CSIStorageCapacity': '1.24',
  'authentication.k8s.io/v1/SelfSubjectReview': '1.28',
  'flowcontrol.apiserver.k8s.io/v1/FlowSchema': '1.29',
  'flowcontrol.apiserver.k8s.io/v1/PriorityLevelConfiguration': '1.29',
  'admissionregistration.k8s.io/v1/ValidatingAdmissionPolicy': '1.30',
  'admissionregistration.k8s.io/v1/ValidatingAdmissionPolicyBinding': '1.30',
  'networking.k8s.io/v1/IPAddress': '1.33',
  'networking.k8s.io/v1/ServiceCIDR': '1.33',
  'resource.k8s.io/v1/DeviceClass': '1.34',
  'resource.k8s.io/v1/ResourceClaim': '1.34',
  'resource.k8s.io/v1/ResourceClaimTemplate': '1.34',
  'resource.k8s.io/v1/ResourceSlice': '1.34',
  'storage.k8s.io/v1/VolumeAttributesClass': '1.34',
  'admissionregistration.k8s.io/v1/MutatingAdmissionPolicy': '1.36',
  'admissionregistration.k8s.io/v1/MutatingAdmissionPolicyBinding': '1.36',
};

/** Every GA kind's `group/version/Kind`, for the schema test. */
export function listGaKinds(): string[] {
  return Object.entries(GA_KINDS).flatMap(([gv, kinds]) => kinds.map((k) => `${gv}/${k}`));
}

/**
 * What a cluster of `kubernetesVersion` (`1.<minor>`; any release when undefined) has in
 * `.Capabilities.APIVersions` beyond helm's built-in list, as Argo CD passes its cluster's to `helm
 * template` (`--api-versions`, a group/version and a `group/version/Kind` per resource): every GA
 * kind's `group/version/Kind` (helm's list holds group/versions only, so `Has "policy/v1/PodDisruptionBudget"`
 * is otherwise false and a chart falls back to policy/v1beta1) and `apiregistration.k8s.io/v1`, which
 * helm's list lacks (prometheus-adapter then renders its APIServices as the removed v1beta1).
 */
export function listServedApiVersions(kubernetesVersion?: string): string[] {
  const minor = minorOf(kubernetesVersion);
  const served = listGaKinds().filter((gvk) => {
    const since = GA_SINCE[gvk];
    return minor === undefined || since === undefined || (minorOf(since) ?? 0) <= minor;
  });
  return ['apiregistration.k8s.io/v1', ...served];
}

function minorOf(version: string | undefined): number | undefined {
  const m = /^v?1\.(\d+)/.exec(version ?? '');
  return m ? Number(m[1]) : undefined;
}
