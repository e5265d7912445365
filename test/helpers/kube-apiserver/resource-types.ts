import { isDeepStrictEqual } from 'node:util';
import type { StatusCause } from './api-status.ts';
import { BUILT_IN_SCHEMAS, crdSchema, type FieldSchema } from './schema.ts';

type Obj = Record<string, unknown>;

/** One served kind, as discovery describes it plus what the fake enforces on writes. */
export interface ResourceType {
  group: string;
  version: string;
  kind: string;
  plural: string;
  singular: string;
  namespaced: boolean;
  shortNames?: string[];
  /** Has a `/status` subresource: writes to the main endpoint ignore `.status`, and vice versa. */
  hasStatus: boolean;
  /** `metadata.generation` is kept and bumped on every change outside metadata and status. */
  hasGeneration: boolean;
  builtIn: boolean;
  schema: FieldSchema;
  /** DNS-1123 label (Namespace, Service) or subdomain (most kinds). */
  nameFormat: 'label' | 'subdomain';
  /** Causes for changes a real server refuses on update (422, "field is immutable"). */
  immutable?: (previous: Obj, next: Obj) => StatusCause[];
  /** Other validation (422). */
  validate?: (object: Obj) => StatusCause[];
  /** Field selector labels beyond metadata.name/namespace (the kind's `AddFieldLabelConversionFunc`). */
  fieldLabels?: readonly string[];
}

function get(obj: unknown, path: readonly string[]): unknown {
  let cur: unknown = obj;
  for (const key of path) {
    if (typeof cur !== 'object' || cur === null) return undefined;
    cur = (cur as Obj)[key];
  }
  return cur;
}

const BYTE_SUFFIXES: Record<string, number> = {
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
};

/** A storage quantity (`10Gi`, `500M`, `1073741824`) in bytes; undefined when it is not one. */
function toBytes(q: unknown): number | undefined {
  const m = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|k|M|G|T)?$/.exec(String(q ?? ''));
  if (!m) return undefined;
  return Number(m[1]) * (BYTE_SUFFIXES[m[2] ?? ''] ?? 1);
}

function immutableField(field: string, value: unknown): StatusCause {
  return {
    reason: 'FieldValueInvalid',
    field,
    message: `Invalid value: ${JSON.stringify(value)}: field is immutable`,
  };
}

/** Deployment/StatefulSet: the selector must be set and match the template's labels (apps/v1 validation). */
function selectorMatchesTemplate(object: Obj): StatusCause[] {
  const selector = get(object, ['spec', 'selector', 'matchLabels']) as Record<string, string> | undefined;
  if (!selector || Object.keys(selector).length === 0) {
    return [{ reason: 'FieldValueRequired', field: 'spec.selector', message: 'Required value' }];
  }
  const labels = (get(object, ['spec', 'template', 'metadata', 'labels']) ?? {}) as Record<string, string>;
  const matches = Object.entries(selector).every(([k, v]) => labels[k] === v);
  return matches
    ? []
    : [
        {
          reason: 'FieldValueInvalid',
          field: 'spec.template.metadata.labels',
          message: `Invalid value: ${JSON.stringify(labels)}: \`selector\` does not match template \`labels\``,
        },
      ];
}

/**
 * ConfigMap and Secret data together may hold at most 1 MiB (core.MaxSecretSize, checked by
 * ValidateConfigMap / ValidateSecret; the error is on the whole object, printed as `[]`).
 */
function dataWithinLimit(secret: boolean) {
  return (object: Obj): StatusCause[] => {
    let total = 0;
    for (const field of ['data', 'binaryData', 'stringData']) {
      // Bytes as stored: a Secret's data and any binaryData are base64 on the wire.
      const base64 = field === 'binaryData' || (secret && field === 'data');
      for (const v of Object.values((object[field] ?? {}) as Record<string, unknown>)) {
        if (typeof v === 'string') total += base64 ? Buffer.from(v, 'base64').length : Buffer.byteLength(v);
      }
    }
    return total > 1048576
      ? [{ reason: 'FieldValueTooLong', field: '[]', message: 'Too long: must have at most 1048576 bytes' }]
      : [];
  };
}

