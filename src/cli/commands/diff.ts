import { loadConfig } from '../../config/load-config.ts';
import { previewTargets } from '../../engine/preview-targets.ts';
import { openRenderCache } from '../../render/render-cache.ts';
import { formatJsonReport } from '../../report/format-json-report.ts';
import { formatTerminalDiff } from '../../report/format-terminal-diff.ts';
import { renderComment } from '../../report/render-comment.ts';
import { listChangedFiles } from '../../source/list-changed-files.ts';
import { listUncommittedFiles, type UncommittedFiles } from '../../source/list-uncommitted-files.ts';
import { openGitRevisions } from '../../source/open-git-revision.ts';
import { GitCommandError } from '../../source/source-errors.ts';
import type { ExtractedTree } from '../../source/source-tree.ts';
import { noteUnrenderedUnits } from '../note-unrendered-units.ts';
import { oneOf, parseArgs, requireOption } from '../parse-args.ts';
import { resolveRepoDir } from '../resolve-repo.ts';
import { UsageError } from '../usage-error.ts';
import { printJson } from '../write-pieces.ts';

const HELP = `usage: ferry diff --base REF --head REF [--repo DIR] [--format text|markdown|json] [--all] [--color|--no-color]

Previews what merging HEAD into BASE would do: renders the affected targets at both revisions of
a local git repository (without touching its working tree), validates the head and diffs them.
Each side is rendered with its own .github/ferry.yml; targets are paired by name.
  --format text      coloured terminal diff (default)
  --format markdown  exactly the comment body the GitHub App posts
  --format json      {"targets": [{"name", "changes", "summary"}], "findings": [{…, "targets"}]}
  --all              render every target, not only those whose inputs changed

Exit status: 0 no errors (warnings allowed), 1 errors found, 2 usage or I/O problem.`;

export async function diffCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs(argv, {
    base: { type: 'string' },
    head: { type: 'string' },
    repo: { type: 'string' },
    format: { type: 'string' },
    all: { type: 'boolean' },
    color: { type: 'boolean' },
    'no-color': { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const base = requireOption('base', values.base, 'the revision to compare against, e.g. main');
  const head = requireOption('head', values.head, 'the revision with the change, e.g. HEAD or a branch');
  const format = oneOf('format', values.format, ['text', 'markdown', 'json'] as const, 'text');
  const repoDir = resolveRepoDir(values.repo);
  const trees: ExtractedTree[] = [];
  // Alongside the diff: whether the working tree holds changes the diff, reading commits, leaves out.
  const uncommitted = listUncommittedFiles(repoDir);
  try {
    // Both revisions through one git reader; on any failure neither tree is left behind.
    const opened = await openGitRevisions({ repoDir, revisions: [base, head] }).catch((err: unknown) => {
      // git runs with LC_ALL=C (gitEnv), so its words are these.
      if (err instanceof GitCommandError && /not a git repository/.test(err.stderr)) {
        // Told to pass --repo when it was passed, the user is left with nothing to try.
        throw new UsageError(
          values.repo === undefined
            ? `${repoDir} is not in a git repository; run ferry diff inside one, or pass --repo DIR`
            : `--repo ${values.repo} is not a git repository (nor inside one), and ferry diff reads --base and --head from git: use a clone of the repository (git clone), or make this folder one (git init, then commit)`,
        );
      }
      throw err;
    });
    trees.push(...opened.trees);
    const [baseTree, headTree] = trees as [ExtractedTree, ExtractedTree];
    const baseSha = baseTree.revision;
    const headSha = headTree.revision;
    // Each side with its own config: the base is rendered as the base revision deploys it.
    const [{ config, findings: configFindings, file: configFile }, baseConfig] = await Promise.all([
      loadConfig(headTree.root),
      loadConfig(baseTree.root),
    ]);
    if (!configFile) await noteUnrenderedUnits(headTree.root, 'diff');
    const changedFiles = values.all
      ? 'all'
      : (opened.changedFiles ?? (await listChangedFiles({ repoDir, base: baseSha, head: headSha })));
    const changeSets = await previewTargets({
      baseRoot: baseTree.root,
      headRoot: headTree.root,
      config,
      baseConfig,
      changedFiles,
      configFindings,
      renderCache: openRenderCache(),
      baseLayout: baseTree.layout,
      headLayout: headTree.layout,
    });

    if (format === 'json') {
      await printJson(formatJsonReport(changeSets));
    } else if (format === 'text' && changeSets.length === 0) {
      console.log(
        `No targets affected: nothing between ${baseSha.slice(0, 7)} and ${headSha.slice(0, 7)} is an input of a target in .github/ferry.yml (--all renders every target).`,
      );
    } else if (format === 'markdown') {
      console.log(renderComment({ headSha, baseSha, changeSets }));
    } else {
      const color = values['no-color']
        ? false
        : (values.color ?? (process.stdout.isTTY && !process.env.NO_COLOR));
      console.log(formatTerminalDiff(changeSets, { color: Boolean(color) }));
    }
    const note = describeUncommitted(headSha, await uncommitted);
    if (note) console.error(note);
    const failed = changeSets.some(
      (cs) => cs.renderFailed || cs.findings.some((f) => f.severity === 'error'),
    );
    return failed ? 1 : 0;
  } finally {
    await Promise.all(trees.map((t) => t.dispose()));
  }
}

/**
 * A note for a head that is the checked-out commit while the working tree has uncommitted changes:
 * `argocd app diff --local` and `flux diff` read local files, ferry diff reads commits only, and
 * without this it said "No targets affected" of a change not yet committed. Any change counts, not
 * only a target's inputs: telling them apart would render every target.
 */
function describeUncommitted(headSha: string, status: UncommittedFiles | undefined): string | undefined {
  if (!status || status.head !== headSha || status.files.length === 0) return undefined;
  const n = status.files.length;
  const them = n === 1 ? 'it' : 'them';
  return `note: ferry diff compares commits, and ${n} ${n === 1 ? 'file' : 'files'} with uncommitted changes (staged, unstaged or untracked) ${n === 1 ? 'is' : 'are'} not in it; commit ${them} to include ${them} (or stash ${them})`;
}
