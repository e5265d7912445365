import { asArray, asRecord, asString } from '../../manifest/as-record.ts';
import { listPodSpecs } from '../../manifest/list-pod-specs.ts';
import { formatResourceId } from '../../manifest/resource-id.ts';
import type { Rule, RuleFinding } from '../rule.ts';

/** The container lists of a pod spec, in the order the API server validates them. */
const LISTS = [
  ['initContainers', 'init container'],
  ['containers', 'container'],
  ['ephemeralContainers', 'ephemeral container'],
] as const;

/**
 * Two containers of one pod with the same name. The API server refuses the pod (`Duplicate value`):
 * names are unique across containers, init containers and ephemeral containers (Kubernetes
 * `validateContainers`/`validateInitContainers`). Reported on each later one, pointing at the first.
 */
export const duplicateContainerRule: Rule = {
  id: 'duplicate-container',
  severity: 'error',
  description: 'Container names are unique within a pod, across containers, init and ephemeral containers.',
  check(ctx) {
    const findings: RuleFinding[] = [];
    for (const resource of ctx.resources) {
      for (const pod of listPodSpecs(resource.object)) {
        // Where each name was first seen; described only for a duplicate (most pods have none).
        const seen = new Map<string, { word: string; field: string; i: number }>();
        const where = pod.component ? `${pod.component} of ` : '';
        for (const [field, word] of LISTS) {
          asArray(pod.spec[field]).forEach((item, i) => {
            const name = asString(asRecord(item)?.name);
            if (!name) return;
            const first = seen.get(name);
            if (first === undefined) {
              seen.set(name, { word, field, i });
              return;
            }
            findings.push({
              resource,
              path: [...pod.path, field, i, 'name'],
              message: `${word} ${name} (${field}[${i}]) in ${where}${formatResourceId(resource.id)} has the same name as ${first.word} ${name} (${first.field}[${first.i}]); the API server refuses a pod whose containers, init containers and ephemeral containers share a name: rename one`,
            });
          });
        }
      }
    }
    return findings;
  },
};
