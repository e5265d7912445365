import { relative, sep } from 'node:path';
import { detectRenderer } from '../render/detect-renderer.ts';
import { listManifestFiles } from '../render/plain-renderer.ts';

/**
 * Without `.github/ferry.yml` the repository root is one plain target, which leaves out every folder
 * below it that is a kustomization or a chart: in a repository of kustomizations (kubeflow/manifests:
 * 212 of them) that is nearly everything, so say so on stderr, with how to check them. `validate` can
 * name one as a PATH; `diff` has no PATHs, so it points at the configuration only.
 */
export async function noteUnrenderedUnits(root: string, command: 'validate' | 'diff'): Promise<void> {
  if ((await detectRenderer(root).catch(() => undefined)) !== 'plain') return;
  const units: string[] = [];
  await listManifestFiles(root, units).catch(() => undefined);
  if (units.length === 0) return;
  const shown = units.sort().map((dir) => relative(root, dir).split(sep).join('/'));
  const some = shown.slice(0, 3).join(', ') + (shown.length > 3 ? ', …' : '');
  const [folders, were, targets, their, them] =
    shown.length === 1
      ? ['folder', 'was', 'it is a target', 'its', 'it as a target']
      : ['folders', 'were', 'they are targets', 'their', 'them as targets'];
  const where = command === 'diff' ? ' at the head revision' : '';
  const how =
    command === 'diff'
      ? `list ${them} in .github/ferry.yml to diff ${shown.length === 1 ? 'it' : 'them'} (docs/config.md)`
      : `name ${shown.length === 1 ? 'it' : 'one'} (ferry validate ${shown[0]}) or list ${them} in .github/ferry.yml (docs/config.md)`;
  console.error(
    `note: no .github/ferry.yml${where}, so the repository root is one plain target and ${shown.length} ${folders} with a kustomization or a chart below it (${some}) ${were} not rendered, as ${targets} of ${their} own: ${how}`,
  );
}
