import {
  PREVIEW_KIND,
  type PreviewPhase,
  type PreviewSpec,
  type PreviewStatus,
} from '../signal/preview-object.ts';
import type { KubeObject } from '../types.ts';

/** A Preview as the API server returns it (infra/agent/crd-preview.yaml). */
export type PreviewObject = KubeObject & {
  metadata: {
    name: string;
    namespace?: string;
    generation?: number;
    resourceVersion?: string;
    uid?: string;
    creationTimestamp?: string;
  };
  spec: PreviewSpec;
  status?: PreviewStatus;
};

export function isPreviewObject(value: unknown): value is PreviewObject {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  const spec = v.spec as Record<string, unknown> | undefined;
  const metadata = v.metadata as Record<string, unknown> | undefined;
  return (
    v.kind === PREVIEW_KIND &&
    typeof metadata?.name === 'string' &&
    typeof spec === 'object' &&
    spec !== null &&
    typeof spec.revision === 'string' &&
    typeof spec.target === 'string' &&
    typeof spec.repository === 'string'
  );
}

/** The CRD caps status.message at 4096 characters. */
const MAX_MESSAGE = 4000;

export function truncateMessage(message: string): string {
  return message.length <= MAX_MESSAGE ? message : `${message.slice(0, MAX_MESSAGE - 1)}…`;
}

/** Phases after which a Preview's spec generation has been answered. */
const FINISHED: ReadonlySet<PreviewPhase> = new Set(['Done', 'Failed', 'Refused']);

/**
 * Whether the agent has work on this Preview: a spec it has not answered (generation newer than the
 * observed one), or one it left Pending, Running (an agent that stopped mid-way) or RateLimited.
 * Pure.
 */
export function needsPreviewRun(preview: PreviewObject): boolean {
  const status = preview.status ?? {};
  const generation = preview.metadata.generation ?? 0;
  if ((status.observedGeneration ?? -1) < generation) return true;
  return status.phase === undefined || !FINISHED.has(status.phase);
}

/** Whether the spec changed since the agent last answered (a watch event worth acting on). Pure. */
export function isNewPreviewSpec(preview: PreviewObject): boolean {
  return (preview.status?.observedGeneration ?? -1) < (preview.metadata.generation ?? 0);
}

/** Whether a Preview was answered more than `maxAgeMs` ago and asks nothing new (garbage collection). Pure. */
export function isExpiredPreview(preview: PreviewObject, opts: { now: Date; maxAgeMs: number }): boolean {
  if (needsPreviewRun(preview)) return false;
  const finished = Date.parse(preview.status?.finishedAt ?? '');
  return Number.isFinite(finished) && opts.now.getTime() - finished > opts.maxAgeMs;
}
