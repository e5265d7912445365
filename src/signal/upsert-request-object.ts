import { describeClusterError, describeMissingCrd, INSTALL_AGENT } from './describe-cluster-error.ts';
import { KubeApiError, type KubeObjectClient } from './kube-object-client.ts';
import { FIELD_MANAGER } from './sync-object.ts';

/** What a signal needs from a cluster client (the agent's client satisfies it too). */
export type SyncWriter = Pick<KubeObjectClient, 'get' | 'create' | 'mergePatch'>;

/** The object a request writes: a Sync (`syncs.ferry.dev`) or a Preview (`previews.ferry.dev`). */
export interface RequestObjectKind {
  apiVersion: string;
  kind: 'Sync' | 'Preview';
  /** `syncs.ferry.dev`: named in the messages that say what to fix. */
  resource: string;
}

function explain(err: KubeApiError, kind: RequestObjectKind, namespace: string): string {
  if (err.code === 401)
    return 'the cluster rejected the credentials (401); check the token or the EKS access entry';
  if (err.code === 403) {
    return `forbidden (403): the signal needs get, create and patch on ${kind.resource} in ${namespace} (group ferry:signal, infra/agent/rbac.yaml): ${err.message}`;
  }
  const cluster = describeClusterError(err);
  if (cluster) return cluster;
  if (err.code === 404 && /namespaces/.test(err.message)) {
    return `namespace ${namespace} does not exist: install the agent (${INSTALL_AGENT})`;
  }
  if (err.code === 404) return describeMissingCrd(kind.kind, kind.resource);
  return err.message;
}

/**
 * The one write of every request to an agent (upsertSync, upsertPreview): create the object if missing,
 * else merge-patch its spec; an object that already asks the same (`isSame`) is left alone. A refusal
 * that retrying cannot mend becomes `fail(message)`, worded with what to fix.
 */
export async function upsertRequestObject(opts: {
  client: SyncWriter;
  kind: RequestObjectKind;
  namespace: string;
  name: string;
  isSame: (spec: unknown) => boolean;
  create: () => Record<string, unknown> & { apiVersion: string; kind: string };
  patch: () => Record<string, unknown>;
  fail: (message: string, cause: KubeApiError) => Error;
}): Promise<{ changed: boolean }> {
  const { client, namespace, name } = opts;
  const ref = { apiVersion: opts.kind.apiVersion, kind: opts.kind.kind, namespace, name };
  try {
    const existing = await client.get(ref);
    if (!existing) {
      try {
        await client.create(opts.create(), { fieldManager: FIELD_MANAGER });
        return { changed: true };
      } catch (err) {
        // Another request created it in between: fall through to the patch.
        if (!(err instanceof KubeApiError && err.code === 409)) throw err;
      }
    } else if (opts.isSame(existing.spec)) {
      return { changed: false };
    }
    await client.mergePatch(ref, opts.patch(), { fieldManager: FIELD_MANAGER });
    return { changed: true };
  } catch (err) {
    if (err instanceof KubeApiError && !err.retryable)
      throw opts.fail(explain(err, opts.kind, namespace), err);
    throw err;
  }
}
