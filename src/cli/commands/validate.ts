import { availableParallelism } from 'node:os';
import { loadConfig } from '../../config/load-config.ts';
import { checkPathsIn, checkTargets } from '../../engine/check-targets.ts';
import { describeInvalidConfig } from '../../engine/describe-invalid-config.ts';
import { getInputBytes } from '../../engine/get-input-bytes.ts';
import { planWorkers, WORKER_MIN_INPUT_BYTES } from '../../engine/plan-workers.ts';
import { mergeFindings } from '../../report/merge-findings.ts';
import type { Finding } from '../../types.ts';
import { findingLines } from '../format-findings.ts';
import { notePathUnits, noteUnrenderedUnits } from '../note-unrendered-units.ts';
import { oneOf, parseArgs } from '../parse-args.ts';
import { requireValidConfig } from '../require-valid-config.ts';
import { resolvePaths, resolveWorkTree } from '../resolve-repo.ts';
import { isStreamPath, readStreamPaths, type StreamFiles } from '../stream-paths.ts';
import { UsageError } from '../usage-error.ts';
import { linesOf, printJson, writePieces } from '../write-pieces.ts';

const HELP = `usage: ferry validate [PATH...] [--repo DIR] [--target NAME] [--format text|json] [--color|--no-color]

Renders and validates Kubernetes manifests. With no PATH, every target of the repository's
.github/ferry.yml (or the repo root when there is none), the repository being --repo, else the
working directory's git root (from any folder of it), else the working directory; with PATHs, those files and
directories (kustomize dirs, Helm charts and plain YAML/JSON are detected). PATHs are read
inside --repo when it is given; otherwise any path works and its git root is the repository.
PATH - reads standard input (helm template . | ferry validate -), as do a pipe named by
path (ferry validate <(kustomize build overlays/prod)) and /dev/stdin; such streams are plain YAML, checked
with the settings of --repo (default: the working directory's repository), and are given
without other PATHs.

Large inputs are checked in worker threads, one target each (the PATHs are one set), whose
capped heaps keep memory down; FERRY_WORKERS=1 keeps everything on one thread, FERRY_WORKERS=N
asks for N workers.

Exit status: 0 no errors (warnings allowed), 1 errors found, 2 usage or I/O problem.`;

export async function validateCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs(
    argv,
    {
      repo: { type: 'string' },
      target: { type: 'string', multiple: true },
      format: { type: 'string' },
      color: { type: 'boolean' },
      'no-color': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    true,
  );
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const format = oneOf('format', values.format, ['text', 'json'] as const, 'text');
  if (positionals.length > 0 && values.target)
    throw new UsageError('give either PATHs or --target, not both');
  const streams = positionals.filter((p) => isStreamPath(p));
  if (streams.length > 0) {
    if (streams.length < positionals.length)
      throw new UsageError(
        `${streams[0] === '-' ? 'standard input (-)' : streams[0]} is a stream: validate it in a run of its own, without other PATHs`,
      );
    const files = await readStreamPaths(streams);
    try {
      // The streams' files are the PATHs, checked with the settings of --repo, else of the working
      // directory's repository; their findings name them as the user did.
      return await validate({
        values,
        format,
        located: { root: files.root, paths: files.paths, given: files.given },
        settingsRoot: resolveWorkTree(values.repo),
        streams: files,
      });
    } finally {
      await files.dispose();
    }
  }
  const located = positionals.length > 0 ? resolvePaths(positionals, values.repo) : undefined;
  return validate({ values, format, located, settingsRoot: located?.root ?? resolveWorkTree(values.repo) });
}

