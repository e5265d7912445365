/**
 * Bundles a bench script (or a floor under bench/floors, which imports a few of Ferry's TypeScript
 * sources) into one plain JavaScript file, to run as `node FILE`, without a TypeScript loader: as
 * the agent image and the built `ferry` CLI start. Through tsx a process carries ~0.3–0.5 CPU-s of
 * transpiling the built code does not pay; a floor started that way flatters every ratio beside it.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));

/** Writes `entry` bundled to `outfile` and returns `outfile`. */
export async function bundleForNode(entry: string, outfile: string): Promise<string> {
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    // CommonJS dependencies inside an ESM bundle need a require.
    banner: {
      js: "import { createRequire as __ferryRequire } from 'node:module'; const require = __ferryRequire(import.meta.url);",
    },
    logLevel: 'error',
  });
  return outfile;
}

/**
 * A floor built under node_modules/.cache, so that the bundled resolveBinary, walking up from it,
 * finds the project's kubectl and helm as Ferry does.
 */
export function buildFloor(
  name: 'diff-floor' | 'diff-least' | 'diff-print' | 'parse-floor',
): Promise<string> {
  return bundleForNode(
    join(here, 'floors', `${name}.mjs`),
    join(here, '..', 'node_modules', '.cache', 'ferry-bench', `${name}.mjs`),
  );
}
