import { detachedString } from '../../manifest/detached.ts';
import { locationOf } from '../../manifest/line-of.ts';
import { appliedNamespace, formatResourceId, resourceKey } from '../../manifest/resource-id.ts';
import { standInFor } from '../../manifest/stand-in-for.ts';
import type { Resource } from '../../types.ts';
import { memoizeByString } from '../memoize-by-string.ts';
import { checkWhole, type Rule, type RuleFinding } from '../rule.ts';

const NAME = ['metadata', 'name'] as const;
const NAME_POINTER = '/metadata/name';

/**
 * Two objects with one identity (group, kind, namespace, name) in a target: only one can exist in the
 * cluster, so the later silently overwrites the earlier on apply. Reported on each later copy.
 */
export const duplicateResourceRule: Rule = {
  id: 'duplicate-resource',
  severity: 'error',
  description: 'Each object (group, kind, namespace, name) is defined once per target.',
  check(ctx) {
    return checkWhole(duplicateResourceRule, ctx);
  },
  stream() {
    // Where each copy is that a later one may clash with: a later copy is reported when it comes. The
    // first copy of each identity has an entry of its own; copies in other units (PATHs that are
    // kustomizations or charts of their own) come after it, rarely.
    const first = new Map<string, Entry>();
    const more = new Map<string, Entry[]>();
    // A file's name, kept once for all its copies (a helm object's is cut from the chart's output).
    const fileName = memoizeByString(detachedString);
    return {
      add(resources) {
        const findings: RuleFinding[] = [];
        for (const resource of resources) {
          // Objects without a name (generateName) get a fresh one from the API server: never duplicates.
          if (resource.id.name === '') continue;
          // `Deployment api` and `Deployment default/api` are one object once applied.
          const key = resourceKey({ ...resource.id, namespace: appliedNamespace(resource.id) });
          const earliest = first.get(key);
          // Two kustomizations or charts named as PATHs are two deployables (staging, prod): their
          // objects clash only within one of them, or with plain files.
          const clashes = (e: Entry) =>
            e.unit === undefined || resource.unit === undefined || e.unit === resource.unit;
          const clash = earliest && (clashes(earliest) ? earliest : more.get(key)?.find(clashes));
          if (!clash) {
            const entry = entryOf(resource, fileName);
            // Kept until the end: a key that does not hold the document's text (detached.ts).
            if (!earliest) first.set(detachedString(key), entry);
            else {
              const list = more.get(key);
              if (list) list.push(entry);
              else more.set(detachedString(key), [entry]);
            }
            continue;
          }
          findings.push({
            resource,
            path: NAME,
            message: `${formatResourceId(resource.id)} is also defined at ${formatWhere(clash)}; only one of them can exist in the cluster`,
          });
        }
        return findings;
      },
      finish: () => [],
    };
  },
};

/**
 * A copy a later one may clash with: its unit, and where its name is written (a file and line), or a
 * stand-in whose field lines are looked up only on a clash. The line is kept as a number beside the
 * file's shared name: a "file:line" string of each was ~55 bytes more per object, at 50,000 objects
 * in one set most of what this rule kept.
 */
type Entry =
  | { unit: string | undefined; file: string; line: number }
  | { unit: string | undefined; standIn: Resource };

/**
 * Where a copy's name is written, the line a finding on a later copy is on too: from the document's
 * head when that is cheap (a plain document), else a stand-in whose field lines are looked up only if a
 * later copy clashes (a kustomize or Helm object, mapped lazily; its name may be in a patch's file).
 */
function entryOf(resource: Resource, fileName: (file: string) => string): Entry {
  const unit = resource.unit;
  if (resource.pointers) {
    const at = locationOf(resource, NAME);
    return { unit, file: fileName(at.file), line: at.line };
  }
  const line = resource.lines?.peekMetadata?.(NAME_POINTER);
  if (line === undefined) return { unit, standIn: standInFor(resource) };
  return { unit, file: fileName(resource.lines?.fileOf?.(NAME_POINTER) ?? resource.file), line };
}

function formatWhere(entry: Entry): string {
  const at = 'standIn' in entry ? locationOf(entry.standIn, NAME) : entry;
  return `${at.file}:${at.line}`;
}
