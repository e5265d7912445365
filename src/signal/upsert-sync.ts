import { assertValidSyncRequest, formatNewSync, formatSyncPatch, isSameSyncRequest } from './format-sync.ts';
import type { SignalResult, SyncRequest } from './signal.ts';
import { SYNC_API_VERSION, SYNC_KIND, SYNC_NAMESPACE, type SyncSpec, syncNameOf } from './sync-object.ts';
import { type SyncWriter, upsertRequestObject } from './upsert-request-object.ts';

/** A signal the cluster refused (no CRD, no namespace, no permission): the message says what to fix. */
export class SignalError extends Error {
  override name = 'SignalError';
  readonly sync: string;
  constructor(sync: string, message: string, cause: unknown) {
    super(`Sync ${sync}: ${message}`, { cause });
    this.sync = sync;
  }
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
  const { changed } = await upsertRequestObject({
    client,
    kind: { apiVersion: SYNC_API_VERSION, kind: SYNC_KIND, resource: 'syncs.ferry.dev' },
    namespace,
    name,
    isSame: (spec) => isSameSyncRequest(spec as Partial<SyncSpec> | undefined, request),
    create: () => formatNewSync(request, namespace),
    patch: () => formatSyncPatch(request),
    fail: (message, cause) => new SignalError(name, message, cause),
  });
  return { sync: name, changed };
}
