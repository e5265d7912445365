import { realpath, stat } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import type { Resource } from '../types.ts';
import { renderDirectory } from './render-target.ts';
import type { RendererKind, RenderLimits, RenderResult } from './renderer.ts';
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
  const limits = { ...defaultRenderLimits(), ...opts.limits };
  for (const path of opts.paths) {
    await stat(resolve(root, path)).catch((err: unknown) => {
      throw isMissing(err) ? new PathNotFoundError(path, { cause: err }) : err;
    });
  }
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
      releaseName: basename(abs),
      namespace: opts.namespace,
      values: [],
      limits,
    });
    if (result.parts.length === 0) result.renderer = part.renderer;
    result.parts.push({ path, renderer: part.renderer, failed: part.failed });
    result.resources.push(...part.resources);
    result.findings.push(...part.findings);
    result.failed ||= part.failed;
    checkable.push(...(part.failed ? (part.checkable ?? []) : part.resources));
  }
  if (result.failed) {
    // Nothing to apply from a partial set, but every path that did render is still checked.
    result.resources = [];
    if (checkable.length > 0) result.checkable = checkable;
  }
  return result;
}
