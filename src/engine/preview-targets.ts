import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { diffResources } from '../diff/diff-resources.ts';
import { redactCredentials } from '../diff/redact-credentials.ts';
import { ParsedDocuments } from '../manifest/parse-manifests.ts';
import { listTargetInputs } from '../render/list-target-inputs.ts';
import { type RenderCache, renderTargetCached, storeRender } from '../render/render-cache.ts';
import type { RenderTargetOptions } from '../render/render-target.ts';
import { selectAffectedTargets } from '../render/select-affected-targets.ts';
import { findLinkAlong } from '../source/plan-link-copies.ts';
import type { TreeLayout } from '../source/source-tree.ts';
import type { ChangeSet, FerryConfig, Finding, Target } from '../types.ts';
import { checkTarget } from './check-target.ts';
import { describeInvalidConfig } from './describe-invalid-config.ts';
import { describeSubmodulePath, findSubmoduleOf } from './describe-submodule-path.ts';
import { pairTargets, type TargetPair } from './pair-targets.ts';

export interface PreviewOptions {
  /** The base revision's tree; undefined when there is none (a new repository). */
  baseRoot: string | undefined;
  headRoot: string;
  /** The head revision's config: its targets are validated, and are what a merge deploys. */
  config: FerryConfig;
  /**
   * The base revision's config as loaded from `baseRoot` (loadConfig: without a file, the default
   * config). The base side of each target is rendered with these settings (path, helm values,
   * namespace…), as that revision deploys it; targets are paired by name. A config with errors deploys
   * nothing, so its base side is empty (and a warning says so). Undefined when there is no base.
   */
  baseConfig: { config: FerryConfig; findings: readonly Finding[] } | undefined;
  /** Files the change touches (repo-relative), or 'all' when unknown (too many, or a first push). */
  changedFiles: string[] | 'all';
  /**
   * Problems with `.github/ferry.yml` itself: reported as their own change set, first. When one is an
   * error, `config` is the default fallback, and no target is previewed (describeInvalidConfig).
   */
  configFindings?: Finding[];
  /**
   * Keeps renders between runs (openRenderCache): the base of the next push is then not rendered, nor
   * the base of a later change whose inputs equal this head's (the next pull request after a merge).
   */
  renderCache?: RenderCache;
  /**
   * The submodules and links of each revision when its tree was written from git without them
   * (ExtractedTree.layout): a target in a submodule is not rendered but warned of, and one whose path
   * runs through a link to a kustomization fails as `ferry validate` says it does.
   */
  baseLayout?: TreeLayout;
  headLayout?: TreeLayout;
}

/**
 * What merging a change would do, per affected target: render base (with the base's config) and head
 * (with the head's) with the one engine, validate head, diff them. Only targets whose inputs or
 * settings changed are rendered, so the cost of a PR grows with what it touches, not with the size of
 * the repository.
 */
export async function previewTargets(opts: PreviewOptions): Promise<ChangeSet[]> {
  const sets: ChangeSet[] = [];
  const baseConfigValid = opts.baseConfig !== undefined && !hasErrors(opts.baseConfig.findings);
  // A head config with errors stands for the default one (the whole repository): none is previewed.
  const invalid = describeInvalidConfig(opts.configFindings ?? []);
  const configFindings = [
    ...(opts.configFindings ?? []),
    ...(invalid ? [invalid] : []),
    ...(opts.baseConfig && !baseConfigValid && !invalid
      ? [describeInvalidBaseConfig(opts.baseConfig.findings)]
      : []),
  ];
  if (configFindings.length > 0) {
    sets.push({
      target: '.github/ferry.yml',
      changes: [],
      summary: [],
      findings: configFindings,
      renderFailed: false,
    });
  }
  if (invalid) return sets;
  const pairs = pairTargets({
    base: baseConfigValid ? opts.baseConfig?.config : undefined,
    head: opts.config,
  });
  for (const pair of await listAffected(pairs, opts)) {
    sets.push(await previewTarget(pair, opts));
  }
  return sets;
}

