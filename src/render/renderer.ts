import type { Finding, Resource } from '../types.ts';

export type RendererKind = 'plain' | 'kustomize' | 'helm';

/** Bounds on one render of untrusted input. */
export interface RenderLimits {
  /** Wall-clock limit for the kubectl/helm child; its whole process group is killed past it. */
  timeoutMs: number;
  /** Cap on the binary's stdout (plain: on the bytes of files read). */
  maxOutputBytes: number;
  /** Said after "render timed out after …": which setting raises the limit. */
  timeoutHint?: string;
}

export const DEFAULT_RENDER_LIMITS: Readonly<RenderLimits> = {
  timeoutMs: 60_000,
  maxOutputBytes: 32 * 1024 * 1024,
};

export interface RenderResult {
  renderer: RendererKind;
  /** Empty whenever `failed`: a partial render must never be applied or pruned from. */
  resources: Resource[];
  findings: Finding[];
  /** True when any error finding came out of the render (rule `render` or `parse`). */
  failed: boolean;
}

/** One directory to render, already located inside the repository. */
export interface RenderRequest {
  /** Absolute, symlink-free repository root. */
  root: string;
  /** The directory to render, repo-relative POSIX ('.' for the root). */
  dir: string;
  /** Helm release name (the target's `helm.releaseName`, else its name). */
  releaseName: string;
  /** Default namespace: helm's `--namespace`, and the namespace of namespaced objects that set none. */
  namespace?: string;
  /** Helm values files, repo-relative, in order. */
  values: readonly string[];
  /** Kubernetes minor version for `helm template --kube-version` (`.Capabilities.KubeVersion`). */
  kubernetesVersion?: string;
  /** Extra API versions for `helm template --api-versions` (`.Capabilities.APIVersions`). */
  apiVersions?: readonly string[];
  limits: RenderLimits;
}

/** The seam between a target's directory and its resources: plain YAML, kustomize, helm. */
export interface Renderer {
  kind: RendererKind;
  render(req: RenderRequest): Promise<RenderResult>;
}
