import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describeUnits, listUnitsBelow } from '../render/list-units-below.ts';

/**
 * Without `.github/ferry.yml` the repository root is one plain target, which leaves out every folder
 * below it that is a kustomization or a chart: in a repository of kustomizations (kubeflow/manifests:
 * 212 of them) that is nearly everything, so say so on stderr, with how to check them. `validate` can
 * name one as a PATH; `diff` has no PATHs, so it points at the configuration only.
 */
export async function noteUnrenderedUnits(root: string, command: 'validate' | 'diff'): Promise<void> {
  const shown = await listUnitsBelow(root, '');
  if (shown.length === 0) return;
  const one = shown.length === 1;
  const where = command === 'diff' ? ' at the head revision' : '';
  const them = one ? 'it as a target' : 'them as targets';
  const how =
    command === 'diff'
      ? `list ${them} in .github/ferry.yml to diff ${one ? 'it' : 'them'} (docs/config.md)`
      : `name ${one ? 'it' : 'one'} (ferry validate ${shown[0]}) or list ${them} in .github/ferry.yml (docs/config.md)`;
  console.error(
    `note: no .github/ferry.yml${where}, so the repository root is one plain target and ${describeUnits(shown)}: ${how}`,
  );
}

/**
 * The same for a folder named as a PATH to `ferry validate` (`ferry validate config`, where config/
 * holds kustomizations only): its plain files are checked and the kustomizations and charts below it
 * are not, which would otherwise pass as "0 resources". Each is shown as the user would name it: the
 * PATH as given, then the folder below it. True when there was something to say.
 */
export async function notePathUnits(opts: { root: string; path: string; given: string }): Promise<boolean> {
  const dir = join(opts.root, opts.path);
  if (!(await stat(dir).catch(() => undefined))?.isDirectory()) return false;
  const prefix = opts.given === '.' || opts.given === './' ? '' : `${opts.given.replace(/\/+$/, '')}/`;
  const shown = await listUnitsBelow(dir, prefix);
  if (shown.length === 0) return false;
  console.error(
    `note: ${opts.given} is read as plain manifests, and ${describeUnits(shown)}: name ${shown.length === 1 ? 'it' : 'one'} in its place (ferry validate ${shown[0]}) or list ${shown.length === 1 ? 'it as a target' : 'them as targets'} in .github/ferry.yml (docs/config.md)`,
  );
  return true;
}
