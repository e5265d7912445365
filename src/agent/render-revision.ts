import type { Finding, Resource, Target } from '../types.ts';
import type { CheckTarget, FetchRevision, LoadConfig } from './agent-deps.ts';

/** A target rendered at one revision, from the config in that revision (Git is the source of truth). */
export interface RenderedRevision {
  repository: string;
  revision: string;
  target: Target;
  resources: Resource[];
  findings: Finding[];
  failed: boolean;
}

export type RenderOutcome = { ok: true; rendered: RenderedRevision } | { ok: false; message: string };

/** The last few renders, so a resync does not fetch the same tarball again. */
export class RenderCache {
  private readonly entries = new Map<string, RenderedRevision>();
  constructor(private readonly size = 4) {}

  private key(repository: string, revision: string, target: string): string {
    return `${repository}@${revision}#${target}`;
  }

  get(repository: string, revision: string, target: string): RenderedRevision | undefined {
    const key = this.key(repository, revision, target);
    const hit = this.entries.get(key);
    if (hit) {
      this.entries.delete(key);
      this.entries.set(key, hit);
    }
    return hit;
  }

  set(rendered: RenderedRevision): void {
    const key = this.key(rendered.repository, rendered.revision, rendered.target.name);
    this.entries.delete(key);
    this.entries.set(key, rendered);
    while (this.entries.size > this.size) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
  }
}

function formatFinding(f: Finding): string {
  return `${f.file}:${f.line} ${f.rule}: ${f.message}`;
}

/** Summary of the errors that block an apply (the first few; the PR check has them all). */
export function formatBlockingFindings(findings: readonly Finding[], max = 5): string {
  const errors = findings.filter((f) => f.severity === 'error');
  const shown = errors.slice(0, max).map(formatFinding);
  const more = errors.length > max ? ` (and ${errors.length - max} more)` : '';
  return `${errors.length} error(s) block the apply: ${shown.join('; ')}${more}`;
}

/** Fetch the revision, read `.github/ferry.yml` from it, pick the target, render and validate it. */
export async function renderRevision(
  deps: { fetchRevision: FetchRevision; loadConfig: LoadConfig; check: CheckTarget; cache: RenderCache },
  opts: { repository: string; revision: string; targetName: string },
): Promise<RenderOutcome> {
  const cached = deps.cache.get(opts.repository, opts.revision, opts.targetName);
  if (cached) return { ok: true, rendered: cached };
  const tree = await deps.fetchRevision({ repository: opts.repository, revision: opts.revision });
  try {
    const { config, findings: configFindings } = await deps.loadConfig(tree.root);
    const configErrors = configFindings.filter((f) => f.severity === 'error');
    if (configErrors.length > 0)
      return { ok: false, message: `.github/ferry.yml: ${formatBlockingFindings(configErrors)}` };
    const target = config.targets.find((t) => t.name === opts.targetName);
    if (!target) {
      return {
        ok: false,
        message: `target '${opts.targetName}' is not in .github/ferry.yml at ${opts.revision.slice(0, 12)}`,
      };
    }
    const result = await deps.check({
      root: tree.root,
      target,
      kubernetesVersion: config.kubernetesVersion,
      ruleConfig: config.rules,
    });
    const rendered: RenderedRevision = {
      repository: opts.repository,
      revision: opts.revision,
      target,
      ...result,
    };
    // Renders are deterministic for a revision; failed ones are cached too (a resync would fail the same way).
    deps.cache.set(rendered);
    return { ok: true, rendered };
  } finally {
    await tree.dispose();
  }
}
