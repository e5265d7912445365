import type { z } from 'zod';
import type { Target } from '../types.ts';
import type { targetSchema } from './config-schema.ts';
import { normaliseRepoPath } from './repo-path.ts';

/** A validated target (schema defaults applied) → the domain `Target`: paths normalised, branch resolved. */
export function toTarget(parsed: z.output<typeof targetSchema>, defaultBranch: string): Target {
  const target: Target = {
    name: parsed.name,
    path: normaliseRepoPath(parsed.path),
    branch: parsed.branch ?? defaultBranch,
    schemas: parsed.schemas.map(normaliseRepoPath),
    prune: parsed.prune,
    maxPruneShare: parsed.maxPruneShare,
    autoRollback: parsed.autoRollback,
    selfHeal: parsed.selfHeal,
    healthTimeoutSeconds: parsed.healthTimeoutSeconds,
    renderTimeoutSeconds: parsed.renderTimeoutSeconds,
    maxRenderMiB: parsed.maxRenderMiB,
    preview: parsed.preview,
    livePreviewForks: parsed.livePreviewForks,
  };
  if (parsed.namespace !== undefined) target.namespace = parsed.namespace;
  if (parsed.cluster !== undefined) target.cluster = { ...parsed.cluster };
  if (parsed.kubernetesVersion !== undefined) target.kubernetesVersion = parsed.kubernetesVersion;
  if (parsed.helm !== undefined) {
    target.helm = { values: parsed.helm.values.map(normaliseRepoPath) };
    if (parsed.helm.releaseName !== undefined) target.helm.releaseName = parsed.helm.releaseName;
    if (parsed.helm.apiVersions.length > 0) target.helm.apiVersions = [...parsed.helm.apiVersions];
  }
  return target;
}
