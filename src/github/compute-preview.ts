import type { SourceTree } from '../source/source-tree.ts';
import type { ChangeSet, Finding, Target } from '../types.ts';
import type { FlowContext } from './flow-context.ts';
import { getSourceTree } from './get-source-tree.ts';
import { listCompareFiles } from './list-compare-files.ts';

export interface PreviewInput {
  head: string;
  /** Base commit; undefined previews the head alone (a new branch). */
  base?: string;
  /** 'merge-base' renders the merge base (a PR, like GitHub's diff); 'exact' renders `base` itself (a push). */
  baseMode: 'merge-base' | 'exact';
  /** Force every target to be rendered, whatever the changed files (e.g. a forced push). */
  all?: boolean;
  defaultBranch: string;
  /** Which of the head's targets to preview (e.g. those tracking the pushed branch). */
  targetFilter?: (target: Target) => boolean;
}

export interface PreviewResult {
  changeSets: ChangeSet[];
  /** The head's targets after `targetFilter`. */
  targets: Target[];
  /** The base actually rendered (the merge base for a PR). */
  baseSha?: string;
}

/**
 * Fetches head (and base) through the tarball endpoint, loads the head's `.github/ferry.yml` and
 * runs the one engine: render, validate, diff. Config findings come first, as their own change set
 * named after the config file (a bad file is a finding on the PR, not a crash).
 */
export async function computePreview(flow: FlowContext, input: PreviewInput): Promise<PreviewResult> {
  const trees: SourceTree[] = [];
  try {
    const compared = input.base ? await listCompareFiles(flow, input.base, input.head) : undefined;
    const baseSha = input.base && (input.baseMode === 'merge-base' ? compared?.mergeBase : input.base);
    // Both downloads at once; allSettled so a failure of one never leaks the other's temp dir.
    const settled = await Promise.allSettled([
      getSourceTree(flow, input.head),
      baseSha ? getSourceTree(flow, baseSha) : Promise.resolve(undefined),
    ]);
    for (const s of settled) if (s.status === 'fulfilled' && s.value) trees.push(s.value);
    const rejected = settled.find((s) => s.status === 'rejected');
    if (rejected) throw rejected.reason;
    const head = trees[0] as SourceTree;
    const base = baseSha ? trees[1] : undefined;
    const loaded = await flow.deps.loadConfig(head.root, { defaultBranch: input.defaultBranch });
    const targets = loaded.config.targets.filter(input.targetFilter ?? (() => true));
    const changeSets =
      targets.length === 0
        ? []
        : await flow.deps.preview({
            baseRoot: base?.root,
            headRoot: head.root,
            config: { ...loaded.config, targets },
            changedFiles: input.all || !compared ? 'all' : compared.files,
          });
    const configSet = configChangeSet(loaded.findings, loaded.file);
    return {
      changeSets: configSet ? [configSet, ...changeSets] : changeSets,
      targets,
      ...(baseSha ? { baseSha } : {}),
    };
  } finally {
    await Promise.all(trees.map((t) => t.dispose()));
  }
}

function configChangeSet(findings: Finding[], file: string | undefined): ChangeSet | undefined {
  if (findings.length === 0) return undefined;
  return {
    target: file ?? '.github/ferry.yml',
    changes: [],
    summary: [],
    findings,
    renderFailed: findings.some((f) => f.severity === 'error'),
  };
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
