import { relative, sep } from 'node:path';
import { detectRenderer } from './detect-renderer.ts';
import { listManifestFiles } from './plain-renderer.ts';

/**
 * The kustomization and chart folders below a plain folder (none when the folder is a unit itself),
 * sorted, each as `prefix` + its path below `dir`: the render units a plain render leaves out, as
 * listManifestFiles does not enter them.
 */
export async function listUnitsBelow(dir: string, prefix: string): Promise<string[]> {
  if ((await detectRenderer(dir).catch(() => undefined)) !== 'plain') return [];
  const units: string[] = [];
  await listManifestFiles(dir, { units }).catch(() => undefined);
  return units.sort().map((unit) => prefix + relative(dir, unit).split(sep).join('/'));
}

/** `1 folder with a kustomization or a chart below it (a) was not rendered, …`: at most three named. */
export function describeUnits(shown: readonly string[]): string {
  const some = shown.slice(0, 3).join(', ') + (shown.length > 3 ? ', …' : '');
  return shown.length === 1
    ? `1 folder with a kustomization or a chart below it (${some}) was not rendered, as it is a target of its own`
    : `${shown.length} folders with a kustomization or a chart below it (${some}) were not rendered, as they are targets of their own`;
}
