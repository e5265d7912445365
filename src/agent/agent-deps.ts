import type { FerryConfig, Finding, Resource, Severity, Target } from '../types.ts';
import type { AgentTrust } from './admit-sync.ts';
import type { AgentGitHub } from './agent-github.ts';
import type { LiveChecks } from './check-live.ts';
import type { ClusterClient } from './cluster-client.ts';
import type { PreviewSettings } from './load-agent-env.ts';
import type { Logger } from './logger.ts';
import type { AgentMetrics } from './metrics.ts';
import type { RenderCache } from './render-revision.ts';

/** A revision checked out somewhere on disk (src/source's SourceTree satisfies it). */
export interface SourceTreeLike {
  root: string;
  revision: string;
  dispose(): Promise<void> | void;
}

/** src/engine/check-target.ts: render and validate one target. */
export type CheckTarget = (opts: {
  root: string;
  target: Target;
  kubernetesVersion: string;
  ruleConfig?: Record<string, Severity | 'off'>;
}) => Promise<{ resources: Resource[]; findings: Finding[]; failed: boolean }>;

/** src/config/load-config.ts. */
export type LoadConfig = (
  root: string,
  opts?: { defaultBranch?: string },
) => Promise<{ config: FerryConfig; findings: Finding[]; file?: string }>;

export type FetchRevision = (opts: { repository: string; revision: string }) => Promise<SourceTreeLike>;

/** Everything the reconcile loop talks to; tests swap any of it. */
export interface AgentDeps {
  client: ClusterClient;
  github: AgentGitHub;
  fetchRevision: FetchRevision;
  loadConfig: LoadConfig;
  check: CheckTarget;
  /** The repositories (and targets) the admin trusts: install-time config, never a signal. */
  trust: AgentTrust;
  /** Where the Syncs (and the agent's events) live. */
  namespace: string;
  log: Logger;
  metrics: AgentMetrics;
  now: () => Date;
  cache: RenderCache;
  /** Interval between health polls (default 2 s). */
  healthPollMs: number;
  /** How long to wait for a new CRD to be Established (default 60 s). */
  crdTimeoutMs: number;
  /** Concurrent apply requests within one stage (default 8). */
  applyConcurrency: number;
  /** Live previews: deadline and per-repository rate (FERRY_PREVIEW_TIMEOUT, FERRY_PREVIEW_RATE). */
  preview?: PreviewSettings;
  /** The live checks (src/agent/check-live.ts); tests stand in a slow one. */
  liveChecks?: LiveChecks;
}
