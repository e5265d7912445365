import { availableParallelism } from 'node:os';
import { loadConfig } from '../../config/load-config.ts';
import { checkPathsIn, checkTargets } from '../../engine/check-targets.ts';
import { getInputBytes } from '../../engine/get-input-bytes.ts';
import { planWorkers, WORKER_MIN_INPUT_BYTES } from '../../engine/plan-workers.ts';
import { mergeFindings } from '../../report/merge-findings.ts';
import type { Finding } from '../../types.ts';
import { formatFindings } from '../format-findings.ts';
import { notePathUnits, noteUnrenderedUnits } from '../note-unrendered-units.ts';
import { oneOf, parseArgs } from '../parse-args.ts';
import { resolvePaths, resolveRepoDir } from '../resolve-repo.ts';
import { UsageError } from '../usage-error.ts';

const HELP = `usage: ferry validate [PATH...] [--repo DIR] [--target NAME] [--format text|json] [--color|--no-color]

Renders and validates Kubernetes manifests. With no PATH, every target of the repository's
.github/ferry.yml (or the repo root when there is none); with PATHs, those files and
directories (kustomize dirs, Helm charts and plain YAML/JSON are detected). PATHs are read
inside --repo when it is given; otherwise any path works and its git root is the repository.

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
  const located = positionals.length > 0 ? resolvePaths(positionals, values.repo) : undefined;
  const root = located?.root ?? resolveRepoDir(values.repo);
  const { config, findings: configFindings, file: configFile } = await loadConfig(root);
  if (!located && !configFile) await noteUnrenderedUnits(root, 'validate');
  for (const [i, path] of (located?.paths ?? []).entries()) {
    await notePathUnits({ root, path, given: located?.given[i] ?? path });
  }

  let resources = 0;
  // Per target, so identical findings of several targets (one base file in staging and prod) merge.
  const sets: { target: string; findings: Finding[] }[] = [{ target: '', findings: [...configFindings] }];
  if (located) {
    const result = await checkPathsIn({
      root,
      paths: located.paths,
      kubernetesVersion: config.kubernetesVersion,
      ruleConfig: config.rules,
      // The paths are one set: one worker at most, for its capped heap.
      workers: workersFor({ root, paths: located.paths, sets: 1 }),
    });
    resources += result.checked;
    sets.push({ target: '', findings: result.findings });
  } else {
    const wanted = values.target ?? config.targets.map((t) => t.name);
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

  if (format === 'json') {
    console.log(JSON.stringify({ resources, findings: merged }, null, 2));
  } else {
    const color = values['no-color']
      ? false
      : (values.color ?? (process.stdout.isTTY && !process.env.NO_COLOR));
    const shown = named ? merged : merged.map((f) => ({ ...f, targets: [] }));
    console.log(formatFindings(shown, { color: Boolean(color), resources }));
  }
  return merged.some((f) => f.severity === 'error') ? 1 : 0;
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
