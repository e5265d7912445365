import { previewNameOf } from '../signal/preview-object.ts';
import type { Target } from '../types.ts';
import { type AgentTrust, admitTrust } from './admit-sync.ts';
import type { PreviewObject } from './preview-status.ts';

/** Why a Preview is not run; each is the reason of the Event the agent records. */
export type PreviewRefusalReason =
  | 'NotTheTargetPreview'
  | 'NotConfigured'
  | 'UntrustedRepository'
  | 'UntrustedTarget'
  | 'TargetNotConfigured'
  | 'LivePreviewOff'
  | 'PullNotFound'
  | 'PullClosed'
  | 'NotThePullHead'
  | 'ForkNotAllowed'
  | 'UnknownRevision'
  | 'RateLimited';

export type PreviewDecision =
  | { run: true }
  | {
      run: false;
      phase: 'Refused' | 'RateLimited';
      reason: PreviewRefusalReason;
      /** Normal for a request that is simply out of date (a newer push, a closed PR), Warning otherwise. */
      eventType: 'Normal' | 'Warning';
      message: string;
      /** RateLimited: when the request may run. */
      retryAfterMs?: number;
    };

/** The PR as GitHub's pulls API says. */
export interface PullFacts {
  state: 'open' | 'closed';
  headSha: string;
  /** `owner/repo` of the head; null when the fork was deleted. */
  headRepository: string | null;
  baseRepository: string;
}

/** What the target's default-branch config says (`loadTrackedTarget`). */
export type TrackedTargetFacts = { ok: true; target: Target } | { ok: false; message: string };

/** Previews started per repository, for the rate limit. */
export interface PreviewRateState {
  /** Start times of this repository's previews (any window; only the last minute counts). */
  started: readonly Date[];
  /** At most this many per repository per minute (FERRY_PREVIEW_RATE, default 6). */
  perMinute: number;
}

export interface PreviewFacts {
  preview: PreviewObject;
  trust: AgentTrust;
  tracked: TrackedTargetFacts;
  /** The PR (spec.pull set): its facts, or 'missing' when GitHub does not know it. */
  pull?: PullFacts | 'missing';
  /** No PR (`ferry preview --revision`): whether the commit exists in the repository. */
  revisionExists?: boolean;
  rate: PreviewRateState;
  now: Date;
}

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
const short = (sha: string) => sha.slice(0, 7);
const WINDOW_MS = 60_000;

function refuse(
  reason: PreviewRefusalReason,
  message: string,
  eventType: 'Normal' | 'Warning' = 'Warning',
): PreviewDecision {
  return { run: false, phase: 'Refused', reason, eventType, message };
}

/** The target's live-preview settings, read defensively (older configs have neither key). */
export function livePreviewOf(target: Target): { live: boolean; forks: boolean } {
  const settings = target as { preview?: unknown; livePreviewForks?: unknown };
  return { live: settings.preview === 'live', forks: settings.livePreviewForks === true };
}

/**
 * The checks that need no GitHub call: the Preview's name and the admin's trust. Pure. The caller asks
 * GitHub for the rest only when these pass, so an untrusted request costs no API call.
 */
export function admitPreviewRequest(preview: PreviewObject, trust: AgentTrust): PreviewDecision {
  const { target, repository } = preview.spec;
  const expected = previewNameOf(preview.spec);
  if (preview.metadata.name !== expected) {
    return refuse(
      'NotTheTargetPreview',
      `Preview ${preview.metadata.name} asks for target ${target}, whose Preview for this request is ${expected}: the agent acts only on that one`,
    );
  }
  // The same trust as a Sync: the admin's repositories and targets.
  const trusted = admitTrust({ repository, target }, trust);
  if (!trusted.ok) return refuse(trusted.reason, trusted.message);
  return { run: true };
}

/**
 * Whether the agent runs a live preview. Pure: the Preview, the admin's trust, the target as the
 * repository's default branch configures it, the PR as GitHub says, the rate limit and the clock in;
 * run, or refuse with the Event's reason. Nothing the request says beyond the SHA is believed: the
 * SHA must be the open PR's head (a superseded one does no work), forks need `livePreviewForks`.
 */
export function admitPreview(facts: PreviewFacts): PreviewDecision {
  const { preview } = facts;
  const { target, repository, revision, pull } = preview.spec;
  const request = admitPreviewRequest(preview, facts.trust);
  if (!request.run) return request;
  if (!facts.tracked.ok) return refuse('TargetNotConfigured', facts.tracked.message);
  const settings = livePreviewOf(facts.tracked.target);
  if (!settings.live) {
    return refuse(
      'LivePreviewOff',
      `target ${target} does not ask for live previews: set \`preview: live\` on it in .github/ferry.yml on the default branch of ${repository}`,
    );
  }
  if (pull !== undefined) {
    if (facts.pull === undefined || facts.pull === 'missing')
      return refuse('PullNotFound', `pull request #${pull} does not exist in ${repository}`);
    if (facts.pull.state !== 'open')
      return refuse('PullClosed', `pull request #${pull} is closed: nothing to preview`, 'Normal');
    if (facts.pull.headSha !== revision) {
      return refuse(
        'NotThePullHead',
        `${short(revision)} is not the head of #${pull} (now ${short(facts.pull.headSha)}): a newer request checks that one`,
        'Normal',
      );
    }
    const fork =
      facts.pull.headRepository === null || !same(facts.pull.headRepository, facts.pull.baseRepository);
    if (fork && !settings.forks) {
      return refuse(
        'ForkNotAllowed',
        `#${pull} comes from a fork (${facts.pull.headRepository ?? 'deleted'}): set \`livePreviewForks: true\` on target ${target} to check forks against the cluster`,
      );
    }
  } else if (facts.revisionExists !== true) {
    return refuse('UnknownRevision', `${short(revision)} is not a commit of ${repository}`);
  }
  const since = facts.now.getTime() - WINDOW_MS;
  const recent = facts.rate.started.filter((t) => t.getTime() > since);
  if (recent.length >= facts.rate.perMinute) {
    const oldest = Math.min(...recent.map((t) => t.getTime()));
    const retryAfterMs = Math.max(1000, oldest + WINDOW_MS - facts.now.getTime());
    return {
      run: false,
      phase: 'RateLimited',
      reason: 'RateLimited',
      eventType: 'Normal',
      message: `${repository} already had ${recent.length} live previews in the last minute (FERRY_PREVIEW_RATE: ${facts.rate.perMinute}); it runs in ${Math.ceil(retryAfterMs / 1000)}s`,
      retryAfterMs,
    };
  }
  return { run: true };
}
