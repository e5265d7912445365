import { generatedHookName, isHook } from '../manifest/hook-name.ts';
import { APPLIED_DEFAULT_NAMESPACE, isClusterScoped } from '../manifest/resource-id.ts';
import type { InventoryEntry } from '../signal/sync-object.ts';
import type { KubeObject, Resource } from '../types.ts';
import { REVISION_ANNOTATION, TARGET_LABEL } from './labels.ts';
import { APPLYSET_PART_OF_LABEL } from './target-state.ts';

/** One object the agent will apply, with its identity as the API server will see it. */
export interface DesiredObject {
  object: KubeObject;
  apiVersion: string;
  kind: string;
  /** '' for cluster-scoped kinds. */
  namespace: string;
  name: string;
}

/** Whether a kind is namespaced: from discovery, or from a CRD in the same render; undefined when unknown. */
export type ScopeOf = (apiVersion: string, kind: string) => boolean | undefined;

function metadataOf(object: KubeObject): Record<string, unknown> {
  return (typeof object.metadata === 'object' && object.metadata !== null ? object.metadata : {}) as Record<
    string,
    unknown
  >;
}

/** Scopes of the kinds the render's own CRDs define (they may not be served yet). */
export function listCrdScopes(resources: readonly Resource[]): Map<string, boolean> {
  const scopes = new Map<string, boolean>();
  for (const r of resources) {
    if (r.object.kind !== 'CustomResourceDefinition') continue;
    const spec = (r.object.spec ?? {}) as {
      group?: string;
      scope?: string;
      names?: { kind?: string };
      versions?: { name?: string }[];
    };
    for (const v of spec.versions ?? []) {
      scopes.set(`${spec.group}/${v.name}|${spec.names?.kind}`, spec.scope !== 'Cluster');
    }
  }
  return scopes;
}

export class UnknownKindError extends Error {
  override name = 'UnknownKindError';
}

/**
 * Rendered resources → the objects to apply: the target label on every object, the namespace the API
 * server will use (the target's default, else `default`, for namespaced kinds that set none), and
 * nothing Kubernetes owns (status, server-set metadata). Pure.
 */
export function prepareObjects(opts: {
  resources: readonly Resource[];
  targetName: string;
  /** The target's ApplySet id: members carry it as `applyset.kubernetes.io/part-of`. */
  applySetId?: string;
  defaultNamespace: string | undefined;
  scopeOf: ScopeOf;
  /** Names a hook written with `generateName` (generatedHookName); without it such a hook keeps no name. */
  revision?: string;
}): DesiredObject[] {
  const crdScopes = listCrdScopes(opts.resources);
  return opts.resources.map((r) => {
    const object = structuredClone(r.object);
    const metadata = { ...metadataOf(object) };
    for (const key of [
      'uid',
      'resourceVersion',
      'generation',
      'creationTimestamp',
      'managedFields',
      'selfLink',
      'deletionTimestamp',
    ]) {
      delete metadata[key];
    }
    delete object.status;
    const namespaced =
      opts.scopeOf(object.apiVersion, object.kind) ??
      crdScopes.get(`${object.apiVersion}|${object.kind}`) ??
      (isClusterScoped(r.id.group, object.kind) ? false : undefined);
    if (namespaced === undefined) {
      throw new UnknownKindError(
        `${object.kind} ${String(metadata.name)} (${r.file}:${r.line}): ${object.apiVersion} ${object.kind} is not served by the cluster and no CustomResourceDefinition in the target defines it`,
      );
    }
    if (namespaced)
      metadata.namespace =
        (metadata.namespace as string | undefined) || opts.defaultNamespace || APPLIED_DEFAULT_NAMESPACE;
    else delete metadata.namespace;
    // Apply needs a name: a hook written with generateName gets one per revision, as create would.
    const generateName = metadata.generateName;
    if (
      !metadata.name &&
      typeof generateName === 'string' &&
      generateName !== '' &&
      opts.revision !== undefined &&
      isHook(metadata.annotations as Record<string, unknown> | undefined)
    ) {
      metadata.name = generatedHookName(generateName, opts.revision, r.object);
      delete metadata.generateName;
    }
    metadata.labels = {
      ...((metadata.labels ?? {}) as Record<string, string>),
      [TARGET_LABEL]: opts.targetName,
      ...(opts.applySetId ? { [APPLYSET_PART_OF_LABEL]: opts.applySetId } : {}),
    };
    object.metadata = metadata;
    return {
      object,
      apiVersion: object.apiVersion,
      kind: object.kind,
      namespace: namespaced ? String(metadata.namespace) : '',
      name: String(metadata.name ?? ''),
    };
  });
}

/** The object as an apply sends it: marked with the revision that changes it (`ferry.dev/revision`). */
export function withRevision(o: DesiredObject, revision: string): KubeObject {
  const object = structuredClone(o.object);
  const meta = object.metadata as Record<string, unknown>;
  meta.annotations = {
    ...((meta.annotations ?? {}) as Record<string, string>),
    [REVISION_ANNOTATION]: revision,
  };
  return object;
}

/** A stable key for an object's identity (the group/version is part of it only through the group). */
export function objectKey(o: { apiVersion: string; kind: string; namespace?: string; name: string }): string {
  const group = o.apiVersion.includes('/') ? o.apiVersion.split('/')[0] : '';
  return `${group}|${o.kind}|${o.namespace ?? ''}|${o.name}`;
}

export function toInventoryEntry(o: DesiredObject, revision: string): InventoryEntry {
  const entry: InventoryEntry = { apiVersion: o.apiVersion, kind: o.kind, name: o.name, revision };
  if (o.namespace) entry.namespace = o.namespace;
  return entry;
}

/** Apply order: CRDs, then Namespaces, then the rest (each stage waits for the one before). */
export function orderStages(objects: readonly DesiredObject[]): {
  crds: DesiredObject[];
  namespaces: DesiredObject[];
  rest: DesiredObject[];
} {
  const isCrd = (o: DesiredObject) =>
    o.kind === 'CustomResourceDefinition' && o.apiVersion.startsWith('apiextensions.k8s.io/');
  const isNamespace = (o: DesiredObject) => o.kind === 'Namespace' && o.apiVersion === 'v1';
  return {
    crds: objects.filter(isCrd),
    namespaces: objects.filter(isNamespace),
    rest: objects.filter((o) => !isCrd(o) && !isNamespace(o)),
  };
}