function hasErrors(findings: readonly Finding[]): boolean {
  return findings.some((f) => f.severity === 'error');
}

/**
 * One warning for a base whose config has errors. Its lines are the base's, not the head's, so it is
 * not placed on the file (an annotation would point at the head's line).
 */
function describeInvalidBaseConfig(findings: readonly Finding[]): Finding {
  const first = findings.find((f) => f.severity === 'error');
  const where = first?.file ? `${first.file}:${first.line}` : '.github/ferry.yml';
  return {
    rule: 'config',
    severity: 'warning',
    file: '',
    line: 0,
    message: `the base revision's ${where} has errors (${first?.message ?? 'unreadable'}); nothing deploys from such a config, so the base side is empty and every target shows as added`,
  };
}

async function listAffected(pairs: TargetPair[], opts: PreviewOptions): Promise<TargetPair[]> {
  if (opts.changedFiles === 'all') return pairs;
  const changedFiles = opts.changedFiles;
  const affected: TargetPair[] = [];
  for (const pair of pairs) {
    // A changed entry (or a target added or removed) changes what is deployed whatever the files say.
    if (pair.settingsChanged) {
      affected.push(pair);
      continue;
    }
    // Inputs of both sides: a base an overlay stopped using still affects it.
    const head = pair.head ? await listTargetInputs({ root: opts.headRoot, target: pair.head }) : [];
    const base =
      pair.base && opts.baseRoot && existsSync(join(opts.baseRoot, pair.base.path))
        ? await listTargetInputs({ root: opts.baseRoot, target: pair.base })
        : [];
    const target = (pair.head ?? pair.base) as Target;
    // A submodule's files are not in the tree: its gitlink changing (a bump) is the change.
    const submodules = [submoduleOf(pair.head, opts.headLayout), submoduleOf(pair.base, opts.baseLayout)];
    if (submodules.some((s) => s !== undefined && changedFiles.includes(s.submodule))) {
      affected.push(pair);
      continue;
    }
    const selected = selectAffectedTargets({
      targets: [target],
      changedFiles,
      inputsByTarget: new Map([[target.name, [...new Set([...head, ...base])]]]),
    });
    if (selected.length > 0) affected.push(pair);
  }
  return affected;
}

/** What the target's removal from the config does: Ferry stops deploying it and prunes nothing of it. */
const REMOVED_TARGET_KEPT = 'its target is no longer in .github/ferry.yml';

/** The target's path and the submodule it is in at a revision, if it is in one. */
function submoduleOf(
  target: Target | undefined,
  layout: TreeLayout | undefined,
): { path: string; submodule: string } | undefined {
  const submodule = target && layout ? findSubmoduleOf(target.path, layout.submodules) : undefined;
  return target && submodule ? { path: target.path, submodule } : undefined;
}

/**
 * The links along a path in a tree written without them (renderTarget refuses a path through a link to
 * a kustomization, as `ferry validate` does on a checkout); undefined when the tree has none.
 */
function linksOf(layout: TreeLayout | undefined): RenderTargetOptions['links'] {
  if (!layout || layout.links.length === 0) return undefined;
  return (path) => findLinkAlong(path, layout.links);
}

