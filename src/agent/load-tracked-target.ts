import { parseConfig } from '../config/parse-config.ts';
import type { Target } from '../types.ts';
import type { AgentGitHub } from './agent-github.ts';

export type TrackedTarget =
  | { ok: true; target: Target; defaultBranch: string }
  | { ok: false; message: string };

/**
 * The target as the repository's `.github/ferry.yml` on its default branch defines it: the branch the
 * agent verifies revisions against comes from there, never from the Sync a signal sender wrote.
 */
export async function loadTrackedTarget(
  github: AgentGitHub,
  opts: { repository: string; target: string },
): Promise<TrackedTarget> {
  const { defaultBranch, text } = await github.getDefaultConfig({ repository: opts.repository });
  const where = `.github/ferry.yml on ${defaultBranch} (the default branch of ${opts.repository})`;
  if (text === undefined)
    return { ok: false, message: `${where} does not exist: the agent deploys only what it configures` };
  const { config, findings } = parseConfig(text, { defaultBranch });
  const error = findings.find((f) => f.severity === 'error');
  if (error) return { ok: false, message: `${where}:${error.line}: ${error.message}` };
  const target = config.targets.find((t) => t.name === opts.target);
  if (!target) {
    const known = config.targets.map((t) => t.name).join(', ') || 'none';
    return { ok: false, message: `target ${opts.target} is not in ${where} (targets: ${known})` };
  }
  return { ok: true, target, defaultBranch };
}
