import { formatBytes } from '../manifest/format-bytes.ts';
import type { Finding, Resource } from '../types.ts';
import { type RendererKind, RenderLimitError, type RenderLimits, type RenderResult } from './renderer.ts';
import { BinaryNotFoundError } from './resolve-binaries.ts';

/** A repository file or folder the process may not read: an environment problem, said in one line. */
export class UnreadableInputError extends Error {
  override name = 'UnreadableInputError';
}

/** A render failure: always an error, rule `render`, pointing at the target dir or the offending file. */
export function renderFinding(file: string, message: string, line = 1, detail?: string): Finding {
  const finding: Finding = { rule: 'render', severity: 'error', file, line, message };
  if (detail) finding.detail = detail;
  return finding;
}

/** A failed render: the findings, and no resources at all. */
export function failedRender(
  renderer: RendererKind,
  findings: Finding[],
  checkable?: Resource[],
): RenderResult {
  const result: RenderResult = { renderer, resources: [], findings, failed: true };
  if (checkable && checkable.length > 0) result.checkable = checkable;
  return result;
}

/** Human durations for messages: `30s`, `1ms`. */
export function formatDuration(ms: number): string {
  return ms >= 1000 && ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

/** A render past its size cap, and which setting raises the cap (RenderLimits.sizeHint). */
export function outputTooLarge(limits: RenderLimits): string {
  return `render output exceeded ${formatBytes(limits.maxOutputBytes)}${limits.sizeHint ? `; ${limits.sizeHint}` : ''}`;
}

/**
 * The failed render of `label` when a render step threw (an unreadable file and the like): the
 * repository's problem to show, not a crash. A missing binary or a bad limit is not, and is thrown on.
 */
export function renderThrew(
  err: unknown,
  at: { root: string; label: string; renderer: RendererKind },
): RenderResult {
  if (err instanceof BinaryNotFoundError || err instanceof RenderLimitError) throw err;
  // A file or folder this user may not read is the machine's problem, not the manifests': as a finding
  // it failed the target as if the YAML were wrong ("render failed: EACCES …") and said nothing to do.
  const errno = err as NodeJS.ErrnoException;
  if (errno?.code === 'EACCES' || errno?.code === 'EPERM') {
    const path = typeof errno.path === 'string' ? errno.path.replace(`${at.root}/`, '') : at.label;
    throw new UnreadableInputError(
      `${path}: permission denied: this user cannot read it; fix its permissions (chmod), or run ferry as a user who can`,
      { cause: err },
    );
  }
  const message = err instanceof Error ? err.message.replaceAll(`${at.root}/`, '') : String(err);
  return failedRender(at.renderer, [renderFinding(at.label, `render failed: ${message}`)]);
}
