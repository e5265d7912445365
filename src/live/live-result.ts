/**
 * What an agent's live check of a PR head says (issue 13): the cluster's own answer before merge.
 * Pure data, shared by the agent (which computes it and writes it to the Preview's status and the
 * `ferry/live: TARGET` check run), the App (which reads it back from that check run into the sticky
 * comment's "Live" section) and `ferry preview` (which prints it). It crosses trust boundaries as
 * JSON, so `parseLiveResult` checks its shape before anything reads it.
 */
import * as z from 'zod';
import { SEVERITY_RANK, type Severity } from '../types.ts';

/** The three questions only the cluster can answer. */
export type LiveCheck = 'dry-run' | 'drift' | 'capacity';
export const LIVE_CHECKS: readonly LiveCheck[] = ['dry-run', 'drift', 'capacity'];

/** At most this many findings are kept in a result (a Preview's status and a check run stay small). */
export const MAX_LIVE_FINDINGS = 200;

export interface LiveFinding {
  check: LiveCheck;
  severity: Severity;
  /** Formatted identity, `Deployment ml/api` (src/manifest `formatResourceId`). */
  resource: string;
  /** Repo-relative file and 1-based line of the object (or its field) in the PR head, when known. */
  file?: string;
  line?: number;
  /** One line in Ferry's words: what the cluster said and what it means for the merge. */
  message: string;
  /** The API server's own words in full (a Status message), when it said something. */
  detail?: string;
}

/** One workload whose GPU (or other accelerator) demand grows with the PR, against what the nodes have. */
export interface GpuDemand {
  /** `Deployment ml/llm`. */
  resource: string;
  /** The extended resource: `nvidia.com/gpu`, `nvidia.com/mig-1g.10gb`, `amd.com/gpu`, … */
  gpuResource: string;
  /** The accelerator type the pods select (`NVIDIA-H100-80GB-HBM3`), when they select one. */
  gpuType?: string;
  /** Devices the workload needs at the rollout's peak (replicas × per pod + surge). */
  peak: number;
  /** Devices its current pods hold now (released as the rollout goes on). */
  held: number;
  /** Devices free now on the nodes its pods may be scheduled on (not counting `held`). */
  free: number;
  /** Whether the extra demand (`peak - held`) fits into the free devices, pod by pod on the nodes. */
  fits: boolean;
}

export type LiveCheckState = 'done' | 'skipped' | 'timed-out' | 'failed';

export interface LiveResult {
  target: string;
  /** `owner/repo`. */
  repository: string;
  /** The PR head that was checked (40 hex). */
  revision: string;
  /** The PR; absent for `ferry preview` without one. */
  pull?: number;
  /** What drift compares the cluster with; absent when the target has never been applied. */
  appliedRevision?: string;
  /** ISO-8601, when the check finished. */
  checkedAt: string;
  durationMs: number;
  /** Objects sent to the server-side dry-run. */
  objects: number;
  /** How far each check got; `note` says why one was skipped, timed out or failed. */
  checks: Record<LiveCheck, { state: LiveCheckState; note?: string }>;
  /** Worst first; at most MAX_LIVE_FINDINGS, `truncated` counts the rest. */
  findings: LiveFinding[];
  truncated: number;
  gpu: GpuDemand[];
  /** The check could not run at all (the render failed, the revision was refused): one line why. */
  error?: string;
}

const severity = z.enum(['info', 'warning', 'error']);
const checkName = z.enum(['dry-run', 'drift', 'capacity']);
const checkState = z.strictObject({
  state: z.enum(['done', 'skipped', 'timed-out', 'failed']),
  note: z.string().max(2000).optional(),
});

export const liveResultSchema = z.strictObject({
  target: z.string().min(1).max(253),
  repository: z.string().regex(/^[\w.-]+\/[\w.-]+$/),
  revision: z.string().regex(/^[0-9a-f]{40}$/),
  pull: z.number().int().positive().optional(),
  appliedRevision: z
    .string()
    .regex(/^[0-9a-f]{40}$/)
    .optional(),
  checkedAt: z.string().max(64),
  durationMs: z.number().nonnegative(),
  objects: z.number().int().nonnegative(),
  checks: z.strictObject({ 'dry-run': checkState, drift: checkState, capacity: checkState }),
  findings: z
    .array(
      z.strictObject({
        check: checkName,
        severity,
        resource: z.string().max(1000),
        file: z.string().max(4096).optional(),
        line: z.number().int().positive().optional(),
        message: z.string().max(4000),
        detail: z.string().max(20_000).optional(),
      }),
    )
    .max(MAX_LIVE_FINDINGS),
  truncated: z.number().int().nonnegative(),
  gpu: z
    .array(
      z.strictObject({
        resource: z.string().max(1000),
        gpuResource: z.string().max(253),
        gpuType: z.string().max(253).optional(),
        peak: z.number().int().nonnegative(),
        held: z.number().int().nonnegative(),
        free: z.number().int().nonnegative(),
        fits: z.boolean(),
      }),
    )
    .max(MAX_LIVE_FINDINGS),
  error: z.string().max(4000).optional(),
}) satisfies z.ZodType<LiveResult>;

/** A result read from JSON someone else wrote (a check run, a Preview status), or undefined if malformed. */
export function parseLiveResult(value: unknown): LiveResult | undefined {
  const parsed = liveResultSchema.safeParse(value);
  return parsed.success ? (parsed.data as LiveResult) : undefined;
}

/**
 * The check run's conclusion: `failure` when the cluster refuses something or the GPUs will not fit
 * (any error), `neutral` for warnings (drift, checks that could not finish), `success` otherwise.
 */
export function conclusionOfLive(result: LiveResult): 'success' | 'failure' | 'neutral' {
  if (result.error !== undefined) return 'failure';
  if (result.findings.some((f) => f.severity === 'error')) return 'failure';
  const unfinished = Object.values(result.checks).some(
    (c) => c.state === 'timed-out' || c.state === 'failed',
  );
  if (unfinished || result.truncated > 0 || result.findings.some((f) => f.severity === 'warning')) {
    return 'neutral';
  }
  return 'success';
}

/** Worst first (errors, warnings, info), then in the order the checks run; stable otherwise. */
export function sortLiveFindings<F extends Pick<LiveFinding, 'severity' | 'check'>>(
  findings: readonly F[],
): F[] {
  return [...findings].sort(
    (a, b) =>
      SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] ||
      LIVE_CHECKS.indexOf(a.check) - LIVE_CHECKS.indexOf(b.check),
  );
}
