import { parseImageRef } from '../validate/rules/parse-image-ref.ts';

/** One entry of a kustomization's `images:` list. */
export interface ImageOverride {
  name: string;
  newName?: string;
  newTag?: string;
  digest?: string;
}

/**
 * kustomize's images transformer, for the source files of a build that failed (Resource.unrendered):
 * an image kustomize would pin (`images: [{name: nginx, newTag: "1.27"}]`) is judged as pinned, not
 * as the `nginx` its base names. As kustomize does: every string `image` of every `containers` or
 * `initContainers` list at any depth, matched by its name without tag and digest; a new tag drops the
 * digest, a new digest drops the tag, both give `name:tag@digest`, a new name keeps both. `overrides`
 * apply in order (KustomizationTree.images gives a file's). Returns `object` itself when nothing
 * changes, and never changes it.
 */
export function applyImageOverrides(object: unknown, overrides: readonly ImageOverride[]): unknown {
  if (overrides.length === 0) return object;
  return rewrite(object, overrides);
}

function rewrite(value: unknown, overrides: readonly ImageOverride[]): unknown {
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    value.forEach((item, i) => {
      const next = rewrite(item, overrides);
      if (next !== item) (copy ??= [...value])[i] = next;
    });
    return copy ?? value;
  }
  if (value === null || typeof value !== 'object') return value;
  let copy: Record<string, unknown> | undefined;
  for (const [key, item] of Object.entries(value)) {
    let next = rewrite(item, overrides);
    if ((key === 'containers' || key === 'initContainers') && Array.isArray(next)) {
      next = withImages(next, overrides);
    }
    if (next !== item) (copy ??= { ...value })[key] = next;
  }
  return copy ?? value;
}

function withImages(containers: unknown[], overrides: readonly ImageOverride[]): unknown[] {
  let copy: unknown[] | undefined;
  containers.forEach((c, i) => {
    if (c === null || typeof c !== 'object' || Array.isArray(c)) return;
    const image = (c as { image?: unknown }).image;
    if (typeof image !== 'string') return;
    const next = overrides.reduce(overrideImage, image);
    if (next !== image) (copy ??= [...containers])[i] = { ...c, image: next };
  });
  return copy ?? containers;
}

function overrideImage(image: string, o: ImageOverride): string {
  const ref = parseImageRef(image);
  if (ref.repository !== o.name) return image;
  let { tag, digest } = ref;
  if (o.newTag && o.digest) [tag, digest] = [o.newTag, o.digest];
  else if (o.newTag) [tag, digest] = [o.newTag, undefined];
  else if (o.digest) [tag, digest] = [undefined, o.digest];
  return `${o.newName || ref.repository}${tag ? `:${tag}` : ''}${digest ? `@${digest}` : ''}`;
}
