import type { KubeObject, ResourceId } from '../types.ts';
import { quoteUnsafe } from './quote-unsafe.ts';

/** The API group of an apiVersion: `apps/v1` → `apps`, `v1` → '' (core). */
export function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

/** Built-in kinds that are cluster-scoped (never get the target's default namespace). */
export const CLUSTER_SCOPED_KINDS: ReadonlySet<string> = new Set([
  'Namespace',
  'Node',
  'PersistentVolume',
  'ClusterRole',
  'ClusterRoleBinding',
  'CustomResourceDefinition',
  'StorageClass',
  'PriorityClass',
  'RuntimeClass',
  'IngressClass',
  'CSIDriver',
  'CSINode',
  'VolumeAttachment',
  'MutatingWebhookConfiguration',
  'ValidatingWebhookConfiguration',
  'ValidatingAdmissionPolicy',
  'ValidatingAdmissionPolicyBinding',
  'MutatingAdmissionPolicy',
  'MutatingAdmissionPolicyBinding',
  'APIService',
  'FlowSchema',
  'PriorityLevelConfiguration',
  'CertificateSigningRequest',
  'ComponentStatus',
  'DeviceClass',
  'GatewayClass',
  'ClusterIssuer',
  // KServe: ServingRuntime is namespaced, ClusterServingRuntime is not.
  'ClusterServingRuntime',
]);

export interface IdentityOptions {
  /** The target's default namespace, applied to namespaced objects that set none. */
  defaultNamespace?: string;
  /** Extra cluster-scoped kinds (from CRDs with `scope: Cluster`), keyed `group/Kind`. */
  clusterScoped?: ReadonlySet<string>;
}

export function isClusterScoped(group: string, kind: string, extra?: ReadonlySet<string>): boolean {
  return CLUSTER_SCOPED_KINDS.has(kind) || (extra?.has(`${group}/${kind}`) ?? false);
}

/**
 * The identity the API server will give this object. Total over user input: a missing or non-string
 * apiVersion, kind, name or namespace counts as '' (validation reports those; identity must not throw).
 */
export function resourceIdOf(obj: KubeObject, opts: IdentityOptions = {}): ResourceId {
  const metadata = (
    typeof obj.metadata === 'object' && obj.metadata !== null && !Array.isArray(obj.metadata)
      ? obj.metadata
      : {}
  ) as Record<string, unknown>;
  const apiVersion: unknown = obj.apiVersion;
  const kind: unknown = obj.kind;
  const group = typeof apiVersion === 'string' ? groupOf(apiVersion) : '';
  const kindName = typeof kind === 'string' ? kind : '';
  const name = typeof metadata.name === 'string' ? metadata.name : '';
  const declared = typeof metadata.namespace === 'string' ? metadata.namespace : '';
  const namespace = isClusterScoped(group, kindName, opts.clusterScoped)
    ? ''
    : declared || opts.defaultNamespace || '';
  return { group, kind: kindName, namespace, name };
}

/**
 * `Deployment ml/api` for namespaced, `ClusterRole admin` for cluster-scoped objects. A missing kind or
 * name (which validation reports) shows as `(no kind)` / `(no name)` so messages stay readable. A part
 * holding a line break or another control character is shown quoted, escaped (quoteUnsafe): the
 * identity heads diffs, lists and log lines, and a name such as `a\n@@ -1 +1 @@\n+image: trusted`
 * written raw forged lines of the PR comment's diff.
 */
export function formatResourceId(id: ResourceId): string {
  const kind = quoteUnsafe(id.kind) || '(no kind)';
  const name = quoteUnsafe(id.name) || '(no name)';
  return id.namespace ? `${kind} ${quoteUnsafe(id.namespace)}/${name}` : `${kind} ${name}`;
}

/**
 * Where an object that names no namespace, in a target that sets none, is applied: the agent puts it
 * there (prepareObjects), as kubectl does in a context without a namespace.
 */
export const APPLIED_DEFAULT_NAMESPACE = 'default';

/**
 * The namespace an object ends up in, for rules that compare objects: `Deployment api` and `Service
 * default/api` meet in `default`. Cluster-scoped kinds have '' throughout, so every object of such a
 * kind maps alike.
 */
export function appliedNamespace(id: ResourceId): string {
  return id.namespace || APPLIED_DEFAULT_NAMESPACE;
}

/** A stable map key for an identity. */
export function resourceKey(id: ResourceId): string {
  return `${id.group}|${id.kind}|${id.namespace}|${id.name}`;
}
