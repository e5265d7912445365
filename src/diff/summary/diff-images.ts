import { formatImageTransition } from './format-transition.ts';
import type { ContainerView, PodSpecView } from './pod-specs-of.ts';

/**
 * Image changes per container, matched by name: `image my-app:1.0 → 1.1`, with the container named
 * when the pod has several (`image envoy:1.2 → 1.3 (sidecar)`); containers added or removed.
 * With no `before`, the pod is new: its images are listed.
 */
export function diffImages(before: PodSpecView | undefined, after: PodSpecView | undefined): string[] {
  const a = before?.containers ?? [];
  const b = after?.containers ?? [];
  const several = Math.max(a.length, b.length) > 1;
  const named = (c: ContainerView, text: string): string =>
    several ? `${text} (${c.init ? 'init ' : ''}${c.name})` : text;
  const facts: string[] = [];
  const beforeByName = new Map(a.map((c) => [c.name, c]));
  const afterNames = new Set(b.map((c) => c.name));
  for (const c of b) {
    const image = imageOf(c);
    const old = beforeByName.get(c.name);
    if (!before) {
      if (image) facts.push(named(c, `image ${formatImageTransition(undefined, image)}`));
    } else if (!old) {
      facts.push(`${c.init ? 'init container' : 'container'} ${c.name} added${image ? ` (${image})` : ''}`);
    } else if (imageOf(old) !== image) {
      facts.push(named(c, `image ${formatImageTransition(imageOf(old), image)}`));
    }
  }
  if (after) {
    for (const c of a) {
      if (!afterNames.has(c.name)) facts.push(`${c.init ? 'init container' : 'container'} ${c.name} removed`);
    }
  }
  return facts;
}

function imageOf(c: ContainerView): string | undefined {
  return typeof c.raw.image === 'string' ? c.raw.image : undefined;
}
