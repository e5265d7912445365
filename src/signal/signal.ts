import type { Target } from '../types.ts';

/** A request that a target's agent sync a revision (the pattern of Flux's `reconcile.fluxcd.io/requestedAt`). */
export interface SyncRequest {
  target: Target;
  /** `owner/repo` the agent fetches the revision from. */
  repository: string;
  /** Full commit SHA (40 hex). */
  revision: string;
  /** Why: `merge of #42`, `rollback requested by @alice on #42`, `ferry sync`. */
  reason: string;
  /** An explicit rollback may go back to an older revision; nothing else may. */
  rollback?: boolean;
  /** GitHub Deployment the agent reports statuses on. */
  deploymentId?: number;
  /** Lets this one request prune more than the target's `maxPruneShare` of its inventory. */
  allowMassPrune?: boolean;
  /** Lifts the target's hold (a rolled-back revision) for this request: `ferry sync --release-hold`. */
  releaseHold?: boolean;
  /** ISO-8601 time of the request; set by the caller (the core takes no clock). */
  requestedAt: string;
}

export interface SignalResult {
  /** Name of the Sync object patched. */
  sync: string;
  /** false when the Sync already asked for this revision: the same SHA signalled twice is one deploy. */
  changed: boolean;
}

/**
 * A request that a target's agent check a PR head against the live cluster (server-side dry-run, drift,
 * GPU capacity). It carries only the SHA: the agent fetches the revision and verifies it is the PR's head.
 */
export interface PreviewRequest {
  target: Target;
  /** `owner/repo` the PR belongs to. */
  repository: string;
  /** Full commit SHA (40 hex): the PR head. */
  revision: string;
  /** The PR; absent for `ferry preview TARGET --revision SHA` without `--pull`. */
  pull?: number;
  /** ISO-8601 time of the request; set by the caller. */
  requestedAt: string;
  /** Why: `preview of #42`, `ferry preview`. */
  reason: string;
}

export interface PreviewSignalResult {
  /** Name of the Preview object (previewNameOf). */
  preview: string;
  /** false when the Preview already asked about this revision: a redelivery asks nothing new. */
  changed: boolean;
}

/** Tells a cluster's agent to sync a revision, or to check one. Implementations: EKS, kubeconfig. */
export interface Signal {
  sendSync(request: SyncRequest): Promise<SignalResult>;
  requestPreview(request: PreviewRequest): Promise<PreviewSignalResult>;
}
