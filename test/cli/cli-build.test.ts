import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * What the built CLI (dist/cli, made by the suite's global setup as `npm ci` makes it) carries: every
 * command loads its chunks at start, so a dependency pulled in whole costs every run. esbuild marks
 * each bundled module with a `// node_modules/…` comment, which is what these tests read.
 */
const dist = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist', 'cli');

function bundledModules(): Set<string> {
  const modules = new Set<string>();
  for (const dir of [dist, join(dist, 'chunks')]) {
    for (const name of readdirSync(dir)) {
      // The ES chunks and the commands' CommonJS bundles (Node 20, bin/command-bundle.js).
      if (!name.endsWith('.mjs') && !name.endsWith('.cjs')) continue;
      for (const m of readFileSync(join(dir, name), 'utf8').matchAll(/^\/\/ (node_modules\/\S+)$/gm))
        modules.add(m[1] as string);
    }
  }
  return modules;
}

describe('the built CLI', () => {
  const modules = bundledModules();

  it('holds only the parts of zod the config schemas use (English messages, no other locales)', () => {
    // `import { z } from 'zod'` kept the whole namespace, all 40-odd locales included (755 KB, ~50 ms
    // of every `ferry diff`); a namespace import lets esbuild drop what is not used.
    expect(modules.has('node_modules/zod/v4/classic/schemas.js')).toBe(true);
    expect(modules.has('node_modules/zod/v4/locales/en.js')).toBe(true);
    const locales = [...modules].filter((m) => m.startsWith('node_modules/zod/v4/locales/'));
    expect(locales).toEqual(['node_modules/zod/v4/locales/en.js']);
  });

  it('bundles diff and render alone each, as commands.json lists them, with no other command inside', () => {
    const files = JSON.parse(readFileSync(join(dist, 'commands.json'), 'utf8')) as Record<string, string>;
    expect(Object.keys(files).sort()).toEqual(['diff', 'render']);
    for (const [name, file] of Object.entries(files)) {
      expect(file).toMatch(new RegExp(`^chunks/command-${name}-[A-Z0-9]+\\.cjs$`));
      const text = readFileSync(join(dist, file), 'utf8');
      // ASCII only: bin/command-bundle.js reads it as latin1, and V8 holds it at a byte a character.
      expect(text).not.toMatch(/[\u0080-\uffff]/);
      const commands = [
        ...new Set([...text.matchAll(/^\/\/ src\/cli\/commands\/(\w+)\.ts$/gm)].map((m) => m[1])),
      ];
      expect(commands).toEqual([name]);
    }
  });

  it("holds tar's parser, not its whole index (create, extract, unpack are never used)", () => {
    expect(modules.has('node_modules/tar/dist/esm/parse.js')).toBe(true);
    expect([...modules].filter((m) => m.startsWith('node_modules/tar/dist/esm/index'))).toEqual([]);
    expect(modules.has('node_modules/tar/dist/esm/unpack.js')).toBe(false);
  });
});
