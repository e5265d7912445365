import { realpath, stat } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import type { Finding, Resource } from '../types.ts';
import { plainParser, type StreamUnit, streamUnits } from './plain-renderer.ts';
import { releaseNameForFolder } from './release-name.ts';
import { renderThrew } from './render-finding.ts';
import { openDirectory, renderDirectory } from './render-target.ts';
import type { RendererKind, RenderLimits, RenderResult, ResourceSink } from './renderer.ts';
import { defaultRenderLimits } from './renderer.ts';
import { isMissing } from './repo-path.ts';

/** A path given to `ferry validate PATH…` does not exist (the CLI maps it to a usage error). */
export class PathNotFoundError extends Error {
  override name = 'PathNotFoundError';
  constructor(
    readonly path: string,
    options?: ErrorOptions,
  ) {
    super(`${path}: no such file or directory`, options);
  }
}

export interface RenderPathsOptions {
  /** Repository root; relative paths are resolved against it, and every path must stay inside it. */
  root: string;
  /** Files (parsed as plain manifests) or directories (detected like targets). */
  paths: readonly string[];
  namespace?: string;
  limits?: Partial<RenderLimits>;
  /** Where the resources go as they are read (streamPaths; the result is then `streamed`). */
  sink?: ResourceSink;
}

export interface RenderPathsResult extends RenderResult {
  /** Which renderer each path used; `renderer` is the first path's. */
  parts: { path: string; renderer: RendererKind; failed: boolean }[];
}

/**
 * `ferry validate PATH…`: renders each path and merges the results. Every path is checked to exist
 * before anything renders (PathNotFoundError). If any path fails, the whole result has no resources;
 * what did render (and what a failed path could still parse) is `checkable`.
 */
export async function renderPaths(opts: RenderPathsOptions): Promise<RenderPathsResult> {
  const root = await realpath(opts.root);
  const limits: RenderLimits = {
    ...defaultRenderLimits(),
    // A path has no settings of its own: a target does.
    timeoutHint: 'a target in .github/ferry.yml can allow more (renderTimeoutSeconds)',
    sizeHint: 'a target in .github/ferry.yml can allow more (maxRenderMiB)',
    ...opts.limits,
  };
  for (const path of opts.paths) {
    await stat(resolve(root, path)).catch((err: unknown) => {
      throw isMissing(err) ? new PathNotFoundError(path, { cause: err }) : err;
    });
  }
  if (opts.sink)
    return streamPaths({ root, paths: opts.paths, namespace: opts.namespace, limits }, opts.sink);
  const result: RenderPathsResult = {
    renderer: 'plain',
    resources: [],
    findings: [],
    failed: false,
    parts: [],
  };
  const checkable: Resource[] = [];
  for (const path of opts.paths) {
    const abs = resolve(root, path);
    const part = await renderDirectory({
      root,
      path: abs,
      releaseName: releaseNameForFolder(basename(abs)),
      namespace: opts.namespace,
      values: [],
      limits,
    });
    if (result.parts.length === 0) result.renderer = part.renderer;
    result.parts.push({ path, renderer: part.renderer, failed: part.failed });
    const own = opts.paths.length > 1 ? withUnit(part, path) : part;
    result.resources.push(...own.resources);
    result.findings.push(...own.findings);
    result.failed ||= own.failed;
    checkable.push(...(own.failed ? (own.checkable ?? []) : own.resources));
  }
  if (result.failed) {
    // Nothing to apply from a partial set, but every path that did render is still checked.
    result.resources = [];
    if (checkable.length > 0) result.checkable = checkable;
  }
  return result;
}

/**
 * A kustomization's or chart's render, its resources marked as that PATH's (`unit`); a plain path's as
 * it is (its files are parts of one set).
 */
function withUnit(rendered: RenderResult, path: string): RenderResult {
  if (rendered.renderer === 'plain') return rendered;
  const mark = (resources: Resource[]) => resources.map((r) => ({ ...r, unit: path }));
  return {
    ...rendered,
    resources: mark(rendered.resources),
    ...(rendered.checkable ? { checkable: mark(rendered.checkable) } : {}),
  };
}

/**
 * renderPaths into a sink, in the order given: every plain file of every path is read on its own
 * (streamUnits: the files that may hold a CRD first), each kustomization or chart is rendered whole
 * and is one part. No cap on the paths' total size applies, as nothing holds them whole; each file keeps
 * its own. A file that cannot be read fails the render, pinned to its path, as renderDirectory does.
 */
async function streamPaths(
  opts: { root: string; paths: readonly string[]; namespace?: string; limits: RenderLimits },
  sink: ResourceSink,
): Promise<RenderPathsResult> {
  const units: StreamUnit[] = [];
  const notes: Finding[] = [];
  const spans: { path: string; renderer: RendererKind; from: number; to: number }[] = [];
  for (const path of opts.paths) {
    const abs = resolve(opts.root, path);
    const opened = await openDirectory({
      root: opts.root,
      path: abs,
      releaseName: releaseNameForFolder(basename(abs)),
      namespace: opts.namespace,
      values: [],
      limits: opts.limits,
    });
    const from = units.length;
    if ('rendered' in opened)
      units.push({ rendered: opts.paths.length > 1 ? withUnit(opened.rendered, path) : opened.rendered });
    else {
      units.push(...opened.files.map((file) => ({ file })));
      notes.push(...opened.notes);
    }
    const renderer = 'rendered' in opened ? opened.rendered.renderer : 'plain';
    spans.push({ path, renderer, from, to: units.length });
  }
  let findings: Finding[][];
  try {
    ({ findings } = await streamUnits({ units, parse: plainParser(opts), sink }));
  } catch (err) {
    const file = (err as NodeJS.ErrnoException | undefined)?.path;
    const at = spans.find((span) =>
      units.slice(span.from, span.to).some((u) => 'file' in u && u.file === file),
    );
    if (file === undefined || !at) throw err;
    const failed = renderThrew(err, { root: opts.root, label: at.path, renderer: at.renderer });
    return { ...failed, parts: [{ path: at.path, renderer: at.renderer, failed: true }] };
  }
  const parts = spans.map(({ path, renderer, from, to }) => ({
    path,
    renderer,
    failed: units
      .slice(from, to)
      .some((unit, i) =>
        'rendered' in unit
          ? unit.rendered.failed
          : (findings[from + i] ?? []).some((f) => f.severity === 'error'),
      ),
  }));
  return {
    renderer: parts[0]?.renderer ?? 'plain',
    resources: [],
    findings: [...notes, ...findings.flat()],
    failed: parts.some((part) => part.failed),
    parts,
    streamed: true,
  };
}
