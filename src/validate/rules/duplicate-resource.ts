import { detachedString } from '../../manifest/detached.ts';
import { locationOf } from '../../manifest/line-of.ts';
import { appliedNamespace, formatResourceId, resourceKey } from '../../manifest/resource-id.ts';
import { standInFor } from '../../manifest/stand-in-for.ts';
import type { Resource } from '../../types.ts';
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
    // Where each copy is that a later one may clash with: a later copy is reported when it comes.
    const first = new Map<string, { unit: string | undefined; where: string | Resource }[]>();
    return {
      add(resources) {
        const findings: RuleFinding[] = [];
        for (const resource of resources) {
          // Objects without a name (generateName) get a fresh one from the API server: never duplicates.
          if (resource.id.name === '') continue;
          // `Deployment api` and `Deployment default/api` are one object once applied.
          const key = resourceKey({ ...resource.id, namespace: appliedNamespace(resource.id) });
          const earlier = first.get(key);
          // Two kustomizations or charts named as PATHs are two deployables (staging, prod): their
          // objects clash only within one of them, or with plain files.
          const clash = earlier?.find(
            (e) => e.unit === undefined || resource.unit === undefined || e.unit === resource.unit,
          );
          if (!clash) {
            const entry = { unit: resource.unit, where: nameWhere(resource) };
            // Kept until the end: a key that does not hold the document's text (detached.ts).
            if (earlier) earlier.push(entry);
            else first.set(detachedString(key), [entry]);
            continue;
          }
          findings.push({
            resource,
            path: NAME,
            message: `${formatResourceId(resource.id)} is also defined at ${formatWhere(clash.where)}; only one of them can exist in the cluster`,
          });
        }
        return findings;
      },
      finish: () => [],
    };
  },
};

/**
 * Where a copy's name is written, the line a finding on a later copy is on too: from the document's
 * head when that is cheap (a plain document), else a stand-in whose field lines are looked up only if a
 * later copy clashes (a kustomize or Helm object, mapped lazily; its name may be in a patch's file).
 */
function nameWhere(resource: Resource): string | Resource {
  if (resource.pointers) return detachedString(formatLocation(locationOf(resource, NAME)));
  const line = resource.lines?.peekMetadata?.(NAME_POINTER);
  if (line === undefined) return standInFor(resource);
  const file = resource.lines?.fileOf?.(NAME_POINTER) ?? resource.file;
  return detachedString(`${file}:${line}`);
}

function formatWhere(where: string | Resource): string {
  return typeof where === 'string' ? where : formatLocation(locationOf(where, NAME));
}

function formatLocation(at: { file: string; line: number }): string {
  return `${at.file}:${at.line}`;
}
