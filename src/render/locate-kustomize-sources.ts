import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseManifests } from '../manifest/parse-manifests.ts';
import type { KustomizationTree } from './load-kustomization-tree.ts';

export interface SourceLocation {
  file: string;
  line: number;
}

/** kustomize appends `-<10 characters>` to generated ConfigMaps and Secrets (a hash of their content). */
const HASH_SUFFIX = /-[a-z0-9]{10}$/;

/**
 * kustomize's output says nothing about where an object came from. Best effort: index the plain
 * manifests its kustomizations list (by kind and name) and generators (by name), and look objects up
 * with namePrefix/nameSuffix and the generator hash taken off. Returns undefined when nothing fits.
 */
export async function loadKustomizeSourceLocator(
  root: string,
  tree: KustomizationTree,
): Promise<(kind: string, name: string) => SourceLocation | undefined> {
  const declared = new Map<string, SourceLocation>();
  for (const file of tree.resourceFiles) {
    const { resources } = parseManifests(await readFile(join(root, file), 'utf8'), file);
    for (const r of resources) {
      const key = `${r.id.kind}/${r.id.name}`;
      if (!declared.has(key)) declared.set(key, { file: r.file, line: r.line });
    }
  }
  const generated = new Map<string, SourceLocation>();
  for (const g of tree.generators) {
    const key = `${g.kind}/${g.name}`;
    if (!generated.has(key)) generated.set(key, { file: g.file, line: g.line });
  }
  return (kind, name) => {
    for (const candidate of nameCandidates(name, tree)) {
      const found = declared.get(`${kind}/${candidate}`) ?? generated.get(`${kind}/${candidate}`);
      if (found) return found;
    }
    return undefined;
  };
}

/** The name as rendered, then with each known prefix and suffix (and both) taken off. */
export function nameCandidates(name: string, tree: KustomizationTree): string[] {
  const out = [name];
  const unhashed = name.replace(HASH_SUFFIX, '');
  for (const base of unhashed === name ? [name] : [name, unhashed]) {
    for (const prefix of ['', ...tree.namePrefixes]) {
      if (!base.startsWith(prefix)) continue;
      const withoutPrefix = base.slice(prefix.length);
      for (const suffix of ['', ...tree.nameSuffixes]) {
        if (withoutPrefix.endsWith(suffix))
          out.push(withoutPrefix.slice(0, withoutPrefix.length - suffix.length));
      }
    }
  }
  return [...new Set(out)].filter((n) => n !== '');
}
