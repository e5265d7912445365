import { DEPRECATED_APIS, type DeprecatedApi } from '../deprecated-apis.ts';
import type { Rule, RuleFinding } from '../rule.ts';

/** `1.34`, `v1.34.2`, `1.34+` → 1034 (major * 1000 + minor); undefined when not a version. */
function versionRank(version: string): number | undefined {
  const match = /^v?(\d+)\.(\d+)/.exec(version.trim());
  return match ? Number(match[1]) * 1000 + Number(match[2]) : undefined;
}

const BY_API: ReadonlyMap<string, DeprecatedApi> = new Map(
  DEPRECATED_APIS.flatMap((api) => api.kinds.map((kind) => [`${api.apiVersion} ${kind}`, api] as const)),
);

/**
 * API versions the target's Kubernetes no longer serves (the apply fails: error) or has deprecated
 * (it still works, the upgrade will not: warning). The table is `src/validate/deprecated-apis.ts`.
 * An unreadable `kubernetesVersion` is treated as the newest release, so removed APIs still fail.
 */
export const deprecatedApiRule: Rule = {
  id: 'deprecated-api',
  severity: 'error',
  description:
    "API versions the target's Kubernetes version has removed (error) or deprecated (warning), with the version to use instead.",
  check(ctx) {
    const findings: RuleFinding[] = [];
    const target = versionRank(ctx.kubernetesVersion) ?? Number.POSITIVE_INFINITY;
    const runs = Number.isFinite(target) ? ` (this target runs ${ctx.kubernetesVersion.trim()})` : '';
    for (const resource of ctx.resources) {
      const api = BY_API.get(`${resource.apiVersion} ${resource.object.kind}`);
      if (!api) continue;
      const what = `${resource.apiVersion} ${resource.object.kind}`;
      const removed = api.removedIn === undefined ? undefined : versionRank(api.removedIn);
      if (removed !== undefined && target >= removed) {
        findings.push({
          resource,
          path: ['apiVersion'],
          message: `${what} was removed in Kubernetes ${api.removedIn}${runs}; use ${api.replacement}`,
        });
        continue;
      }
      const deprecated = versionRank(api.deprecatedIn) ?? 0;
      if (target < deprecated) continue;
      const removal = api.removedIn === undefined ? '' : ` and is removed in ${api.removedIn}`;
      findings.push({
        resource,
        path: ['apiVersion'],
        severity: 'warning',
        message: `${what} is deprecated since Kubernetes ${api.deprecatedIn}${removal}${runs}; use ${api.replacement}`,
      });
    }
    return findings;
  },
};
