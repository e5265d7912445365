import { MIB } from '../manifest/format-bytes.ts';
import type { ParsedDocuments } from '../manifest/parse-manifests.ts';
import type { Finding, Resource } from '../types.ts';
import { MIN_RENDER_BYTES, type RenderMemoryBudget } from './render-memory-budget.ts';

export type RendererKind = 'plain' | 'kustomize' | 'helm';

/** Bounds on one render of untrusted input. */
export interface RenderLimits {
  /** Wall-clock limit for the kubectl/helm child; its whole process group is killed past it. */
  timeoutMs: number;
  /** Cap on the binary's stdout (plain: on the bytes of files read). */
  maxOutputBytes: number;
  /** Cap on the kubectl/helm child's memory on Linux (Lambda included); see runBinary. */
  maxMemoryBytes: number;
  /** What the renders of this process share in its container (default: renderMemoryBudget, the process's). */
  memoryBudget?: RenderMemoryBudget;
  /** Said after "render timed out after …": which setting raises the limit. */
  timeoutHint?: string;
  /** Said after "render output exceeded …": which setting raises the limit. */
  sizeHint?: string;
}

/** The environment variable that raises (or lowers) the renderers' memory cap, in MiB. */
export const RENDER_MEMORY_ENV = 'FERRY_RENDER_MEMORY_MB';
const DEFAULT_RENDER_MEMORY_MB = 1024;

export const DEFAULT_RENDER_LIMITS: Readonly<RenderLimits> = {
  timeoutMs: 60_000,
  maxOutputBytes: 32 * 1024 * 1024,
  maxMemoryBytes: DEFAULT_RENDER_MEMORY_MB * 1024 * 1024,
};

/** A bad FERRY_RENDER_MEMORY_MB: an environment problem, said in one line. */
export class RenderLimitError extends Error {
  override name = 'RenderLimitError';
}

/**
 * The default limits with `FERRY_RENDER_MEMORY_MB` applied. 1 GiB: a billion-laughs ConfigMap or a
 * helm `until` loop would otherwise take 2-3 GiB and kill the whole process, not just the render; and
 * a real target's render fits with room to spare. At 512 MiB, Argo Workflows' own `cluster-install`
 * (12 MB of CRDs, kubectl kustomize ~450 MiB resident) failed at random: with renders running at once
 * (a diff's base and head) the Go heap outran its collector past RLIMIT_DATA. In a container the limit
 * bounds renders further (RenderMemoryBudget); the Lambda worker sets 768 MiB (two at once in 2 GiB).
 */
export function defaultRenderLimits(env: NodeJS.ProcessEnv = process.env): RenderLimits {
  const raw = env[RENDER_MEMORY_ENV];
  if (raw === undefined || raw === '') return { ...DEFAULT_RENDER_LIMITS };
  const mb = Number(raw);
  if (!Number.isInteger(mb) || mb * MIB < MIN_RENDER_BYTES) {
    throw new RenderLimitError(
      `${RENDER_MEMORY_ENV}=${raw} is not a whole number of MiB of at least ${MIN_RENDER_BYTES / MIB}`,
    );
  }
  return { ...DEFAULT_RENDER_LIMITS, maxMemoryBytes: mb * 1024 * 1024 };
}

export interface RenderResult {
  renderer: RendererKind;
  /** Empty whenever `failed`: a partial render must never be applied or pruned from. */
  resources: Resource[];
  findings: Finding[];
  /** True when any error finding came out of the render (rule `render` or `parse`). */
  failed: boolean;
  /**
   * Set when `failed`: what can still be checked on its own (the files that parsed; a failed
   * kustomize target's source files), so one broken file hides nothing else. Validated, never
   * applied, pruned or diffed.
   */
  checkable?: Resource[];
  /**
   * True when a `ResourceSink` took the resources as they were read: `resources` and `checkable` are
   * then empty, and what the sink took is what they would have held (a failed render's `checkable`).
   */
  streamed?: boolean;
}

/**
 * Takes plain files' resources file by file, so a large set need not be held whole (`ferry validate`).
 * Only plain files stream (renderPlainFiles; streamUnits); kustomize and helm return their set as usual
 * (no `streamed`), and among the paths of `ferry validate PATH…` each such path is one part.
 */
export interface ResourceSink {
  /** Sees each file's text before any is parsed: the files it accepts are parsed first, for `first`. */
  scan?(text: string): boolean;
  /**
   * Called once, before any `part`, with the resources of the files `scan` accepted (and of whole
   * paths), to iterate once: each file is parsed as the iteration reaches it, so what is not kept of
   * one is garbage before the next is read.
   */
  first(resources: Iterable<Resource>): void;
  /** Each file's resources (or a whole path's), in order (the `first` ones again, in their place). */
  part(resources: readonly Resource[]): Promise<void>;
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
  /**
   * False when nobody will read field lines (a diff's base: only the head is validated): kustomize's
   * per-field source mapping and Helm's template alignment are skipped. Default true.
   */
  fieldLines?: boolean;
  /** Documents the other side of the diff already read (ParseOptions.documents). */
  documents?: ParsedDocuments;
}

/** The seam between a target's directory and its resources: plain YAML, kustomize, helm. */
export interface Renderer {
  kind: RendererKind;
  render(req: RenderRequest): Promise<RenderResult>;
}
