import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { diffResources } from '../diff/diff-resources.ts';
import { redactCredentials } from '../diff/redact-credentials.ts';
import { ParsedDocuments } from '../manifest/parse-manifests.ts';
import { listTargetInputs } from '../render/list-target-inputs.ts';
import { type RenderCache, renderTargetCached, storeRender } from '../render/render-cache.ts';
import { selectAffectedTargets } from '../render/select-affected-targets.ts';
import type { ChangeSet, FerryConfig, Finding, Target } from '../types.ts';
import { checkTarget } from './check-target.ts';

export interface PreviewOptions {
  /** The base revision's tree; undefined when there is none (a new repository). */
  baseRoot: string | undefined;
  headRoot: string;
  /** The head revision's config: a PR that edits ferry.yml is previewed with its own config. */
  config: FerryConfig;
  /** Files the change touches (repo-relative), or 'all' when unknown (too many, or a first push). */
  changedFiles: string[] | 'all';
  /** Problems with `.github/ferry.yml` itself: reported as their own change set, first. */
  configFindings?: Finding[];
  /**
   * Keeps renders between runs (openRenderCache): the base of the next push is then not rendered, nor
   * the base of a later change whose inputs equal this head's (the next pull request after a merge).
   */
  renderCache?: RenderCache;
}

/**
 * What merging a change would do, per affected target: render base and head with the one engine,
 * validate head, diff them. Only targets whose inputs changed are rendered, so the cost of a PR
 * grows with what it touches, not with the size of the repository.
 */
export async function previewTargets(opts: PreviewOptions): Promise<ChangeSet[]> {
  const sets: ChangeSet[] = [];
  if (opts.configFindings && opts.configFindings.length > 0) {
    sets.push({
      target: '.github/ferry.yml',
      changes: [],
      summary: [],
      findings: opts.configFindings,
      renderFailed: false,
    });
  }
  for (const target of await listAffected(opts)) {
    sets.push(await previewTarget(target, opts));
  }
  return sets;
}

async function listAffected(opts: PreviewOptions): Promise<Target[]> {
  if (opts.changedFiles === 'all') return opts.config.targets;
  const inputsByTarget = new Map<string, string[]>();
  for (const target of opts.config.targets) {
    // Inputs of both sides: a base an overlay stopped using still affects it.
    const head = await listTargetInputs({ root: opts.headRoot, target });
    const base =
      opts.baseRoot && existsSync(join(opts.baseRoot, target.path))
        ? await listTargetInputs({ root: opts.baseRoot, target })
        : [];
    inputsByTarget.set(target.name, [...new Set([...head, ...base])]);
  }
  return selectAffectedTargets({
    targets: opts.config.targets,
    changedFiles: opts.changedFiles,
    inputsByTarget,
  });
}

async function previewTarget(target: Target, opts: PreviewOptions): Promise<ChangeSet> {
  const baseExists = opts.baseRoot !== undefined && existsSync(join(opts.baseRoot, target.path));
  // A document with the same text on both sides is read once and its object shared: most of a target
  // is untouched by a change, and diffResources then sees the same object on both sides.
  const documents = new ParsedDocuments();
  // Both sides at once: the kubectl/helm children of base and head run in parallel.
  const [head, base] = await Promise.all([
    checkTarget({
      root: opts.headRoot,
      target,
      kubernetesVersion: opts.config.kubernetesVersion,
      ruleConfig: opts.config.rules,
      documents,
    }),
    baseExists && opts.baseRoot
      ? renderTargetCached({
          root: opts.baseRoot,
          target,
          kubernetesVersion: opts.config.kubernetesVersion,
          cache: opts.renderCache,
          // Only the head is validated: the base's field lines would never be read.
          fieldLines: false,
          documents,
        })
      : undefined,
  ]);
  if (!head.failed && head.renderer) {
    await storeRender({
      root: opts.headRoot,
      target,
      kubernetesVersion: opts.config.kubernetesVersion,
      cache: opts.renderCache,
      result: { renderer: head.renderer, resources: head.resources },
    });
  }
  // A base that no longer renders (or a head that fails) gives no trustworthy diff: say so, don't guess.
  // Only the head's failure is a failed render: the head is what a merge applies, so a change that
  // fixes a broken base passes and deploys.
  const baseFailed = base?.failed ?? false;
  const { changes, summary } =
    head.failed || baseFailed
      ? { changes: [], summary: [] }
      : diffResources({ target: target.name, base: base?.resources ?? [], head: head.resources });
  const findings = baseFailed
    ? [
        ...head.findings,
        // The base's breakage is not this change's fault: a warning, so a PR that fixes it can pass.
        ...(base?.findings ?? []).map((f) => ({
          ...f,
          severity: 'warning' as const,
          message: `base revision does not render, so no diff is shown: ${redactCredentials(f.message)}`,
        })),
      ]
    : head.findings;
  return {
    target: target.name,
    changes,
    summary,
    findings,
    renderFailed: head.failed,
    ...(baseFailed && !head.failed ? { baseFailed: true } : {}),
  };
}
