import type { ExtractedTree } from '../source/source-tree.ts';
import type { ChangeSet, Finding, Target } from '../types.ts';
import type { FlowContext } from './flow-context.ts';
import { getSourceTree } from './get-source-tree.ts';
import { type ComparedFiles, listCompareFiles } from './list-compare-files.ts';

export interface PreviewInput {
  head: string;
  /** Base commit; undefined previews the head alone (a new branch). */
  base?: string;
  /** 'merge-base' renders the merge base (a PR, like GitHub's diff); 'exact' renders `base` itself (a push). */
  baseMode: 'merge-base' | 'exact';
  /** Force every target to be rendered, whatever the changed files (e.g. a forced push). */
  all?: boolean;
  defaultBranch: string;
  /**
   * Which of the head's targets to preview (those tracking the pushed branch). When given, the head
   * is fetched first and nothing more is fetched if no target matches.
   */
  targetFilter?: (target: Target) => boolean;
}

export interface PreviewResult {
  changeSets: ChangeSet[];
  /** The head's targets after `targetFilter`. */
  targets: Target[];
  /** The base actually rendered (the merge base for a PR). */
  baseSha?: string;
  /**
   * False when `.github/ferry.yml` has errors: loadConfig then falls back to a preview-only default
   * target, which must never be deployed.
   */
  configValid: boolean;
  /**
   * The base's targets (its own `.github/ferry.yml`), for what a PR must not decide for itself: whether
   * the cluster is asked for a live check. Absent without a base, or when the base's config has errors.
   */
  baseTargets?: Target[];
}

/**
 * Fetches head (and base) through the tarball endpoint, loads the head's `.github/ferry.yml` and
 * runs the one engine: render, validate, diff. Config findings are the engine's first change set
 * (a bad file is a finding on the PR, not a crash).
 */
export async function computePreview(flow: FlowContext, input: PreviewInput): Promise<PreviewResult> {
  const trees: ExtractedTree[] = [];
  const keep = (tree: ExtractedTree): ExtractedTree => {
    trees.push(tree);
    return tree;
  };
  try {
    let head: ExtractedTree;
    let base: ExtractedTree | undefined;
    let compared: ComparedFiles | undefined;
    let baseSha: string | undefined;
    let loaded: Awaited<ReturnType<FlowContext['deps']['loadConfig']>>;
    let targets: Target[];
    if (input.targetFilter) {
      // A push: most branches track no target, so read the head's config before fetching more.
      head = keep(await getSourceTree(flow, input.head));
      loaded = await flow.deps.loadConfig(head.root, { defaultBranch: input.defaultBranch });
      targets = loaded.config.targets.filter(input.targetFilter);
      if (targets.length === 0) return { changeSets: [], targets, configValid: isValid(loaded.findings) };
      compared = input.base ? await listCompareFiles(flow, input.base, input.head) : undefined;
      baseSha = resolveBase(input, compared);
      base = baseSha ? keep(await getSourceTree(flow, baseSha)) : undefined;
    } else {
      // A pull request: both sides are needed; fetch them at once.
      compared = input.base ? await listCompareFiles(flow, input.base, input.head) : undefined;
      baseSha = resolveBase(input, compared);
      [head, base] = await getBothTrees(flow, { head: input.head, base: baseSha, keep });
      loaded = await flow.deps.loadConfig(head.root, { defaultBranch: input.defaultBranch });
      targets = loaded.config.targets;
    }
    // The base is rendered with its own config, as it deploys (the engine pairs targets by name). It
    // also decides the live check (a PR cannot switch it on for itself); a broken one falls back to the
    // preview-only default, so it is not used for that.
    const baseConfig = base
      ? await flow.deps.loadConfig(base.root, { defaultBranch: input.defaultBranch })
      : undefined;
    const filter = input.targetFilter;
    const changeSets = await flow.deps.preview({
      baseRoot: base?.root,
      headRoot: head.root,
      config: { ...loaded.config, targets },
      // A push previews the targets tracking its branch, on both sides.
      baseConfig:
        baseConfig && filter
          ? {
              ...baseConfig,
              config: { ...baseConfig.config, targets: baseConfig.config.targets.filter(filter) },
            }
          : baseConfig,
      changedFiles: input.all || !compared ? 'all' : compared.files,
      configFindings: loaded.findings,
      // Submodules and links from each commit's tree listing, as ferry diff has them from git.
      baseLayout: base?.layout,
      headLayout: head.layout,
    });
    if (compared?.tooLarge && input.baseMode === 'merge-base' && input.base) {
      changeSets.push(comparedWithTip(input.base));
    }
    return {
      changeSets,
      targets,
      ...(baseSha ? { baseSha } : {}),
      configValid: isValid(loaded.findings),
      ...(baseConfig && isValid(baseConfig.findings) ? { baseTargets: baseConfig.config.targets } : {}),
    };
  } finally {
    await Promise.all(trees.map((t) => t.dispose()));
  }
}

function isValid(findings: readonly Finding[]): boolean {
  return !findings.some((f) => f.severity === 'error');
}

function resolveBase(input: PreviewInput, compared: ComparedFiles | undefined): string | undefined {
  if (!input.base) return undefined;
  // Without GitHub's comparison there is no merge base: the base branch's tip stands in for it.
  return input.baseMode === 'merge-base' ? (compared?.mergeBase ?? input.base) : input.base;
}

/** Says what a pull request's preview was diffed against when GitHub could not compare it. */
function comparedWithTip(base: string): ChangeSet {
  return {
    target: 'ferry',
    changes: [],
    summary: [],
    findings: [
      {
        rule: 'source',
        severity: 'warning',
        file: '',
        line: 0,
        message: `GitHub could not compare this pull request ("this diff is taking too long to generate"): every target was rendered against the base branch's tip ${base.slice(0, 7)} instead of the merge base, so a change made on the base branch since this branch forked shows as reverted`,
      },
    ],
    renderFailed: false,
  };
}

/** Both downloads at once; allSettled so a failure of one never leaks the other's temp dir. */
async function getBothTrees(
  flow: FlowContext,
  opts: { head: string; base: string | undefined; keep: (tree: ExtractedTree) => ExtractedTree },
): Promise<[ExtractedTree, ExtractedTree | undefined]> {
  const settled = await Promise.allSettled([
    getSourceTree(flow, opts.head),
    opts.base ? getSourceTree(flow, opts.base) : Promise.resolve(undefined),
  ]);
  for (const s of settled) if (s.status === 'fulfilled' && s.value) opts.keep(s.value);
  const rejected = settled.find((s) => s.status === 'rejected');
  if (rejected) throw rejected.reason;
  const [head, base] = settled as [
    PromiseFulfilledResult<ExtractedTree>,
    PromiseFulfilledResult<ExtractedTree | undefined>,
  ];
  return [head.value, base.value];
}

/** A preview that could not run at all (tarball too large, unsafe archive, GitHub error…). */
export function failedChangeSet(opts: { rule: string; message: string }): ChangeSet {
  return {
    target: 'ferry',
    changes: [],
    summary: [],
    findings: [{ rule: opts.rule, severity: 'error', file: '', line: 0, message: opts.message }],
    renderFailed: true,
  };
}
