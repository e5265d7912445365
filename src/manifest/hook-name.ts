import { createHash } from 'node:crypto';

/**
 * Argo CD's and Helm's hook annotations: an object carrying one is run by the agent around a deploy
 * (src/agent/plan-waves.ts), not applied with the rest.
 */
const HOOK_ANNOTATIONS = ['argocd.argoproj.io/hook', 'helm.sh/hook'];

export function isHook(annotations: Readonly<Record<string, unknown>> | undefined): boolean {
  return HOOK_ANNOTATIONS.some((key) => typeof annotations?.[key] === 'string' && annotations[key] !== '');
}

/**
 * The name a hook written with `generateName` (Argo CD's own examples: `generateName: schema-migrate-`)
 * runs under: the prefix, cut as the API server cuts it (63 − 5 characters), then five hex characters
 * of a hash of the revision and the object where the API server would put five random ones. One name
 * per revision and hook (two hooks sharing a prefix differ): a retry of the revision finds its own run
 * (before-hook-creation), the next revision makes a new one, and the prune removes the runs of
 * revisions no longer rendered.
 */
export function generatedHookName(generateName: string, revision: string, object: unknown): string {
  const digest = createHash('sha256')
    .update(`${revision}\n${JSON.stringify(object)}`)
    .digest('hex');
  return `${generateName.slice(0, 58)}${digest.slice(0, 5)}`;
}
