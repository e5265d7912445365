/**
 * One LiveResult from what the three checks said. Pure: the agent's orchestration gathers, this
 * decides what the result holds (worst findings first, capped, Secret values and credentials out).
 */
import { redactCredentials } from '../diff/redact-credentials.ts';
import { publicWordsOf, scrubText, secretValuesOf } from '../diff/redact-findings.ts';
import type { Resource } from '../types.ts';
import {
  type GpuDemand,
  LIVE_CHECKS,
  type LiveCheck,
  type LiveCheckState,
  type LiveFinding,
  type LiveResult,
  MAX_LIVE_FINDINGS,
  sortLiveFindings,
} from './live-result.ts';

/** What one check returned (or what the deadline made of it). */
export interface LiveCheckOutcome {
  state: LiveCheckState;
  note?: string;
  findings: readonly LiveFinding[];
}

/** The CRD and the schema cap a finding's detail at 20,000 characters and a message at 4,000. */
const MAX_DETAIL = 20_000;
const MAX_MESSAGE = 4_000;
const MAX_NOTE = 2_000;

const cut = (text: string, max: number) => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);

export function makeLiveResult(opts: {
  request: { target: string; repository: string; revision: string; pull?: number };
  appliedRevision?: string;
  checkedAt: Date;
  durationMs: number;
  objects: number;
  checks: Record<LiveCheck, LiveCheckOutcome>;
  gpu: readonly GpuDemand[];
  /** Every resource whose Secret values must not appear (the head's and the applied revision's). */
  resources: readonly Resource[];
  error?: string;
  maxFindings?: number;
}): LiveResult {
  const values = secretValuesOf(opts.resources);
  const words = values.length > 0 ? publicWordsOf(opts.resources) : undefined;
  const scrub = (text: string, max: number) =>
    cut(redactCredentials(values.length > 0 ? scrubText(text, values, words) : text), max);
  const all = LIVE_CHECKS.flatMap((c) => opts.checks[c].findings.map((f) => ({ ...f, check: c })));
  const sorted = sortLiveFindings(all);
  const max = opts.maxFindings ?? MAX_LIVE_FINDINGS;
  const kept = sorted.slice(0, max).map(
    (f): LiveFinding => ({
      ...f,
      message: scrub(f.message, MAX_MESSAGE),
      ...(f.detail !== undefined ? { detail: scrub(f.detail, MAX_DETAIL) } : {}),
    }),
  );
  const checks = Object.fromEntries(
    LIVE_CHECKS.map((c) => {
      const { state, note } = opts.checks[c];
      return [c, { state, ...(note ? { note: scrub(note, MAX_NOTE) } : {}) }];
    }),
  ) as LiveResult['checks'];
  const { target, repository, revision, pull } = opts.request;
  return {
    target,
    repository,
    revision,
    ...(pull !== undefined ? { pull } : {}),
    ...(opts.appliedRevision ? { appliedRevision: opts.appliedRevision } : {}),
    checkedAt: opts.checkedAt.toISOString(),
    durationMs: Math.max(0, Math.round(opts.durationMs)),
    objects: opts.objects,
    checks,
    findings: kept,
    truncated: sorted.length - kept.length,
    gpu: opts.gpu.slice(0, MAX_LIVE_FINDINGS),
    ...(opts.error !== undefined ? { error: scrub(opts.error, MAX_MESSAGE) } : {}),
  };
}
