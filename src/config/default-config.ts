import type { FerryConfig, Target } from '../types.ts';
import { DEFAULT_BRANCH, DEFAULT_KUBERNETES_VERSION, targetSchema } from './config-schema.ts';
import { toTarget } from './to-target.ts';

/**
 * The configuration of a repository without `.github/ferry.yml` (and the fallback when the file has errors):
 * one target named `default` rendering the whole repository from its default branch, nothing deployed.
 */
export function defaultConfig(defaultBranch?: string): FerryConfig {
  return {
    kubernetesVersion: DEFAULT_KUBERNETES_VERSION,
    rules: {},
    targets: [defaultTarget(defaultBranch)],
  };
}

function defaultTarget(defaultBranch?: string): Target {
  // Parsed through the schema so the implicit target gets exactly the documented defaults.
  // jitless: one parse, so no generated parser (see parseConfig).
  return toTarget(
    targetSchema.parse({ name: 'default' }, { jitless: true }),
    defaultBranch ?? DEFAULT_BRANCH,
  );
}

/**
 * A target known only by name, path and branch (a Sync in the cluster, `ferry sync --branch`), with
 * every other field at its documented default. The name and path are taken as given, not validated.
 */
export function targetWithDefaults(fields: { name: string; path: string; branch: string }): Target {
  return { ...defaultTarget(fields.branch), name: fields.name, path: fields.path };
}
