import {
  assertValidPreviewRequest,
  formatNewPreview,
  formatPreviewPatch,
  isSamePreviewRequest,
} from './format-preview.ts';
import { KubeApiError } from './kube-object-client.ts';
import {
  PREVIEW_API_VERSION,
  PREVIEW_KIND,
  PREVIEW_NAMESPACE,
  type PreviewSpec,
  previewNameOf,
} from './preview-object.ts';
import type { PreviewRequest, PreviewSignalResult } from './signal.ts';
import { FIELD_MANAGER } from './sync-object.ts';
import type { SyncWriter } from './upsert-sync.ts';

/** A preview request the cluster refused (no CRD, no namespace, no permission): the message says what to fix. */
export class PreviewSignalError extends Error {
  override name = 'PreviewSignalError';
  readonly preview: string;
  constructor(preview: string, message: string, cause: unknown) {
    super(`Preview ${preview}: ${message}`, { cause });
    this.preview = preview;
  }
}

function explain(err: KubeApiError, namespace: string): string {
  if (err.code === 401)
    return 'the cluster rejected the credentials (401); check the token or the EKS access entry';
  if (err.code === 403) {
    return `forbidden (403): the signal needs get, create and patch on previews.ferry.dev in ${namespace} (group ferry:signal, infra/agent/rbac.yaml): ${err.message}`;
  }
  if (err.code === 404 && /namespaces/.test(err.message)) {
    return `namespace ${namespace} does not exist: install the agent (kubectl apply -k infra/agent)`;
  }
  if (err.code === 404)
    return 'the Preview CRD (previews.ferry.dev) is not installed: kubectl apply -k infra/agent';
  return err.message;
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
  const ref = { apiVersion: PREVIEW_API_VERSION, kind: PREVIEW_KIND, namespace, name };
  try {
    const existing = await client.get(ref);
    if (!existing) {
      try {
        await client.create(formatNewPreview(request, namespace), { fieldManager: FIELD_MANAGER });
        return { preview: name, changed: true };
      } catch (err) {
        // Another request created it in between: fall through to the patch.
        if (!(err instanceof KubeApiError && err.code === 409)) throw err;
      }
    } else if (isSamePreviewRequest(existing.spec as Partial<PreviewSpec> | undefined, request)) {
      return { preview: name, changed: false };
    }
    await client.mergePatch(ref, formatPreviewPatch(request), { fieldManager: FIELD_MANAGER });
    return { preview: name, changed: true };
  } catch (err) {
    if (err instanceof KubeApiError && !err.retryable)
      throw new PreviewSignalError(name, explain(err, namespace), err);
    throw err;
  }
}
