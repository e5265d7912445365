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
  type Entry = MergedFinding & { resources: string[]; key?: string };
  const entries: Entry[] = [];
  // Findings at one place (rule, severity, file and line) are compared by their whole key (mergeKey),
  // made only when a place has more than one: most findings are alone at theirs, and a key of each
  // (its message copied in) cost tens of MiB at 33,000 findings, when memory is at its peak.
  const byPlace = new Map<string, Entry[]>();
  /** An entry's whole key, made the first time another finding shares its place. */
  const keyOf = (entry: Entry): string => {
    entry.key ??= mergeKey(entry.finding);
    return entry.key;
  };
  for (const { target, findings } of sets) {
    for (const finding of findings) {
      const resource = finding.resource ?? '';
      const place = isNoSchema(finding)
        ? mergeKey(finding)
        : `${finding.rule}\u0000${finding.severity}\u0000${finding.file}\u0000${finding.line}`;
      const here = byPlace.get(place);
      if (!here) {
        const entry: Entry = { finding, targets: [target], resources: [resource] };
        byPlace.set(place, [entry]);
        entries.push(entry);
        continue;
      }
      const key = mergeKey(finding);
      const merged = here.find((e) => keyOf(e) === key);
      if (!merged) {
        const entry: Entry = { finding, targets: [target], resources: [resource], key };
        here.push(entry);
        entries.push(entry);
        continue;
      }
      if (!merged.targets.includes(target)) merged.targets.push(target);
      if (!merged.resources.includes(resource)) merged.resources.push(resource);
    }
  }
  return entries
    .map(({ finding, targets, resources }) => ({ finding: renamed(finding, resources), targets }))
    .sort(
      (a, b) =>
        SEVERITY_RANK[b.finding.severity] - SEVERITY_RANK[a.finding.severity] ||
        (a.finding.file < b.finding.file ? -1 : a.finding.file > b.finding.file ? 1 : 0) ||
        a.finding.line - b.finding.line,
    );
}

/**
 * What identical findings share: rule, severity, file, line, the resource's kind and the message with
 * the resource's text left out. A kind with no schema is said once per PR (the message names its
 * apiVersion and kind), wherever each target's first object of that kind is.
 */
function mergeKey(finding: Finding): string {
  const resource = finding.resource ?? '';
  if (isNoSchema(finding)) {
    return JSON.stringify([finding.rule, finding.severity, finding.message.replace(resource, RESOURCE)]);
  }
  const message = resource ? finding.message.split(resource).join(RESOURCE) : finding.message;
  return JSON.stringify([
    finding.rule,
    finding.severity,
    finding.file,
    finding.line,
    kindOf(resource),
    message,
  ]);
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
