import { realpath } from 'node:fs/promises';
import type { ParsedDocuments } from '../manifest/parse-manifests.ts';
import type { Finding, Resource, Target } from '../types.ts';
import { describeLinkedPath, type LinkedPath } from './describe-linked-path.ts';
import { describeNamedFile } from './describe-named-file.ts';
import { describeHelmPath, describeMissingPath, describeTargetPath } from './describe-target-path.ts';
import { detectRenderer, findKustomizationFile, KUSTOMIZATION_FILES } from './detect-renderer.ts';
import { helmRenderer } from './helm-renderer.ts';
import { kustomizeRenderer } from './kustomize-renderer.ts';
import { listPlainInputs, renderPlainFiles } from './plain-renderer.ts';
import { RELEASE_NAME_PROBLEM } from './release-name.ts';
import { failedRender, renderFinding, renderThrew } from './render-finding.ts';
import {
  defaultRenderLimits,
  type Renderer,
  type RendererKind,
  type RenderLimits,
  type RenderResult,
  type ResourceSink,
} from './renderer.ts';
import { locateInRepo, normalizeRepoPath, toRepoPath } from './repo-path.ts';

export type { RendererKind, RenderLimits, RenderResult } from './renderer.ts';

/** The renderers that run a binary; plain files are read by renderPlainFiles (openDirectory lists them). */
const RENDERERS: Readonly<Record<Exclude<RendererKind, 'plain'>, Renderer>> = {
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
  /**
   * The links along a path, for a tree written without them (git, a tarball: findLinkAlong over
   * TreeLayout.links); without it they are read from the disk (describeLinkedPath).
   */
  links?: (path: string) => LinkedPath | undefined;
}

/**
 * A target's path → its resources, with the real kubectl and helm: kustomize when the directory has
 * a kustomization, helm when it has a Chart.yaml, else plain YAML/JSON. Every failure is a finding
 * (rule `render`), and a failed render has no resources. Throws only BinaryNotFoundError (the
 * installation is broken, not the repository) and when `root` itself does not exist.
 */
export async function renderTarget(opts: RenderTargetOptions): Promise<RenderResult> {
  const root = await realpath(opts.root);
  const { target } = opts;
  const dir = normalizeRepoPath(target.path);
  // A path that cannot be read is the render's to report, below.
  const missing = await describeMissingPath({ root, target }).catch(() => undefined);
  if (missing) return failedRender('plain', [missing]);
  const notChart = await describeHelmPath({ root, target }).catch(() => undefined);
  if (notChart) return failedRender(notChart.renderer, [notChart.finding]);
  const linked = await describeLinkedPath({ root, target, links: opts.links });
  if (linked) return failedRender('kustomize', [linked]);
  const units: string[] = [];
  // A plain target's resources may go to the caller's sink instead of the result: counted on the way.
  let streamed = 0;
  const given = opts.sink;
  const sink = given && {
    ...given,
    part: (part: readonly Resource[]) => {
      streamed += part.length;
      return given.part(part);
    },
  };
  const result = await renderDirectory({
    root,
    path: dir,
    releaseName: target.helm?.releaseName ?? target.name,
    namespace: target.namespace,
    values: target.helm?.values ?? [],
    kubernetesVersion: target.kubernetesVersion ?? opts.kubernetesVersion,
    apiVersions: target.helm?.apiVersions ?? [],
    limits: targetLimits(opts),
    ...(opts.fieldLines === false ? { fieldLines: false } : {}),
    documents: opts.documents,
    sink,
    units,
  });
  const path = describeTargetPath({
    target,
    renderer: result.renderer,
    failed: result.failed,
    resources: result.streamed ? streamed : result.resources.length,
    findings: result.findings,
    units: units.sort().map((unit) => toRepoPath(root, unit)),
  });
  const findings = result.findings.map((f) => atConfigEntry(f, target));
  return path ? { ...result, findings: [...findings, path] } : { ...result, findings };
}

/**
 * The target's `renderTimeoutSeconds` and `maxRenderMiB` (explicit `limits` win, as in tests), and
 * messages that name the target and the setting that raises each limit.
 */
function targetLimits(opts: RenderTargetOptions): RenderLimits {
  const base = defaultRenderLimits();
  const seconds = opts.target.renderTimeoutSeconds;
  const mib = opts.target.maxRenderMiB;
  const raise = (key: string, value: number) =>
    `target '${opts.target.name}': raise ${key} for it in .github/ferry.yml (default ${value})`;
  return {
    ...base,
    timeoutMs: seconds === undefined ? base.timeoutMs : seconds * 1000,
    maxOutputBytes: mib === undefined ? base.maxOutputBytes : mib * 1024 * 1024,
    timeoutHint: raise('renderTimeoutSeconds', base.timeoutMs / 1000),
    sizeHint: raise('maxRenderMiB', base.maxOutputBytes / (1024 * 1024)),
    ...opts.limits,
  };
}

interface RenderDirectoryOptions {
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
  /** Collects the kustomization and chart folders below a plain path (absolute), which are not rendered. */
  units?: string[];
}

