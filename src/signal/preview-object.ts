import { SYNC_GROUP, SYNC_NAMESPACE, SYNC_VERSION } from './sync-object.ts';

/** The Preview custom resource (infra/agent/crd-preview.yaml): a live check of a PR head, one per target and PR. */
export const PREVIEW_API_VERSION = `${SYNC_GROUP}/${SYNC_VERSION}`;
export const PREVIEW_KIND = 'Preview';
export const PREVIEW_PLURAL = 'previews';
/** Previews live where Syncs do: the agent's namespace. */
export const PREVIEW_NAMESPACE = SYNC_NAMESPACE;

export type PreviewPhase = 'Pending' | 'Running' | 'Done' | 'Failed' | 'Refused' | 'RateLimited';

export interface PreviewSpec {
  target: string;
  repository: string;
  /** Absent for `ferry preview TARGET --revision SHA` with no PR. */
  pull?: number;
  revision: string;
  requestedAt: string;
  reason?: string;
}

export interface PreviewStatus {
  observedGeneration?: number;
  phase?: PreviewPhase;
  revision?: string;
  conclusion?: 'success' | 'failure' | 'neutral';
  message?: string;
  startedAt?: string;
  finishedAt?: string;
  checkRunUrl?: string;
  /** A LiveResult (src/live/live-result.ts); read it with parseLiveResult. */
  result?: unknown;
}

/** `<target>-pr-<n>`, or `<target>-rev-<sha12>` for a request without a PR: one object per question. */
export function previewNameOf(opts: { target: string; pull?: number; revision: string }): string {
  return opts.pull !== undefined
    ? `${opts.target}-pr-${opts.pull}`
    : `${opts.target}-rev-${opts.revision.slice(0, 12)}`;
}
