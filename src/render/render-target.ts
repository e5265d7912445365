import { realpath } from 'node:fs/promises';
import type { ParsedDocuments } from '../manifest/parse-manifests.ts';
import type { Target } from '../types.ts';
import { detectRenderer } from './detect-renderer.ts';
import { helmRenderer } from './helm-renderer.ts';
import { kustomizeRenderer } from './kustomize-renderer.ts';
import { plainRenderer, renderPlainFiles } from './plain-renderer.ts';
import { failedRender, renderFinding } from './render-finding.ts';
import {
  defaultRenderLimits,
  type Renderer,
  type RendererKind,
  RenderLimitError,
  type RenderLimits,
  type RenderResult,
  type ResourceSink,
} from './renderer.ts';
import { locateInRepo, normalizeRepoPath, toRepoPath } from './repo-path.ts';
import { BinaryNotFoundError } from './resolve-binaries.ts';

export type { RendererKind, RenderLimits, RenderResult } from './renderer.ts';

export const RENDERERS: Readonly<Record<RendererKind, Renderer>> = {
  plain: plainRenderer,
  kustomize: kustomizeRenderer,
  helm: helmRenderer,
};

export interface RenderTargetOptions {
  /** Repository root: an extracted tarball, a git revision tree, a checkout. */
  root: string;
  target: Target;
  limits?: Partial<RenderLimits>;
  /** The config's top-level version, used when the target sets none (Helm's `--kube-version`). */
  kubernetesVersion?: string;
  /** False: no field lines (see RenderRequest.fieldLines), for a render only diffed, never validated. */
  fieldLines?: boolean;
  /** Documents the other side of the diff already read (ParseOptions.documents). */
  documents?: ParsedDocuments;
  /** Where a plain target's resources go as they are read (ResourceSink; RenderResult.streamed). */
  sink?: ResourceSink;
}

/**
 * A target's path → its resources, with the real kubectl and helm: kustomize when the directory has
 * a kustomization, helm when it has a Chart.yaml, else plain YAML/JSON. Every failure is a finding
 * (rule `render`), and a failed render has no resources. Throws only BinaryNotFoundError (the
 * installation is broken, not the repository) and when `root` itself does not exist.
 */
export async function renderTarget(opts: RenderTargetOptions): Promise<RenderResult> {
  const root = await realpath(opts.root);
  const dir = normalizeRepoPath(opts.target.path);
  return renderDirectory({
    root,
    path: dir,
    releaseName: opts.target.helm?.releaseName ?? opts.target.name,
    namespace: opts.target.namespace,
    values: opts.target.helm?.values ?? [],
    kubernetesVersion: opts.target.kubernetesVersion ?? opts.kubernetesVersion,
    apiVersions: opts.target.helm?.apiVersions ?? [],
    limits: targetLimits(opts),
    ...(opts.fieldLines === false ? { fieldLines: false } : {}),
    documents: opts.documents,
    sink: opts.sink,
  });
}

/**
 * The target's `renderTimeoutSeconds` (explicit `limits` win, as in tests), and a timeout message that
 * names the target and the setting that raises it.
 */
function targetLimits(opts: RenderTargetOptions): RenderLimits {
  const base = defaultRenderLimits();
  const seconds = opts.target.renderTimeoutSeconds;
  const timeoutMs = seconds === undefined ? base.timeoutMs : seconds * 1000;
  return {
    ...base,
    timeoutMs,
    timeoutHint: `target '${opts.target.name}': raise renderTimeoutSeconds for it in .github/ferry.yml (default ${base.timeoutMs / 1000})`,
    ...opts.limits,
  };
}

/** Renders one repo-relative (or absolute) path; shared by renderTarget and renderPaths. */
export async function renderDirectory(opts: {
  root: string;
  path: string;
  releaseName: string;
  namespace?: string;
  values: readonly string[];
  kubernetesVersion?: string;
  apiVersions?: readonly string[];
  limits: RenderLimits;
  fieldLines?: boolean;
  documents?: ParsedDocuments;
  sink?: ResourceSink;
}): Promise<RenderResult> {
  let kind: RendererKind = 'plain';
  const label = normalizeRepoPath(opts.path);
  try {
    const located = await locateInRepo(opts.root, opts.root, opts.path);
    if (!located.ok) {
      const why = located.problem === 'missing' ? 'does not exist' : 'leads outside the repository';
      return failedRender(kind, [renderFinding(label, `path ${why}`)]);
    }
    const dir = toRepoPath(opts.root, located.real);
    if (!located.isDirectory) {
      return await renderPlainFiles({
        root: opts.root,
        files: [located.real],
        dir,
        namespace: opts.namespace,
        limits: opts.limits,
        documents: opts.documents,
        sink: opts.sink,
      });
    }
    kind = await detectRenderer(located.real);
    return await RENDERERS[kind].render({
      root: opts.root,
      dir,
      releaseName: opts.releaseName,
      namespace: opts.namespace,
      values: opts.values,
      kubernetesVersion: opts.kubernetesVersion,
      apiVersions: opts.apiVersions,
      limits: opts.limits,
      ...(opts.fieldLines === false ? { fieldLines: false } : {}),
      documents: opts.documents,
      sink: opts.sink,
    });
  } catch (err) {
    if (err instanceof BinaryNotFoundError || err instanceof RenderLimitError) throw err;
    // Unreadable files and the like: still the repository's problem to show, not a crash.
    const message = err instanceof Error ? err.message.replaceAll(`${opts.root}/`, '') : String(err);
    return failedRender(kind, [renderFinding(label, `render failed: ${message}`)]);
  }
}
