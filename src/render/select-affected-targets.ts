import type { Target } from '../types.ts';

export interface SelectAffectedTargetsOptions {
  targets: readonly Target[];
  /** Repo-relative paths changed by a push or pull request. */
  changedFiles: readonly string[];
  /** Target name → its inputs (see listTargetInputs): files, or directories covering all below them. */
  inputsByTarget: ReadonlyMap<string, readonly string[]>;
}

/**
 * The targets whose render a change can affect: a changed file is one of the target's inputs or lies
 * under one of its input directories. A target with no known inputs is affected by anything (safe
 * default). Pure.
 */
export function selectAffectedTargets(opts: SelectAffectedTargetsOptions): Target[] {
  const changed = opts.changedFiles.map(normalize);
  return opts.targets.filter((target) => {
    const inputs = opts.inputsByTarget.get(target.name);
    if (inputs === undefined) return true;
    return inputs.map(normalize).some((input) => changed.some((file) => covers(input, file)));
  });
}

function covers(input: string, file: string): boolean {
  return input === '' || file === input || file.startsWith(`${input}/`);
}

/** POSIX, no leading `./` or `/`, no trailing `/`; the repository root is ''. */
function normalize(path: string): string {
  return path
    .split(/[\\/]+/)
    .filter((p) => p !== '' && p !== '.')
    .join('/');
}
