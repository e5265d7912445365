import { assertValidSyncRequest, formatNewSync, formatSyncPatch, isSameSyncRequest } from './format-sync.ts';
import type { KubeObjectClient } from './kube-object-client.ts';
import { KubeApiError } from './kube-object-client.ts';
import type { SignalResult, SyncRequest } from './signal.ts';
import {
  FIELD_MANAGER,
  SYNC_API_VERSION,
  SYNC_KIND,
  SYNC_NAMESPACE,
  type SyncSpec,
  syncNameOf,
} from './sync-object.ts';

/** What a signal needs from a cluster client (the agent's client satisfies it too). */
export type SyncWriter = Pick<KubeObjectClient, 'get' | 'create' | 'mergePatch'>;

/** A signal the cluster refused (no CRD, no namespace, no permission): the message says what to fix. */
export class SignalError extends Error {
  override name = 'SignalError';
  readonly sync: string;
  constructor(sync: string, message: string, cause: unknown) {
    super(`Sync ${sync}: ${message}`, { cause });
    this.sync = sync;
  }
}

function explain(err: KubeApiError, namespace: string): string {
  if (err.code === 401)
    return 'the cluster rejected the credentials (401); check the token or the EKS access entry';
  if (err.code === 403) {
    return `forbidden (403): the signal needs get, create and patch on syncs.ferry.dev in ${namespace} (group ferry:signal, infra/agent/rbac.yaml): ${err.message}`;
  }
  if (err.code === 404 && /namespaces/.test(err.message)) {
    return `namespace ${namespace} does not exist: install the agent (kubectl apply -k infra/agent)`;
  }
  if (err.code === 404)
    return 'the Sync CRD (syncs.ferry.dev) is not installed: kubectl apply -k infra/agent';
  return err.message;
}

/**
 * The one code path every signal takes (EKS, kubeconfig, `ferry sync`, the agent's branch poll):
 * create the target's Sync if missing, else merge-patch its spec; a Sync that already asks for this
 * revision is left alone.
 */
export async function upsertSync(
  client: SyncWriter,
  request: SyncRequest,
  opts: { namespace?: string } = {},
): Promise<SignalResult> {
  assertValidSyncRequest(request);
  const namespace = opts.namespace ?? SYNC_NAMESPACE;
  const name = syncNameOf(request.target.name);
  const ref = { apiVersion: SYNC_API_VERSION, kind: SYNC_KIND, namespace, name };
  try {
    const existing = await client.get(ref);
    if (!existing) {
      try {
        await client.create(formatNewSync(request, namespace), { fieldManager: FIELD_MANAGER });
        return { sync: name, changed: true };
      } catch (err) {
        // Another signal created it in between: fall through to the patch.
        if (!(err instanceof KubeApiError && err.code === 409)) throw err;
      }
    } else if (isSameSyncRequest(existing.spec as Partial<SyncSpec> | undefined, request)) {
      return { sync: name, changed: false };
    }
    await client.mergePatch(ref, formatSyncPatch(request), { fieldManager: FIELD_MANAGER });
    return { sync: name, changed: true };
  } catch (err) {
    if (err instanceof KubeApiError && !err.retryable)
      throw new SignalError(name, explain(err, namespace), err);
    throw err;
  }
}
