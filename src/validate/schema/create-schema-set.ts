import { groupOf } from '../../manifest/resource-id.ts';
import type { Severity } from '../../types.ts';
import { getBuiltinSchemas } from './get-builtin-schemas.ts';
import { CATALOGUE_INDEX } from './load-catalogue-schemas.ts';
import type { KindSchema, SchemaAdditions, SchemaNode } from './schema-node.ts';
import { suggestName } from './suggest-name.ts';

/** What to do about a kind with no schema, in its message. */
const ADD_ITS_CRD = 'add its CRD to the repo or to schemas:';

export interface SchemaSetOptions {
  /** Schemas for custom kinds (`loadCrdSchemas`, `parseSchemaFiles`). Earlier ones win; all win over built-ins. */
  additions?: readonly SchemaAdditions[];
  /**
   * Released CRDs from the built-in catalogue (`loadCatalogueSchemas`). A kind (group and kind) that
   * `additions` define at any version is taken from there only: the repo's CRD says what is served.
   */
  catalogue?: SchemaAdditions;
}

/**
 * apiVersions of built-in kinds that Kubernetes 1.36 still serves (betas, alphas behind a feature gate)
 * but the pinned schema does not describe: not validated rather than reported as unserved. From the
 * types registered in k8s.io/api v0.36.3 for kinds the pinned schema has at another version, less
 * those the API server no longer serves (node.k8s.io/v1alpha1, rbac v1alpha1, storage v1alpha1
 * VolumeAttachment and CSIStorageCapacity).
 */
const SERVED_WITHOUT_SCHEMA: ReadonlySet<string> = new Set([
  'admissionregistration.k8s.io/v1alpha1/ValidatingAdmissionPolicy',
  'admissionregistration.k8s.io/v1alpha1/ValidatingAdmissionPolicyBinding',
  'admissionregistration.k8s.io/v1alpha1/MutatingAdmissionPolicy',
  'admissionregistration.k8s.io/v1alpha1/MutatingAdmissionPolicyBinding',
  'admissionregistration.k8s.io/v1beta1/ValidatingAdmissionPolicy',
  'admissionregistration.k8s.io/v1beta1/ValidatingAdmissionPolicyBinding',
  'admissionregistration.k8s.io/v1beta1/MutatingAdmissionPolicy',
  'admissionregistration.k8s.io/v1beta1/MutatingAdmissionPolicyBinding',
  'authentication.k8s.io/v1alpha1/SelfSubjectReview',
  'authentication.k8s.io/v1beta1/SelfSubjectReview',
  'networking.k8s.io/v1beta1/IPAddress',
  'networking.k8s.io/v1beta1/ServiceCIDR',
  'resource.k8s.io/v1beta1/DeviceClass',
  'resource.k8s.io/v1beta1/ResourceClaim',
  'resource.k8s.io/v1beta1/ResourceClaimTemplate',
  'resource.k8s.io/v1beta1/ResourceSlice',
  'resource.k8s.io/v1beta2/DeviceClass',
  'resource.k8s.io/v1beta2/ResourceClaim',
  'resource.k8s.io/v1beta2/ResourceClaimTemplate',
  'resource.k8s.io/v1beta2/ResourceSlice',
  'storage.k8s.io/v1alpha1/VolumeAttributesClass',
  'storage.k8s.io/v1beta1/VolumeAttributesClass',
]);

/** Why an object has no schema, and how bad that is. */
export interface MissingSchema {
  severity: Severity;
  message: string;
}

/** Built-in and custom kinds, compiled once; validation only reads it. */
export interface SchemaSet {
  /** Kubernetes release of the pinned built-in schema, e.g. `1.36.0`. */
  readonly kubernetesVersion: string;
  readonly objectMeta: SchemaNode;
  readonly listMeta: SchemaNode;
  readonly labelSelector: SchemaNode;
  /** `group/Kind` of custom kinds declared cluster-scoped (feed to parseManifests' `clusterScoped`). */
  readonly clusterScoped: ReadonlySet<string>;
  find(apiVersion: string, kind: string): KindSchema | undefined;
  /** For an apiVersion/kind `find` does not know: an error when the API server would surely reject it. */
  explainMissing(apiVersion: string, kind: string): MissingSchema;
}

