/**
 * Which annotation lets the agent delete and recreate an object whose immutable fields changed, or
 * undefined: Ferry's `ferry.dev/recreate: enabled`, and the same opt-in of the tools Ferry's users come
 * from, so a repository moved from them keeps it: Flux's `kustomize.toolkit.fluxcd.io/force: enabled`,
 * Argo CD's `argocd.argoproj.io/sync-options` holding both `Force=true` and `Replace=true` (Argo CD's
 * delete-and-recreate; `Replace=true` alone is a PUT, which an immutable field refuses the same way).
 */
export function recreateOptIn(
  annotations: Readonly<Record<string, unknown>> | undefined,
): string | undefined {
  if (!annotations) return undefined;
  for (const [key, value] of OPT_IN) {
    if (annotations[key] === value) return `${key}: ${value}`;
  }
  const argo = annotations[ARGO_SYNC_OPTIONS];
  // Argo CD splits the options on commas and trims each.
  const options = typeof argo === 'string' ? argo.split(',').map((o) => o.trim()) : [];
  if (options.includes('Force=true') && options.includes('Replace=true'))
    return `${ARGO_SYNC_OPTIONS}: Force=true,Replace=true`;
  return undefined;
}

const OPT_IN: readonly (readonly [string, string])[] = [
  ['ferry.dev/recreate', 'enabled'],
  ['kustomize.toolkit.fluxcd.io/force', 'enabled'],
];
const ARGO_SYNC_OPTIONS = 'argocd.argoproj.io/sync-options';
