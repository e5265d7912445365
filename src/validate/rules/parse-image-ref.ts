/** A container image reference split into its parts (Docker reference grammar, no normalisation). */
export interface ImageRef {
  /** Everything before the tag and digest, registry included: `nvcr.io/nvidia/tritonserver`. */
  repository: string;
  /** `24.05-py3`; undefined when absent (the runtime then pulls `latest`). */
  tag?: string;
  /** `sha256:…`; undefined when absent. */
  digest?: string;
}

/**
 * `registry:5000/team/app:1.2@sha256:abc` → repository `registry:5000/team/app`, tag `1.2`, digest
 * `sha256:abc`. A colon before the last `/` is a registry port, not a tag.
 */
export function parseImageRef(image: string): ImageRef {
  let rest = image.trim();
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  const ref: ImageRef = { repository: rest };
  if (tag !== undefined) ref.tag = tag;
  if (digest !== undefined) ref.digest = digest;
  return ref;
}