async function previewTarget(pair: TargetPair, opts: PreviewOptions): Promise<ChangeSet> {
  const inHead = submoduleOf(pair.head, opts.headLayout);
  const inBase = submoduleOf(pair.base, opts.baseLayout);
  if (inHead || inBase) {
    // An empty folder stands for the submodule: rendering it would show nothing, or everything removed.
    return {
      target: pair.name,
      changes: [],
      summary: [],
      findings: [
        describeSubmodulePath({ name: pair.name, headTarget: pair.head, head: inHead, base: inBase }),
      ],
      renderFailed: false,
      ...(pair.head ? {} : { targetRemoved: true }),
    };
  }
  const baseConfig = opts.baseConfig?.config;
  const baseTarget =
    pair.base && opts.baseRoot && existsSync(join(opts.baseRoot, pair.base.path)) ? pair.base : undefined;
  // A document with the same text on both sides is read once and its object shared: most of a target
  // is untouched by a change, and diffResources then sees the same object on both sides.
  const documents = new ParsedDocuments();
  // Both sides at once: the kubectl/helm children of base and head run in parallel.
  const [head, base] = await Promise.all([
    pair.head
      ? checkTarget({
          root: opts.headRoot,
          target: pair.head,
          kubernetesVersion: opts.config.kubernetesVersion,
          ruleConfig: opts.config.rules,
          documents,
          links: linksOf(opts.headLayout),
        })
      : undefined,
    baseTarget && baseConfig && opts.baseRoot
      ? renderTargetCached({
          root: opts.baseRoot,
          target: baseTarget,
          kubernetesVersion: baseConfig.kubernetesVersion,
          cache: opts.renderCache,
          // Only the head is validated: the base's field lines would never be read.
          fieldLines: false,
          documents,
          links: linksOf(opts.baseLayout),
        })
      : undefined,
  ]);
  if (pair.head && head && !head.failed && head.renderer) {
    await storeRender({
      root: opts.headRoot,
      target: pair.head,
      kubernetesVersion: opts.config.kubernetesVersion,
      cache: opts.renderCache,
      result: { renderer: head.renderer, resources: head.resources },
    });
  }
  const headFailed = head?.failed ?? false;
  // A base that no longer renders (or a head that fails) gives no trustworthy diff: say so, don't guess.
  // Only the head's failure is a failed render: the head is what a merge applies, so a change that
  // fixes a broken base passes and deploys.
  const baseFailed = base?.failed ?? false;
  const diffed =
    headFailed || baseFailed
      ? { changes: [], summary: [] }
      : diffResources({ target: pair.name, base: base?.resources ?? [], head: head?.resources ?? [] });
  // A target the head no longer has is not deployed or pruned any more (the agent refuses a target
  // its config lacks): its resources are removed from Git but stay in the cluster.
  const changes = pair.head
    ? diffed.changes
    : diffed.changes.map((c) => (c.action === 'removed' ? { ...c, kept: REMOVED_TARGET_KEPT } : c));
  const findings = baseFailed
    ? withBaseFindings(head?.findings ?? [], base?.findings ?? [])
    : (head?.findings ?? []);
  return {
    target: pair.name,
    changes,
    summary: diffed.summary,
    findings,
    renderFailed: headFailed,
    ...(baseFailed && !headFailed ? { baseFailed: true } : {}),
    ...(pair.head ? {} : { targetRemoved: true }),
  };
}

/**
 * A failed base's findings beside the head's. The base's breakage is not this change's fault: a warning,
 * so a PR that fixes it can pass. One the head repeats (same rule, file, line and message: a base and
 * head that fail for the same reason) is not said twice at one place: the head's finding, which is what
 * the merge would deploy and what blocks it, says the base fails the same way, as a reviewer of an
 * Atlantis plan or an Argo CD diff wants to know whether a change broke the render or found it broken.
 */
function withBaseFindings(head: readonly Finding[], base: readonly Finding[]): Finding[] {
  const same = (a: Finding, b: Finding) =>
    a.rule === b.rule && a.file === b.file && a.line === b.line && a.message === b.message;
  const baseOnly: Finding[] = [];
  const repeated = new Set<Finding>();
  for (const f of base) {
    const redacted = { ...f, message: redactCredentials(f.message) };
    const match = head.find((h) => same(h, redacted));
    if (match) repeated.add(match);
    else
      baseOnly.push({
        ...redacted,
        severity: 'warning',
        message: `base revision does not render, so no diff is shown: ${redacted.message}`,
      });
  }
  return [
    ...head.map((f) =>
      repeated.has(f)
        ? {
            ...f,
            message: `${f.message} (the base revision does not render for the same reason, so no diff is shown)`,
          }
        : f,
    ),
    ...baseOnly,
  ];
}
