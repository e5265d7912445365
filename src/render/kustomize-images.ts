import { parseImageRef } from '../validate/rules/parse-image-ref.ts';

/** One entry of a kustomization's `images:` list. */
export interface ImageOverride {
  name: string;
  newName?: string;
  newTag?: string;
  digest?: string;
  /**
   * Where the entry writes what it changes (its `newTag`, else `digest`, else `newName` line): a
   * finding on an image it rewrote points there, not at the base's `image:` line.
   */
  at?: { file: string; line: number };
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
    const out = value.map((item) => rewrite(item, overrides));
    return out.some((item, i) => item !== value[i]) ? out : value;
  }
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value);
  const out = entries.map(([key, item]): [string, unknown] => {
    const next = rewrite(item, overrides);
    const isList = (key === 'containers' || key === 'initContainers') && Array.isArray(next);
    return [key, isList ? withImages(next, overrides) : next];
  });
  // fromEntries defines each key as its own property, `__proto__` included.
  return out.some(([, item], i) => item !== entries[i]?.[1]) ? Object.fromEntries(out) : value;
}

function withImages(containers: unknown[], overrides: readonly ImageOverride[]): unknown[] {
  const out = containers.map((c) => {
    const image = (c as { image?: unknown } | null)?.image;
    if (typeof c !== 'object' || Array.isArray(c) || typeof image !== 'string') return c;
    const next = overrides.reduce(overrideImage, image);
    return next === image ? c : { ...c, image: next };
  });
  return out.some((c, i) => c !== containers[i]) ? out : containers;
}

/**
 * The last of `overrides` that changes `image` as kustomize applies them in order, or undefined when
 * none does: the entry an image finding should point at.
 */
export function lastImageOverride(
  image: string,
  overrides: readonly ImageOverride[],
): ImageOverride | undefined {
  let current = image;
  let last: ImageOverride | undefined;
  for (const o of overrides) {
    const next = overrideImage(current, o);
    if (next !== current) last = o;
    current = next;
  }
  return last;
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