/** Checks the PATHs (`located`), else the targets, with the settings of `settingsRoot`'s configuration. */
async function validate(opts: {
  values: { target?: string[]; color?: boolean; 'no-color'?: boolean };
  format: 'text' | 'json';
  located: { root: string; paths: string[]; given: string[] } | undefined;
  settingsRoot: string;
  /** Set when the PATHs are streams written to files. */
  streams?: StreamFiles;
}): Promise<number> {
  const { values, located, streams } = opts;
  const root = opts.settingsRoot;
  const loaded = await loadConfig(root);
  // A target named in a file with errors cannot be found: the fallback's one target is `default`.
  if (values.target) requireValidConfig(loaded);
  const { config, findings: configFindings, file: configFile } = loaded;
  if (!located && !configFile) await noteUnrenderedUnits(root, 'validate');
  let noted = false;
  if (!streams) {
    for (const [i, path] of (located?.paths ?? []).entries()) {
      if (await notePathUnits({ root, path, given: located?.given[i] ?? path })) noted = true;
    }
  }

  let resources = 0;
  // Per target, so identical findings of several targets (one base file in staging and prod) merge.
  const sets: { target: string; findings: Finding[] }[] = [{ target: '', findings: [...configFindings] }];
  if (located) {
    const result = await checkPathsIn({
      root: located.root,
      paths: located.paths,
      kubernetesVersion: config.kubernetesVersion,
      ruleConfig: config.rules,
      // The paths are one set: one worker at most, for its capped heap.
      workers: workersFor({ root: located.root, paths: located.paths, sets: 1 }),
    });
    resources += result.checked;
    sets.push({ target: '', findings: streams ? streams.rename(result.findings) : result.findings });
    // Unless the folders left out were named already: those are what to validate instead.
    if (result.checked === 0 && result.findings.length === 0 && !noted)
      noteNothingValidated(located.given, streams !== undefined);
  } else {
    // A config with errors stands for the default one (the whole repository): no target is checked.
    const invalid = describeInvalidConfig(configFindings);
    if (invalid) sets[0]?.findings.push(invalid);
    const wanted = values.target ?? (invalid ? [] : config.targets.map((t) => t.name));
    const targets = wanted.map((name) => {
      const target = config.targets.find((t) => t.name === name);
      if (!target) {
        throw new UsageError(
          `no target '${name}' in .github/ferry.yml (targets: ${config.targets.map((t) => t.name).join(', ')})`,
        );
      }
      return target;
    });
    const checked = await checkTargets({
      root,
      targets,
      kubernetesVersion: config.kubernetesVersion,
      ruleConfig: config.rules,
      workers: workersFor({ root, paths: targets.map((t) => t.path), sets: targets.length }),
    });
    for (const result of checked) {
      resources += result.checked;
      sets.push({ target: result.target, findings: result.findings });
    }
  }
  const merged = mergeFindings(sets).map(({ finding, targets }) => ({
    ...finding,
    targets: targets.filter((t) => t !== ''),
  }));
  // Naming the target only helps when there are several.
  const named = sets.filter((set) => set.target !== '').length > 1;

  const shown = named ? merged : merged.map((f) => ({ ...f, targets: [] }));
  return report({ findings: shown, resources, format: opts.format, color: colorOf(values) });
}

/**
 * On stderr, when the PATHs held no resource: a mistyped folder, or a producer piped in that failed
 * (`helm template … | ferry validate -` without pipefail), would otherwise pass as "0 resources".
 */
function noteNothingValidated(given: readonly string[], streams: boolean): void {
  const named = given.map((p) => (p === '-' ? 'standard input' : p)).join(', ');
  console.error(
    streams
      ? `note: no Kubernetes resources in ${named}: nothing was validated; if a command feeds it, set -o pipefail so that its failure fails the job`
      : `note: no Kubernetes resources in ${named}: nothing was validated (a folder's .yaml, .yml and .json files are read)`,
  );
}

/** Whether text output is coloured: --color/--no-color, else a terminal without NO_COLOR. */
function colorOf(values: { color?: boolean; 'no-color'?: boolean }): boolean {
  if (values['no-color']) return false;
  return Boolean(values.color ?? (process.stdout.isTTY && !process.env.NO_COLOR));
}

/** Prints the findings as text or JSON; the exit status: 1 when any is an error. */
async function report(opts: {
  findings: (Finding & { targets: string[] })[];
  resources: number;
  format: 'text' | 'json';
  color: boolean;
}): Promise<number> {
  const { findings, resources } = opts;
  // In pieces: 33,000 findings are 17 MB of JSON, at the end of a run, when memory is at its peak.
  if (opts.format === 'json') await printJson({ resources, findings });
  else await writePieces(linesOf(findingLines(findings, { color: opts.color, resources })));
  return findings.some((f) => f.severity === 'error') ? 1 : 0;
}

/** Worker threads for `sets` sets read from these paths: FERRY_WORKERS, else by cores and input size (planWorkers). */
function workersFor(opts: { root: string; paths: readonly string[]; sets: number }): number {
  const plan = planWorkers({
    requested: process.env.FERRY_WORKERS,
    cores: availableParallelism(),
    targets: opts.sets,
    inputBytes: () => getInputBytes({ root: opts.root, paths: opts.paths, cap: WORKER_MIN_INPUT_BYTES }),
  });
  if ('problem' in plan) throw new UsageError(plan.problem);
  return plan.workers;
}
