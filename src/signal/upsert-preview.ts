import {
  assertValidPreviewRequest,
  formatNewPreview,
  formatPreviewPatch,
  isSamePreviewRequest,
} from './format-preview.ts';
import {
  PREVIEW_API_VERSION,
  PREVIEW_KIND,
  PREVIEW_NAMESPACE,
  type PreviewSpec,
  previewNameOf,
} from './preview-object.ts';
import type { PreviewRequest, PreviewSignalResult } from './signal.ts';
import { type SyncWriter, upsertRequestObject } from './upsert-request-object.ts';

/** A preview request the cluster refused (no CRD, no namespace, no permission): the message says what to fix. */
export class PreviewSignalError extends Error {
  override name = 'PreviewSignalError';
  readonly preview: string;
  constructor(preview: string, message: string, cause: unknown) {
    super(`Preview ${preview}: ${message}`, { cause });
    this.preview = preview;
  }
}

/**
 * The one code path of every preview request (EKS, kubeconfig, `ferry preview`), as upsertSync is for
 * Syncs: create the Preview if missing, else merge-patch its spec; a Preview that already asks about
 * this revision is left alone.
 */
export async function upsertPreview(
  client: SyncWriter,
  request: PreviewRequest,
  opts: { namespace?: string } = {},
): Promise<PreviewSignalResult> {
  assertValidPreviewRequest(request);
  const namespace = opts.namespace ?? PREVIEW_NAMESPACE;
  const name = previewNameOf({
    target: request.target.name,
    revision: request.revision,
    ...(request.pull !== undefined ? { pull: request.pull } : {}),
  });
  const { changed } = await upsertRequestObject({
    client,
    kind: { apiVersion: PREVIEW_API_VERSION, kind: PREVIEW_KIND, resource: 'previews.ferry.dev' },
    namespace,
    name,
    isSame: (spec) => isSamePreviewRequest(spec as Partial<PreviewSpec> | undefined, request),
    create: () => formatNewPreview(request, namespace),
    patch: () => formatPreviewPatch(request),
    fail: (message, cause) => new PreviewSignalError(name, message, cause),
  });
  return { preview: name, changed };
}
