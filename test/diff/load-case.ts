import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseManifests } from '../../src/manifest/parse-manifests.ts';
import type { Resource } from '../../src/types.ts';

/** test/fixtures/manifests/<case>/{base,head}/*.yaml */
export const CASES_DIR = fileURLToPath(new URL('../fixtures/manifests/', import.meta.url));

export function listCases(): string[] {
  return readdirSync(CASES_DIR).sort();
}

/** Both sides of a fixture case, parsed as the render unit would hand them over. */
export function loadCase(name: string, defaultNamespace = 'ml'): { base: Resource[]; head: Resource[] } {
  const side = (s: 'base' | 'head'): Resource[] =>
    readdirSync(`${CASES_DIR}${name}/${s}`)
      .sort()
      .flatMap((file) => {
        const text = readFileSync(`${CASES_DIR}${name}/${s}/${file}`, 'utf8');
        const parsed = parseManifests(text, `k8s/${file}`, { defaultNamespace });
        if (parsed.findings.length > 0)
          throw new Error(`fixture ${name}/${s}/${file}: ${parsed.findings[0]?.message}`);
        return parsed.resources;
      });
  return { base: side('base'), head: side('head') };
}
