import type { Finding } from '../types.ts';

/**
 * The note for a `.github/ferry.yml` with errors, or undefined when it has none. parseConfig falls
 * back to the default configuration then (one `default` target: the whole repository), which no
 * command acts on (render, sync and the agent refuse it; a merge deploys nothing): checking or
 * previewing it would report every YAML file of the repository, and a PR's diff would show each real
 * target removed. So the targets are left unchecked, and this says why, beside the first error.
 */
export function describeInvalidConfig(findings: readonly Finding[]): Finding | undefined {
  const first = findings.find((f) => f.severity === 'error');
  if (!first) return undefined;
  return {
    rule: 'config',
    severity: 'info',
    // Beside the first error, where the fix starts.
    file: first.file,
    line: first.line,
    message:
      'no target is checked or previewed while this file has errors (a merge deploys nothing from it): fix them first',
  };
}
