import { type Finding, SEVERITY_RANK } from '../types.ts';

/** One finding and every target that has it. */
export interface MergedFinding {
  finding: Finding;
  /** Targets in the order they were given; one name when only one target has it. */
  targets: string[];
}

/** Stands for the finding's resource in the merge key, so `ml-staging/vllm` and `ml/vllm` match. */
const RESOURCE = '\u0000';

/**
 * Identical findings of several targets as one: the same base file rendered into staging and prod
 * gives the same rule, severity, file, line and message, and a reviewer reads it once with the targets
 * named. Overlays usually set their own namespace (or a name prefix), so the resource may differ
 * between targets: it is left out of the key (its text in the message too), and a merged finding names
 * the resource as the targets share it (`Rollout router` for `Rollout ml-staging/router` and
 * `Rollout ml/router`). Sorted errors first, then by file and line.
 */
export function mergeFindings(
  sets: readonly { target: string; findings: readonly Finding[] }[],
): MergedFinding[] {
  const byKey = new Map<string, MergedFinding & { resources: string[] }>();
  for (const { target, findings } of sets) {
    for (const finding of findings) {
      const resource = finding.resource ?? '';
      const message = resource ? finding.message.split(resource).join(RESOURCE) : finding.message;
      // A kind with no schema is said once per PR (the message names its apiVersion and kind), wherever
      // each target's first object of that kind is.
      const key = isNoSchema(finding)
        ? JSON.stringify([finding.rule, finding.severity, finding.message.replace(resource, RESOURCE)])
        : JSON.stringify([
            finding.rule,
            finding.severity,
            finding.file,
            finding.line,
            kindOf(resource),
            message,
          ]);
      const merged = byKey.get(key);
      if (!merged) {
        byKey.set(key, { finding, targets: [target], resources: [resource] });
        continue;
      }
      if (!merged.targets.includes(target)) merged.targets.push(target);
      if (!merged.resources.includes(resource)) merged.resources.push(resource);
    }
  }
  return [...byKey.values()]
    .map(({ finding, targets, resources }) => ({ finding: renamed(finding, resources), targets }))
    .sort(
      (a, b) =>
        SEVERITY_RANK[b.finding.severity] - SEVERITY_RANK[a.finding.severity] ||
        (a.finding.file < b.finding.file ? -1 : a.finding.file > b.finding.file ? 1 : 0) ||
        a.finding.line - b.finding.line,
    );
}

/** The finding with its resource named as every target's copy of it shares it. */
function renamed(finding: Finding, resources: readonly string[]): Finding {
  const first = finding.resource;
  if (first === undefined || resources.length < 2) return finding;
  const shared = sharedName(resources);
  return { ...finding, resource: shared, message: finding.message.split(first).join(shared) };
}

/**
 * `Kind name` when only the namespaces differ; otherwise the kind and each `namespace/name` in turn
 * (`Rollout staging-router | prod-router`), so no target's copy goes unnamed.
 */
function sharedName(resources: readonly string[]): string {
  const kind = kindOf(resources[0] ?? '');
  const rests = resources.map((r) => r.slice(kind.length + 1));
  const names = new Set(rests.map((r) => r.slice(r.indexOf('/') + 1)));
  if (names.size === 1) return `${kind} ${[...names][0]}`;
  return `${kind} ${rests.join(' | ')}`;
}

/** The info line of validateResources for a kind that has no schema anywhere. */
function isNoSchema(finding: Finding): boolean {
  return finding.rule === 'schema' && finding.message.startsWith('not validated: no schema');
}

/** `Rollout` of `Rollout ml/router` (formatResourceId puts the kind first, then one space). */
function kindOf(resource: string): string {
  const space = resource.indexOf(' ');
  return space < 0 ? resource : resource.slice(0, space);
}