export function createSchemaSet(options: SchemaSetOptions = {}): SchemaSet {
  const builtin = getBuiltinSchemas();
  const custom = new Map<string, KindSchema>();
  for (const additions of options.additions ?? []) {
    for (const k of additions.kinds) {
      const key = `${k.apiVersion}/${k.kind}`;
      if (!custom.has(key)) custom.set(key, k);
    }
  }
  const customGroupKinds = new Set([...custom.values()].map((k) => `${groupOf(k.apiVersion)}/${k.kind}`));
  for (const k of options.catalogue?.kinds ?? []) {
    const key = `${k.apiVersion}/${k.kind}`;
    if (!customGroupKinds.has(`${groupOf(k.apiVersion)}/${k.kind}`) && !custom.has(key)) custom.set(key, k);
  }
  const clusterScoped = new Set<string>();
  for (const k of custom.values())
    if (k.clusterScoped) clusterScoped.add(`${groupOf(k.apiVersion)}/${k.kind}`);

  const find = (apiVersion: string, kind: string): KindSchema | undefined => {
    const key = `${apiVersion}/${kind}`;
    return custom.get(key) ?? builtin.kinds.get(key);
  };

  let index: KindIndex | undefined;
  const explainMissing = (apiVersion: string, kind: string): MissingSchema => {
    index ??= indexKinds([...custom.values(), ...builtin.kinds.values()]);
    return explain(index, apiVersion, kind, builtin.kubernetesVersion);
  };

  return {
    kubernetesVersion: builtin.kubernetesVersion,
    objectMeta: builtin.objectMeta,
    listMeta: builtin.listMeta,
    labelSelector: builtin.labelSelector,
    clusterScoped,
    find,
    explainMissing,
  };
}

interface KindIndex {
  /**
   * apiVersion → the kinds it serves, for the apiVersions whose kinds Ferry knows all of: Kubernetes'
   * own and those of CRDs the target has or names. Not the catalogue's: it holds a few kinds of each
   * project at one release (Volcano's Job, not its CronJob), so a kind it lacks may well be served.
   */
  byApiVersion: Map<string, Set<string>>;
  /** kind → schemas of it under any apiVersion */
  byKind: Map<string, KindSchema[]>;
  builtinKinds: Set<string>;
  /** The API groups of Kubernetes' own kinds ('' for the core group). */
  builtinGroups: Set<string>;
}

function indexKinds(all: readonly KindSchema[]): KindIndex {
  const byApiVersion = new Map<string, Set<string>>();
  const byKind = new Map<string, KindSchema[]>();
  const builtinKinds = new Set<string>();
  const builtinGroups = new Set<string>();
  for (const k of all) {
    if (k.origin === 'built-in') {
      builtinKinds.add(k.kind);
      builtinGroups.add(groupOf(k.apiVersion));
    }
    if (k.origin !== 'catalogue') {
      const kinds = byApiVersion.get(k.apiVersion) ?? new Set<string>();
      kinds.add(k.kind);
      byApiVersion.set(k.apiVersion, kinds);
    }
    const schemas = byKind.get(k.kind) ?? [];
    schemas.push(k);
    byKind.set(k.kind, schemas);
  }
  return { byApiVersion, byKind, builtinKinds, builtinGroups };
}

/** Built-in apiVersions serving `kind`, GA ones only when there are any (betas are mostly removed). */
function builtinVersionsOf(index: KindIndex, kind: string): string[] {
  const all = (index.byKind.get(kind) ?? []).filter((k) => k.origin === 'built-in').map((k) => k.apiVersion);
  const ga = all.filter((v) => /(^|\/)v\d+$/.test(v));
  return [...new Set(ga.length > 0 ? ga : all)];
}

