import { asString } from '../../manifest/as-record.ts';
import { listContainers } from '../../manifest/list-pod-specs.ts';
import { formatResourceId } from '../../manifest/resource-id.ts';
import type { Rule, RuleFinding } from '../rule.ts';
import { imageRefProblem } from './image-ref-problem.ts';
import { parseImageRef } from './parse-image-ref.ts';

/**
 * Container images pinned to a version tag or a digest. `latest` (or no tag, which pulls `latest`) moves
 * under you: a rollback or a rescheduled pod can run different code than the commit says. A reference
 * the kubelet cannot parse (`nginx@latest`, `nginx:`, `nginx@sha256:abc`) is an error: the pod never
 * starts (`InvalidImageName`), whatever severity the rule is given for unpinned images.
 */
export const imagePinnedRule: Rule = {
  id: 'image-pinned',
  severity: 'warning',
  description: 'Container images are pinned to a version tag or a digest, not `latest` or no tag.',
  check(ctx) {
    const findings: RuleFinding[] = [];
    for (const resource of ctx.resources) {
      for (const ref of listContainers(resource.object)) {
        const image = asString(ref.container.image)?.trim();
        if (!image) continue;
        const problem = imageRefProblem(image);
        if (problem) {
          findings.push({
            resource,
            path: [...ref.path, 'image'],
            severity: 'error',
            message: `${ref.name} in ${formatResourceId(resource.id)}: image ${image} ${problem}; the kubelet cannot parse it, so the pod never starts (InvalidImageName)`,
          });
          continue;
        }
        const { repository, tag, digest } = parseImageRef(image);
        if (digest !== undefined || (tag !== undefined && tag !== 'latest')) continue;
        const why = tag === undefined ? 'has no tag, so it pulls latest' : 'uses the moving tag latest';
        findings.push({
          resource,
          path: [...ref.path, 'image'],
          message: `${ref.name} in ${formatResourceId(resource.id)}: image ${image} ${why}; pin a version tag or a digest (${repository}@sha256:<digest>) so every rollout and rollback runs the image the commit names`,
        });
      }
    }
    return findings;
  },
};
