import { readdir } from 'node:fs/promises';
import type { RendererKind } from './renderer.ts';

/** File names `kubectl kustomize` accepts for a kustomization, in its own order of preference. */
export const KUSTOMIZATION_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'] as const;

/** A directory with a kustomization renders with kustomize, one with Chart.yaml with helm, else plain. */
export async function detectRenderer(absDir: string): Promise<RendererKind> {
  const names = new Set(await readdir(absDir));
  if (KUSTOMIZATION_FILES.some((f) => names.has(f))) return 'kustomize';
  if (names.has('Chart.yaml')) return 'helm';
  return 'plain';
}

/** The kustomization file of a directory, if it has one. */
export async function findKustomizationFile(absDir: string): Promise<string | undefined> {
  const names = new Set(await readdir(absDir));
  return KUSTOMIZATION_FILES.find((f) => names.has(f));
}