const builtIn = (
  t: Omit<ResourceType, 'builtIn' | 'schema' | 'nameFormat'> & Partial<ResourceType>,
): ResourceType => ({
  builtIn: true,
  schema: BUILT_IN_SCHEMAS[t.kind] ?? { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
  nameFormat: 'subdomain',
  ...t,
});

/** The kinds every fake cluster serves (a real cluster serves many more; these are the ones the agent meets). */
export function builtInTypes(): ResourceType[] {
  return [
    builtIn({
      group: '',
      version: 'v1',
      kind: 'Namespace',
      plural: 'namespaces',
      singular: 'namespace',
      namespaced: false,
      shortNames: ['ns'],
      hasStatus: true,
      hasGeneration: false,
      nameFormat: 'label',
    }),
    builtIn({
      group: '',
      version: 'v1',
      kind: 'ConfigMap',
      plural: 'configmaps',
      singular: 'configmap',
      namespaced: true,
      shortNames: ['cm'],
      hasStatus: false,
      hasGeneration: false,
      validate: dataWithinLimit(false),
      immutable: (prev, next) =>
        prev.immutable === true &&
        (!isDeepStrictEqual(prev.data, next.data) || !isDeepStrictEqual(prev.binaryData, next.binaryData))
          ? [
              {
                reason: 'FieldValueForbidden',
                field: 'data',
                message: 'Forbidden: field is immutable when `immutable` is set',
              },
            ]
          : [],
    }),
    builtIn({
      group: '',
      version: 'v1',
      kind: 'Secret',
      plural: 'secrets',
      singular: 'secret',
      namespaced: true,
      hasStatus: false,
      hasGeneration: false,
      validate: dataWithinLimit(true),
      immutable: (prev, next) => {
        const causes: StatusCause[] = [];
        if (prev.type !== undefined && next.type !== undefined && prev.type !== next.type)
          causes.push(immutableField('type', next.type));
        if (prev.immutable === true && !isDeepStrictEqual(prev.data, next.data)) {
          causes.push({
            reason: 'FieldValueForbidden',
            field: 'data',
            message: 'Forbidden: field is immutable when `immutable` is set',
          });
        }
        return causes;
      },
    }),
    builtIn({
      // Leader election (client-go's leaderelection, and the agent's): optimistic concurrency on resourceVersion.
      group: 'coordination.k8s.io',
      version: 'v1',
      kind: 'Lease',
      plural: 'leases',
      singular: 'lease',
      namespaced: true,
      hasStatus: false,
      hasGeneration: false,
    }),
    builtIn({
      group: '',
      version: 'v1',
      kind: 'ServiceAccount',
      plural: 'serviceaccounts',
      singular: 'serviceaccount',
      namespaced: true,
      shortNames: ['sa'],
      hasStatus: false,
      hasGeneration: false,
    }),
    builtIn({
      group: '',
      version: 'v1',
      kind: 'Service',
      plural: 'services',
      singular: 'service',
      namespaced: true,
      shortNames: ['svc'],
      hasStatus: true,
      hasGeneration: false,
      nameFormat: 'label',
      immutable: (prev, next) => {
        const before = get(prev, ['spec', 'clusterIP']);
        const after = get(next, ['spec', 'clusterIP']);
        // An unset clusterIP keeps the allocated one; a different explicit value is refused.
        return before !== undefined && after !== undefined && before !== after
          ? [immutableField('spec.clusterIP', after)]
          : [];
      },
    }),
    builtIn({
      group: '',
      version: 'v1',
      kind: 'Event',
      plural: 'events',
      singular: 'event',
      namespaced: true,
      shortNames: ['ev'],
      hasStatus: false,
      hasGeneration: false,
    }),
    builtIn({
      group: 'apps',
      version: 'v1',
      kind: 'Deployment',
      plural: 'deployments',
      singular: 'deployment',
      namespaced: true,
      shortNames: ['deploy'],
      hasStatus: true,
      hasGeneration: true,
      validate: selectorMatchesTemplate,
      immutable: (prev, next) => {
        const before = get(prev, ['spec', 'selector']);
        const after = get(next, ['spec', 'selector']);
        return isDeepStrictEqual(before, after) ? [] : [immutableField('spec.selector', after)];
      },
    }),
    builtIn({
      group: 'apps',
      version: 'v1',
      kind: 'StatefulSet',
      plural: 'statefulsets',
      singular: 'statefulset',
      namespaced: true,
      shortNames: ['sts'],
      hasStatus: true,
      hasGeneration: true,
      validate: selectorMatchesTemplate,
      immutable: (prev, next) => {
        // apps/v1 ValidateStatefulSetUpdate: only these spec fields may change.
        const mutable = new Set([
          'replicas',
          'ordinals',
          'template',
          'updateStrategy',
          'persistentVolumeClaimRetentionPolicy',
          'minReadySeconds',
        ]);
        const a = (get(prev, ['spec']) ?? {}) as Obj;
        const b = (get(next, ['spec']) ?? {}) as Obj;
        const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
        const changed = [...keys].filter((k) => !mutable.has(k) && !isDeepStrictEqual(a[k], b[k]));
        return changed.length === 0
          ? []
          : [
              {
                reason: 'FieldValueForbidden',
                field: 'spec',
                message:
                  "Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
              },
            ];
      },
    }),
    builtIn({
      group: 'batch',
      version: 'v1',
      kind: 'Job',
      plural: 'jobs',
      singular: 'job',
      namespaced: true,
      hasStatus: true,
      hasGeneration: true,
      immutable: (prev, next) => {
        const causes: StatusCause[] = [];
        for (const field of ['template', 'selector', 'completions', 'completionMode']) {
          const before = get(prev, ['spec', field]);
          const after = get(next, ['spec', field]);
          if (before !== undefined && !isDeepStrictEqual(before, after))
            causes.push(immutableField(`spec.${field}`, after));
        }
        return causes;
      },
    }),
    builtIn({
      group: 'apiextensions.k8s.io',
      version: 'v1',
      kind: 'CustomResourceDefinition',
      plural: 'customresourcedefinitions',
      singular: 'customresourcedefinition',
      namespaced: false,
      shortNames: ['crd', 'crds'],
      hasStatus: true,
      hasGeneration: true,
      validate: (crd) => {
        const group = get(crd, ['spec', 'group']);
        const plural = get(crd, ['spec', 'names', 'plural']);
        const name = get(crd, ['metadata', 'name']);
        const causes: StatusCause[] = [];
        if (typeof group !== 'string' || group === '')
          causes.push({ reason: 'FieldValueRequired', field: 'spec.group', message: 'Required value' });
        if (typeof plural !== 'string' || plural === '')
          causes.push({
            reason: 'FieldValueRequired',
            field: 'spec.names.plural',
            message: 'Required value',
          });
        if (name !== `${String(plural)}.${String(group)}`) {
          causes.push({
            reason: 'FieldValueInvalid',
            field: 'metadata.name',
            message: `Invalid value: ${JSON.stringify(name)}: must be spec.names.plural+"."+spec.group`,
          });
        }
        const versions = get(crd, ['spec', 'versions']);
        if (!Array.isArray(versions) || versions.length === 0) {
          causes.push({
            reason: 'FieldValueRequired',
            field: 'spec.versions',
            message: 'Required value: must have exactly one version marked as storage version',
          });
        }
        return causes;
      },
      immutable: (prev, next) => {
        const before = get(prev, ['spec', 'scope']);
        const after = get(next, ['spec', 'scope']);
        const causes = before === after ? [] : [immutableField('spec.scope', after)];
        // ValidateCustomResourceDefinitionStoredVersions: a version objects are stored in stays listed.
        const listed = new Set(((get(next, ['spec', 'versions']) ?? []) as Obj[]).map((v) => String(v.name)));
        const stored = (get(prev, ['status', 'storedVersions']) ?? []) as string[];
        stored.forEach((v, i) => {
          if (!listed.has(v))
            causes.push({
              reason: 'FieldValueInvalid',
              field: `status.storedVersions[${i}]`,
              message: `Invalid value: ${JSON.stringify(v)}: must appear in spec.versions`,
            });
        });
        return causes;
      },
    }),
    // Capacity pre-flight reads: Nodes (allocatable, taints, unschedulable) and the Pods bound to them.
    builtIn({
      group: '',
      version: 'v1',
      kind: 'Node',
      plural: 'nodes',
      singular: 'node',
      namespaced: false,
      shortNames: ['no'],
      hasStatus: true,
      hasGeneration: false,
      fieldLabels: ['spec.unschedulable'],
    }),
    builtIn({
      group: '',
      version: 'v1',
      kind: 'Pod',
      plural: 'pods',
      singular: 'pod',
      namespaced: true,
      shortNames: ['po'],
      hasStatus: true,
      hasGeneration: false,
      // core/v1 pod field labels (pkg/apis/core/v1 conversion.go).
      fieldLabels: [
        'spec.nodeName',
        'spec.restartPolicy',
        'spec.schedulerName',
        'spec.serviceAccountName',
        'spec.hostNetwork',
        'status.phase',
        'status.podIP',
        'status.podIPs',
        'status.nominatedNodeName',
      ],
      immutable: (prev, next) => {
        // A pod's spec is immutable but for images, activeDeadlineSeconds, tolerations additions and
        // (once) nodeName through binding; the fake refuses any other spec change.
        const a = { ...((get(prev, ['spec']) ?? {}) as Obj) };
        const b = { ...((get(next, ['spec']) ?? {}) as Obj) };
        for (const o of [a, b]) {
          delete o.containers;
          delete o.initContainers;
          delete o.activeDeadlineSeconds;
          delete o.tolerations;
        }
        return isDeepStrictEqual(a, b)
          ? []
          : [
              {
                reason: 'FieldValueForbidden',
                field: 'spec',
                message:
                  'Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)',
              },
            ];
      },
    }),
    builtIn({
      group: '',
      version: 'v1',
      kind: 'PersistentVolumeClaim',
      plural: 'persistentvolumeclaims',
      singular: 'persistentvolumeclaim',
      namespaced: true,
      shortNames: ['pvc'],
      hasStatus: true,
      hasGeneration: false,
      // ValidatePersistentVolumeClaimUpdate (RecoverVolumeExpansionFailure, GA in 1.34): storage may
      // grow but not fall below status.capacity; the rest of the spec is fixed at creation.
      immutable: (prev, next) => {
        const causes: StatusCause[] = [];
        const request = (o: Obj) => get(o, ['spec', 'resources', 'requests', 'storage']);
        const capacity = get(prev, ['status', 'capacity', 'storage']) ?? request(prev);
        const after = toBytes(request(next));
        const floor = toBytes(capacity);
        if (after !== undefined && floor !== undefined && after < floor)
          causes.push({
            reason: 'FieldValueForbidden',
            field: 'spec.resources.requests.storage',
            message: 'Forbidden: field can not be less than status.capacity',
          });
        const rest = (o: Obj) => {
          const spec = { ...((get(o, ['spec']) ?? {}) as Obj) };
          delete spec.resources;
          delete spec.volumeAttributesClassName;
          if (spec.volumeName === undefined) delete spec.volumeName;
          return spec;
        };
        const before = rest(prev);
        const changed = rest(next);
        // Binding sets volumeName once; an apply that leaves it out keeps it.
        if (changed.volumeName === undefined) delete before.volumeName;
        if (!isDeepStrictEqual(before, changed))
          causes.push({
            reason: 'FieldValueForbidden',
            field: 'spec',
            message:
              'Forbidden: spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims',
          });
        return causes;
      },
    }),
    // What the HPA controller reads; it writes the target's replicas (through /scale, as manager
    // kube-controller-manager), which tests do with a patch of spec.replicas under that manager.
    builtIn({
      group: 'autoscaling',
      version: 'v2',
      kind: 'HorizontalPodAutoscaler',
      plural: 'horizontalpodautoscalers',
      singular: 'horizontalpodautoscaler',
      namespaced: true,
      shortNames: ['hpa'],
      hasStatus: true,
      hasGeneration: true,
    }),
    // Enforced at admission (./admission.ts checkQuotas); the fake keeps its status as the quota controller does.
    builtIn({
      group: '',
      version: 'v1',
      kind: 'ResourceQuota',
      plural: 'resourcequotas',
      singular: 'resourcequota',
      namespaced: true,
      shortNames: ['quota'],
      hasStatus: true,
      hasGeneration: false,
    }),
  ];
}

/** The kinds a CRD serves (one per served version). */
export function typesFromCrd(crd: Obj): ResourceType[] {
  const spec = (crd.spec ?? {}) as Obj;
  const names = (spec.names ?? {}) as Obj;
  const versions = Array.isArray(spec.versions) ? (spec.versions as Obj[]) : [];
  return versions
    .filter((v) => v.served !== false)
    .map((v) => {
      const subresources = (v.subresources ?? {}) as Obj;
      const schema = ((v.schema ?? {}) as Obj).openAPIV3Schema as FieldSchema | undefined;
      const type: ResourceType = {
        group: String(spec.group),
        version: String(v.name),
        kind: String(names.kind),
        plural: String(names.plural),
        singular: String(names.singular ?? String(names.kind).toLowerCase()),
        namespaced: spec.scope !== 'Cluster',
        hasStatus: 'status' in subresources,
        hasGeneration: true,
        builtIn: false,
        schema: crdSchema(schema),
        nameFormat: 'subdomain',
      };
      if (Array.isArray(names.shortNames)) type.shortNames = names.shortNames.map(String);
      return type;
    });
}
