/**
 * Builds the CLI once before the suite (as `npm ci` does), so the tests that run `bin/ferry.js` run the
 * build a user runs, made from the sources under test rather than a stale one.
 */
// @ts-expect-error: a plain ESM script without type declarations.
import { buildCli } from '../scripts/build-cli.mjs';

export default async function setup(): Promise<void> {
  const entry = await buildCli();
  if (!entry) throw new Error('esbuild is missing: run npm ci (dev dependencies included) before npm test');
}