/** `a`, `a and b`, `a, b and c`. */
function listed(items: readonly string[]): string {
  return items.length < 2 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

function explain(
  index: KindIndex,
  apiVersion: string,
  kind: string,
  kubernetesVersion: string,
): MissingSchema {
  const group = groupOf(apiVersion);
  const sameGroup = (index.byKind.get(kind) ?? []).filter((k) => groupOf(k.apiVersion) === group);
  // A CRD in the set decides which versions the API server serves: any other version is rejected.
  const crd = sameGroup.find((k) => k.origin === 'crd' || k.origin === 'catalogue');
  if (crd) {
    const served = sameGroup
      .filter((k) => k.origin === crd.origin)
      .map((k) => k.apiVersion)
      .join(', ');
    // A catalogue kind can have versions from two releases (MPIJob: Training Operator v1, MPI Operator
    // v2beta1): each is named.
    const source = [...new Set(sameGroup.filter((k) => k.origin === crd.origin).map((k) => k.source))].join(
      ' or ',
    );
    if (crd.origin === 'catalogue') {
      // The catalogue pins one release, and a cluster may run another that serves this version (an
      // older one, or Gateway API's experimental channel, which Envoy Gateway installs and whose
      // v1alpha3 BackendTLSPolicy Envoy AI Gateway's examples use): likely wrong, not known to be.
      return {
        severity: 'warning',
        message: `${apiVersion} ${kind} is not served by ${source} (served: ${served}), the release Ferry's catalogue holds, so it is not validated; if your cluster runs a release that serves it, ${ADD_ITS_CRD}`,
      };
    }
    return {
      severity: 'error',
      message: `${apiVersion} ${kind} is not served by ${source} (served: ${served})`,
    };
  }
  // A built-in kind at a version Kubernetes does not serve: the API server answers "no matches for
  // kind", whatever CRDs the cluster has (a CRD cannot add versions to a built-in group).
  if (sameGroup.some((k) => k.origin === 'built-in') && !SERVED_WITHOUT_SCHEMA.has(`${apiVersion}/${kind}`)) {
    const all = sameGroup.filter((k) => k.origin === 'built-in').map((k) => k.apiVersion);
    const ga = all.filter((v) => /(^|\/)v\d+$/.test(v));
    const served = [...new Set(ga.length > 0 ? ga : all)];
    // Worded to hold for any target's kubernetesVersion, which the schema set does not know: the pinned
    // schema's release is not the cluster's. The schema keeps the removed versions kubernetes-models
    // has (apps/v1beta1 Deployment), which the deprecated-api rule names with the release that removed
    // them: a version missing from it is one no release there serves; those named are served at the pin.
    const pinned = /^\d+\.\d+/.exec(kubernetesVersion)?.[0] ?? kubernetesVersion;
    const them = served.length === 1 ? `${served[0]} is` : `${listed(served)} are`;
    return {
      severity: 'error',
      message: `${apiVersion} ${kind} is not a version Kubernetes serves (${them}, as of Kubernetes ${pinned})`,
    };
  }
  // Custom resources need a dotted group (the API server refuses a CRD whose group has no dot), and
  // Kubernetes' own undotted groups (apps, batch, policy…) are known: any other undotted group is no
  // cluster's. Such a document is another tool's file (Skaffold's skaffold/v4beta11 Config).
  if (group !== '' && !group.includes('.') && !index.builtinGroups.has(group)) {
    return {
      severity: 'error',
      message: `${apiVersion} ${kind} is not a Kubernetes object: no cluster serves the API group ${group} (a custom resource's group has a dot, such as example.com), so kubectl apply refuses it; if it is another tool's file, keep it out of the target`,
    };
  }
  const servedKinds = index.byApiVersion.get(apiVersion);
  if (servedKinds && sameGroup.length === 0) {
    // A known apiVersion without this kind: the API server answers "no matches for kind".
    const suggestion = suggestName(kind, servedKinds);
    if (suggestion) {
      return {
        severity: 'error',
        message: `unknown kind ${kind} in ${apiVersion} (did you mean "${suggestion}"?)`,
      };
    }
    const elsewhere = builtinVersionsOf(index, kind);
    if (elsewhere.length > 0) {
      return {
        severity: 'error',
        message: `${apiVersion} has no kind ${kind} (use ${elsewhere.join(' or ')})`,
      };
    }
    const other = suggestName(kind, index.builtinKinds);
    if (other) {
      const where = builtinVersionsOf(index, other).join(' or ');
      return {
        severity: 'error',
        message: `unknown kind ${kind} in ${apiVersion} (did you mean "${other}" in ${where}?)`,
      };
    }
  }
  // A near miss of a catalogue kind in its group (`InferenceSevice`): a warning with the likely kind. Not
  // an error: other projects' CRDs may share the group (argoproj.io: Workflows, Events).
  const catalogueKinds = Object.keys(CATALOGUE_INDEX)
    .filter((key) => key.slice(0, key.indexOf('/')) === group)
    .map((key) => key.slice(key.indexOf('/') + 1));
  const near = suggestName(kind, catalogueKinds);
  if (near && near !== kind) {
    return {
      severity: 'warning',
      message: noSchemaMessage(apiVersion, kind, `did you mean "${near}"? otherwise ${ADD_ITS_CRD}`),
    };
  }
  // Said once per kind (validateResources keeps the first), not per object: a kind Ferry cannot
  // check is worth knowing, not a reason to mark a clean change.
  return { severity: 'info', message: noSchemaMessage(apiVersion, kind) };
}

/** The message of a kind with no schema and no likely other name. */
export function noSchemaMessage(apiVersion: string, kind: string, hint = ADD_ITS_CRD): string {
  return `not validated: no schema for ${apiVersion} ${kind} (${hint})`;
}

/** The kind a noSchemaMessage (with its default hint) is about, else undefined. */
export function kindWithNoSchema(message: string): { apiVersion: string; kind: string } | undefined {
  const m = /^not validated: no schema for (\S+) (\S+) \((.*)\)$/s.exec(message);
  if (!m || m[3] !== ADD_ITS_CRD) return undefined;
  return { apiVersion: m[1] as string, kind: m[2] as string };
}
