import { readFile } from 'node:fs/promises';

/** Set by scripts/build-cli.mjs (esbuild `define`); absent when the CLI runs from its sources. */
declare const __FERRY_VERSION__: string | undefined;

/**
 * Ferry's version: baked into the built CLI (inside the bundle, `package.json` is not where a relative
 * path from this file says), read from the package when running from the sources.
 */
export async function getFerryVersion(): Promise<string> {
  if (typeof __FERRY_VERSION__ === 'string') return __FERRY_VERSION__;
  const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version?: string;
  };
  return pkg.version ?? 'unknown';
}
