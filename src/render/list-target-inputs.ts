import { realpath } from 'node:fs/promises';
import type { Target } from '../types.ts';
import { detectRenderer } from './detect-renderer.ts';
import { loadKustomizationTree } from './load-kustomization-tree.ts';
import { locateInRepo, normalizeRepoPath, toRepoPath } from './repo-path.ts';

/** The repository config: a change to it can change any target. */
export const CONFIG_PATH = '.github/ferry.yml';

/**
 * Repo-relative paths (directories cover everything below them) whose change can change this
 * target's render: its path, everything its kustomizations reference (recursively, bases outside
 * the target's directory included), its helm values files, and the repository config.
 * Best effort on a broken tree: what cannot be resolved is left out (the render will report it).
 */
export async function listTargetInputs(opts: { root: string; target: Target }): Promise<string[]> {
  const root = await realpath(opts.root);
  const dir = normalizeRepoPath(opts.target.path);
  const inputs = new Set<string>([dir, CONFIG_PATH]);
  for (const v of opts.target.helm?.values ?? []) inputs.add(normalizeRepoPath(v));
  const located = await locateInRepo(root, root, dir);
  if (located.ok) {
    inputs.add(toRepoPath(root, located.real));
    if (located.isDirectory && (await detectRenderer(located.real)) === 'kustomize') {
      const tree = await loadKustomizationTree({ root, absDir: located.real });
      for (const input of tree.inputs) inputs.add(input);
    }
  }
  return [...inputs].sort();
}
