/**
 * Builds a floor script (bench/floors/*.mjs, which imports a few of Ferry's TypeScript sources) into
 * one plain JavaScript file, so the floor starts as the built `ferry` CLI does: `node FILE`, without a
 * TypeScript loader. Started through tsx instead, each floor process would carry ~0.3–0.5 CPU-s of
 * transpiling that Ferry's built CLI does not pay, flattering every ratio.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const floors = dirname(fileURLToPath(import.meta.url));

/**
 * The built floor's path, to run as `node PATH ARGS…`. It is written under node_modules/.cache so that
 * the bundled resolveBinary, walking up from it, finds the project's kubectl and helm as Ferry does.
 */
export async function buildFloor(name: 'diff-floor' | 'parse-floor'): Promise<string> {
  const outfile = join(floors, '..', '..', 'node_modules', '.cache', 'ferry-bench', `${name}.mjs`);
  await build({
    entryPoints: [join(floors, `${name}.mjs`)],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    // js-yaml and yaml are CommonJS-compatible ESM; a real require for anything that is not.
    banner: {
      js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
    },
    logLevel: 'error',
  });
  return outfile;
}
