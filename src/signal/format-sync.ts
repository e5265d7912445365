import type { SyncRequest } from './signal.ts';
import { SYNC_API_VERSION, SYNC_KIND, type SyncObject, type SyncSpec, syncNameOf } from './sync-object.ts';

const SHA = /^[0-9a-f]{40}$/;
const REPOSITORY = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/;

/** A request the Sync CRD would refuse anyway, caught before any network call. */
export class InvalidSyncRequestError extends Error {
  override name = 'InvalidSyncRequestError';
}

export function assertValidSyncRequest(
  request: Pick<SyncRequest, 'revision' | 'repository' | 'target'>,
): void {
  if (!SHA.test(request.revision)) {
    throw new InvalidSyncRequestError(
      `revision must be a full 40-character lowercase commit SHA, got '${request.revision}'`,
    );
  }
  if (!REPOSITORY.test(request.repository)) {
    throw new InvalidSyncRequestError(`repository must be owner/repo, got '${request.repository}'`);
  }
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(request.target.name) || request.target.name.length > 63) {
    throw new InvalidSyncRequestError(
      `target name '${request.target.name}' is not a valid Kubernetes object name`,
    );
  }
}

/**
 * The merge patch a signal sends: revision, time, reason and the per-request flags. Every flag is
 * written (false/null when absent) so that nothing from an earlier request sticks.
 */
export function formatSyncPatch(request: SyncRequest): { spec: Record<string, unknown> } {
  return {
    spec: {
      revision: request.revision,
      requestedAt: request.requestedAt,
      reason: request.reason,
      rollback: request.rollback === true,
      deploymentId: request.deploymentId ?? null,
      allowMassPrune: request.allowMassPrune === true,
      releaseHold: request.releaseHold === true,
    },
  };
}

/** A new Sync for a target that has none yet. */
export function formatNewSync(request: SyncRequest, namespace: string): SyncObject {
  const spec: SyncSpec = {
    target: request.target.name,
    repository: request.repository,
    branch: request.target.branch,
    path: request.target.path,
    revision: request.revision,
    requestedAt: request.requestedAt,
    reason: request.reason,
    rollback: request.rollback === true,
    allowMassPrune: request.allowMassPrune === true,
    releaseHold: request.releaseHold === true,
  };
  if (request.deploymentId !== undefined) spec.deploymentId = request.deploymentId;
  return {
    apiVersion: SYNC_API_VERSION,
    kind: SYNC_KIND,
    metadata: {
      name: syncNameOf(request.target.name),
      namespace,
      labels: { 'app.kubernetes.io/managed-by': 'ferry' },
    } as SyncObject['metadata'],
    spec,
  };
}

/**
 * The same SHA signalled twice is one deploy: a Sync that already asks for this revision is left alone,
 * unless this is a rollback and the Sync does not say so yet.
 */
export function isSameSyncRequest(spec: Partial<SyncSpec> | undefined, request: SyncRequest): boolean {
  if (!spec || spec.revision !== request.revision) return false;
  if (request.rollback === true && spec.rollback !== true) return false;
  if (request.allowMassPrune === true && spec.allowMassPrune !== true) return false;
  if (request.releaseHold === true && spec.releaseHold !== true) return false;
  return true;
}
