import { assertValidSyncRequest, InvalidSyncRequestError } from './format-sync.ts';
import { PREVIEW_API_VERSION, PREVIEW_KIND, type PreviewSpec, previewNameOf } from './preview-object.ts';
import type { PreviewRequest } from './signal.ts';
import type { SyncObject } from './sync-object.ts';

/** The CRD's `reason` maxLength (infra/agent/crd-preview.yaml). */
const MAX_REASON = 1024;

/** A request the Preview CRD would refuse anyway, caught before any network call. */
export function assertValidPreviewRequest(request: PreviewRequest): void {
  // The same revision, repository and target checks as a Sync's (one CRD pattern for each).
  assertValidSyncRequest(request);
  if (request.pull !== undefined && !(Number.isSafeInteger(request.pull) && request.pull >= 1)) {
    throw new InvalidSyncRequestError(`pull must be a PR number, got '${request.pull}'`);
  }
}

function specOf(request: PreviewRequest): PreviewSpec {
  const spec: PreviewSpec = {
    target: request.target.name,
    repository: request.repository,
    revision: request.revision,
    requestedAt: request.requestedAt,
    reason: request.reason.slice(0, MAX_REASON),
  };
  if (request.pull !== undefined) spec.pull = request.pull;
  return spec;
}

/** A new Preview object for a target and PR (or revision) that has none yet. */
export function formatNewPreview(
  request: PreviewRequest,
  namespace: string,
): { apiVersion: string; kind: string; metadata: SyncObject['metadata']; spec: PreviewSpec } {
  return {
    apiVersion: PREVIEW_API_VERSION,
    kind: PREVIEW_KIND,
    metadata: {
      name: previewNameOf({
        target: request.target.name,
        revision: request.revision,
        ...(request.pull !== undefined ? { pull: request.pull } : {}),
      }),
      namespace,
      labels: { 'app.kubernetes.io/managed-by': 'ferry', 'ferry.dev/target': request.target.name },
    } as SyncObject['metadata'],
    spec: specOf(request),
  };
}

/**
 * The merge patch for a Preview that asked about another revision: the whole spec, so a field of an
 * earlier request (the repository, the reason) cannot stick.
 */
export function formatPreviewPatch(request: PreviewRequest): { spec: PreviewSpec } {
  return { spec: specOf(request) };
}

/**
 * At most one request per target, PR and head SHA: a Preview that already asks about this revision for
 * this repository is left alone (a redelivered webhook, a second `/preview`, a retried CLI call).
 */
export function isSamePreviewRequest(
  spec: Partial<PreviewSpec> | undefined,
  request: PreviewRequest,
): boolean {
  return spec?.revision === request.revision && spec.repository === request.repository;
}