/** Renders one repo-relative (or absolute) path; shared by renderTarget and renderPaths. */
export async function renderDirectory(opts: RenderDirectoryOptions): Promise<RenderResult> {
  const opened = await openDirectory(opts);
  if ('rendered' in opened) return opened.rendered;
  try {
    return await renderPlainFiles({
      root: opts.root,
      files: opened.files,
      dir: opened.dir,
      notes: opened.notes,
      namespace: opts.namespace,
      limits: opts.limits,
      documents: opts.documents,
      sink: opts.sink,
    });
  } catch (err) {
    return renderThrew(err, { root: opts.root, label: normalizeRepoPath(opts.path), renderer: 'plain' });
  }
}

/**
 * A path as renderDirectory reads it, up to its plain files: a file, or a directory without a
 * kustomization or chart, gives its manifest files (`dir` repo-relative) for the caller to read; any
 * other directory is rendered whole here, and a path that is missing, leads outside the repository or
 * cannot be read is its failed render. `ferry validate PATH…` streams the files of several paths.
 */
export async function openDirectory(
  opts: RenderDirectoryOptions,
): Promise<{ files: string[]; dir: string; notes: Finding[] } | { rendered: RenderResult }> {
  let kind: RendererKind = 'plain';
  const label = normalizeRepoPath(opts.path);
  try {
    const located = await locateInRepo(opts.root, opts.root, opts.path);
    if (!located.ok) {
      const why =
        located.problem === 'missing'
          ? "does not exist in this revision: fix the target's path in .github/ferry.yml, or add the folder"
          : 'leads outside the repository';
      return { rendered: failedRender(kind, [renderFinding(label, `path ${why}`)]) };
    }
    const dir = toRepoPath(opts.root, located.real);
    if (!located.isDirectory) {
      const notManifests = await describeNamedFile(located.real, dir);
      if (notManifests) return { rendered: failedRender(kind, [renderFinding(dir, notManifests)]) };
      return { files: [located.real], dir, notes: [] };
    }
    kind = await detectRenderer(located.real);
    if (kind === 'plain') {
      const inputs = await listPlainInputs({ root: opts.root, absDir: located.real, units: opts.units });
      return 'refused' in inputs
        ? { rendered: inputs.refused }
        : { files: inputs.files, dir, notes: inputs.notes };
    }
    const rendered = await RENDERERS[kind].render({
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
    });
    if (rendered.failed || rendered.resources.length > 0) return { rendered };
    return {
      rendered: {
        ...rendered,
        findings: [...rendered.findings, await rendersNothing(kind, located.real, dir)],
      },
    };
  } catch (err) {
    return { rendered: renderThrew(err, { root: opts.root, label, renderer: kind }) };
  }
}

/**
 * A chart or kustomization whose render holds no object (every template switched off by its values, a
 * kustomization of nothing, a helm binary that printed nothing): passed as "0 resources", its PR check
 * was green while the agent refuses to deploy an empty render. A warning at its Chart.yaml or
 * kustomization file says so, as the plain renderer's does for a folder of no manifest.
 */
async function rendersNothing(kind: RendererKind, absDir: string, dir: string): Promise<Finding> {
  const file =
    kind === 'helm' ? 'Chart.yaml' : ((await findKustomizationFile(absDir)) ?? KUSTOMIZATION_FILES[0]);
  const tool = kind === 'helm' ? 'helm template' : 'kubectl kustomize';
  const fix =
    kind === 'helm'
      ? "check the values that switch its templates on (the target's helm.values)"
      : 'check its resources, components and generators';
  return {
    rule: 'render',
    severity: 'warning',
    file: dir === '' || dir === '.' ? file : `${dir}/${file}`,
    line: 1,
    message: `this target renders nothing: ${tool} printed no Kubernetes object, so nothing is checked, and the agent does not deploy an empty render (nothing applied, nothing pruned); ${fix}`,
  };
}

/**
 * A values file the target lists that is missing, a folder or outside the repository is reported on
 * its entry in `.github/ferry.yml`, where the fix is, not at line 1 of a file the revision lacks (an
 * annotation GitHub cannot place): the message names the file. So is a release name helm refuses
 * (the target's name), on the target's `name` line.
 */
function atConfigEntry(f: Finding, target: Target): Finding {
  const declared = target.declared;
  if (declared && f.rule === 'render' && f.message.startsWith(RELEASE_NAME_PROBLEM)) {
    return { ...f, file: declared.file, line: declared.nameLine ?? declared.line };
  }
  const index = target.helm?.values.findIndex((v) => normalizeRepoPath(v) === f.file) ?? -1;
  if (!declared || f.rule !== 'render' || index < 0 || !f.message.startsWith('values file ')) return f;
  return {
    ...f,
    file: declared.file,
    line: declared.valuesLines?.[index] ?? declared.helmLine ?? declared.line,
    message: `values file ${f.file} ${f.message.slice('values file '.length)}`,
  };
}
