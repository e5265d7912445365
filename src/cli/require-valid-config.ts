import type { LoadedConfig } from '../config/load-config.ts';

/** `.github/ferry.yml` has errors, so no target of it can be trusted: the user's file to fix. */
export class InvalidConfigError extends Error {
  override name = 'InvalidConfigError';
}

/**
 * Refuses a configuration with errors, for commands that act on one named target (render, sync,
 * preview, validate --target). loadConfig falls back to the default configuration then, whose one
 * target is `default`: looking a name up in it would say "no target 'prod'" of a file that has one, or
 * render, sync or preview the whole repository as `default`.
 */
export function requireValidConfig(loaded: LoadedConfig): void {
  const errors = loaded.findings.filter((f) => f.severity === 'error');
  const first = errors[0];
  if (!first) return;
  const more = errors.length > 1 ? ` (and ${errors.length - 1} more: ferry validate lists them)` : '';
  throw new InvalidConfigError(
    `${first.file}:${first.line}: ${first.message}${more}; fix ${loaded.file ?? first.file} first`,
  );
}
