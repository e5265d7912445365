/**
 * Why an object is never pruned, or undefined: the opt-outs of the tools Ferry's users come from, so a
 * repository moved from them keeps what it kept. Ferry's own `ferry.dev/prune: disabled`; Helm's
 * `helm.sh/resource-policy: keep` (a chart's PVCs and CRDs: Helm leaves them when they leave the chart);
 * Argo CD's `argocd.argoproj.io/sync-options` holding `Prune=false`; Flux's
 * `kustomize.toolkit.fluxcd.io/prune: disabled`. Read from the live object by the agent, and from the
 * base revision's object by the diff, which then says the removal keeps it.
 */
export function keptOnPrune(annotations: Readonly<Record<string, unknown>> | undefined): string | undefined {
  if (!annotations) return undefined;
  for (const [key, value] of KEEP) {
    if (annotations[key] === value) return `${key}: ${value}`;
  }
  const argo = annotations[ARGO_SYNC_OPTIONS];
  // Argo CD splits the options on commas and trims each (controller/sync: `Prune=false,ServerSideApply=true`).
  if (typeof argo === 'string' && argo.split(',').some((o) => o.trim() === 'Prune=false'))
    return `${ARGO_SYNC_OPTIONS}: Prune=false`;
  return undefined;
}

const KEEP: readonly (readonly [string, string])[] = [
  ['ferry.dev/prune', 'disabled'],
  ['helm.sh/resource-policy', 'keep'],
  ['kustomize.toolkit.fluxcd.io/prune', 'disabled'],
];
const ARGO_SYNC_OPTIONS = 'argocd.argoproj.io/sync-options';
