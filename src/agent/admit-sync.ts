import { type SyncObject, syncNameOf } from '../signal/sync-object.ts';

/**
 * What the cluster's admin trusts, set at install time (FERRY_REPOSITORIES, FERRY_TARGETS in the
 * agent's Deployment), never by a signal: the repositories this agent deploys from and, optionally,
 * the targets it may act on.
 */
export interface AgentTrust {
  repositories: readonly string[];
  /** When set, only these targets; otherwise every target the trusted repositories configure. */
  targets?: readonly string[];
}

export type RefusalReason = 'NotTheTargetSync' | 'UntrustedRepository' | 'UntrustedTarget' | 'NotConfigured';

export type Admission = { ok: true } | { ok: false; reason: RefusalReason; message: string };

/** The trust refusals (a Sync's or a Preview's). */
export type TrustAdmission =
  | { ok: true }
  | { ok: false; reason: Exclude<RefusalReason, 'NotTheTargetSync'>; message: string };

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/**
 * Whether the agent acts on this Sync at all. Pure. One Sync per target (the one named after it, as the
 * App and `ferry sync` create it), from a repository and for a target the admin configured. A Sync
 * created under another name, or pointing at another repository, is refused whoever wrote it.
 */
export function admitSync(sync: SyncObject, trust: AgentTrust): Admission {
  const { target, repository } = sync.spec;
  const expected = syncNameOf(target);
  if (sync.metadata.name !== expected) {
    return {
      ok: false,
      reason: 'NotTheTargetSync',
      message: `Sync ${sync.metadata.name} asks for target ${target}, whose Sync is ${expected}: the agent acts only on that one`,
    };
  }
  return admitTrust({ repository, target }, trust);
}

/**
 * Whether the admin trusts this repository and target (FERRY_REPOSITORIES, FERRY_TARGETS). Pure; Syncs
 * and Previews share it.
 */
export function admitTrust(
  request: { repository: string; target: string },
  trust: AgentTrust,
): TrustAdmission {
  const { repository, target } = request;
  if (trust.repositories.length === 0) {
    return {
      ok: false,
      reason: 'NotConfigured',
      message:
        'the agent trusts no repository: set FERRY_REPOSITORIES (owner/repo, comma-separated) in its Deployment (infra/agent)',
    };
  }
  if (!trust.repositories.some((r) => same(r, repository))) {
    return {
      ok: false,
      reason: 'UntrustedRepository',
      message: `repository ${repository} is not one this agent deploys (FERRY_REPOSITORIES: ${trust.repositories.join(', ')})`,
    };
  }
  if (trust.targets && !trust.targets.includes(target)) {
    return {
      ok: false,
      reason: 'UntrustedTarget',
      message: `target ${target} is not one this agent deploys (FERRY_TARGETS: ${trust.targets.join(', ')})`,
    };
  }
  return { ok: true };
}
