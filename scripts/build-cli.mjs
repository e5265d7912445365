#!/usr/bin/env node
// Builds the `ferry` CLI into plain JavaScript (dist/cli/ferry.mjs plus lazily loaded chunks), so a
// command starts without a TypeScript loader: `ferry --help` loads one small chunk, each command
// loads its own on first use. Runs from `npm ci` (prepare), from the test suite's global setup (the
// CLI tests run the build, not the sources) and in the agent image's Dockerfile.
//
//   node scripts/build-cli.mjs [--outdir DIR]
//
// esbuild is a devDependency: with `npm ci --omit=dev` there is nothing to build with, and
// bin/ferry.js then runs the sources through tsx (a runtime dependency) instead.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** CommonJS dependencies inside ESM chunks need a real require, and some read __dirname. */
const BANNER = [
  "import { createRequire as __ferryCreateRequire } from 'node:module';",
  "import { fileURLToPath as __ferryFileURLToPath } from 'node:url';",
  "import { dirname as __ferryDirname } from 'node:path';",
  'const require = __ferryCreateRequire(import.meta.url);',
  'const __filename = __ferryFileURLToPath(import.meta.url);',
  'const __dirname = __ferryDirname(__filename);',
].join(' ');

/**
 * Ferry's own JSON modules (the schemas under src/) as `JSON.parse('…')` of their text instead of an
 * object literal: V8 reads a JSON string faster than it parses the same object as JavaScript, and the
 * built-in schemas are a large part of what `validate` and `diff` compile at start (~10 ms a command).
 * Only files under src/, which are imported as ESM defaults: a dependency's JSON (a package.json it
 * `require`s) keeps esbuild's loader, which also gives CommonJS the object itself.
 */
const jsonAsString = {
  name: 'json-as-string',
  setup(build) {
    const src = join(root, 'src') + sep;
    build.onLoad({ filter: /\.json$/ }, (args) => {
      if (!args.path.startsWith(src)) return undefined;
      const text = JSON.stringify(JSON.parse(readFileSync(args.path, 'utf8')));
      return { contents: `export default JSON.parse(${JSON.stringify(text)});`, loader: 'js' };
    });
  },
};

/**
 * Builds into `outdir` (default dist/cli). Returns the entry file, or undefined when esbuild is not
 * installed. Everything is bundled (as the agent image and the Lambda functions are), split per
 * command, so what a command loads does not depend on the layout of node_modules.
 */
export async function buildCli(outdir = join(root, 'dist', 'cli')) {
  let esbuild;
  try {
    esbuild = await import('esbuild');
  } catch (err) {
    if (err?.code === 'ERR_MODULE_NOT_FOUND') return undefined;
    throw err;
  }
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  rmSync(outdir, { recursive: true, force: true });
  // What the ES build and the command bundles share.
  const shared = {
    bundle: true,
    platform: 'node',
    // The oldest Node the package supports (engines); the Lambda and the image run newer.
    target: 'node20',
    mainFields: ['module', 'main'],
    // The userland punycode, not Node's deprecated built-in (infra/function-bundling.ts says why).
    alias: { punycode: 'punycode/' },
    define: { __FERRY_VERSION__: JSON.stringify(pkg.version) },
    logLevel: 'error',
    legalComments: 'none',
    plugins: [jsonAsString],
  };
  await esbuild.build({
    ...shared,
    entryPoints: {
      ferry: join(root, 'src', 'cli', 'run-cli.ts'),
      // Worker threads of `ferry validate` (src/engine/start-check-worker.ts finds it beside ferry.mjs).
      'check-worker': join(root, 'src', 'engine', 'check-target-worker.ts'),
    },
    outdir,
    splitting: true,
    format: 'esm',
    outExtension: { '.js': '.mjs' },
    chunkNames: 'chunks/[name]-[hash]',
    banner: { js: BANNER },
  });
  await buildCommandBundles(esbuild, outdir, shared);
  return join(outdir, 'ferry.mjs');
}

/**
 * The commands run once per check, where starting costs most: a CI job or a developer's loop runs them
 * over and over (`ferry diff` of one object was 0.26 CPU-s, of which ~0.09 its code's parsing and
 * compiling). The servers (`serve`, `agent`) start once; `sync`, `preview` and `version` wait on a
 * network or print a line. `validate` is left out: from its bundle (0.26 → 0.21 CPU-s on a small
 * repository) the peak of 50,000 resources moved by GC timing past its 200 MiB goal (two workers,
 * `findings`: 187 → 204 MiB; one thread 195 → 220–424 MiB), the ES modules' 194–222 not. Each
 * `src/cli/commands/<name>.ts` exports `<name>Command`.
 */
export const BUNDLED_COMMANDS = ['diff', 'render'];

/**
 * Escapes what is not ASCII, which esbuild leaves only in comments (its strings, templates and regular
 * expressions are escaped already, charset 'ascii'): one such character makes V8 hold the whole source
 * as two bytes a character, 6.6 MB instead of 3.3 for `diff`, which a command keeps all its life.
 */
function asciiOnly(file) {
  const text = readFileSync(file, 'utf8');
  const ascii = text.replace(
    /[\u0080-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  if (ascii !== text) writeFileSync(file, ascii);
}

/**
 * One CommonJS bundle per command of BUNDLED_COMMANDS (`chunks/command-<name>-<hash>.cjs`, its code and
 * nothing of the other commands), listed in `commands.json`. Node 20 has no compile cache for ES modules; bin/ferry.js runs a
 * command there from its bundle with V8's code cache (bin/command-bundle.js), keyed by the bundle's
 * content hash in its name. They sit in chunks/ beside the ES chunks, so paths taken from
 * `import.meta.url` (the check worker, the packaged binaries) resolve alike.
 */
async function buildCommandBundles(esbuild, outdir, shared) {
  const entry = {
    name: 'ferry-command',
    setup(build) {
      build.onResolve({ filter: /^ferry-command:/ }, (args) => ({
        path: args.path,
        namespace: 'ferry-command',
      }));
      build.onLoad({ filter: /.*/, namespace: 'ferry-command' }, (args) => {
        const name = args.path.slice('ferry-command:'.length);
        const command = JSON.stringify(join(root, 'src', 'cli', 'commands', `${name}.ts`));
        const runner = JSON.stringify(join(root, 'src', 'cli', 'command-bundle.ts'));
        return {
          contents:
            `import { ${name}Command } from ${command};\n` +
            `import { runBundledCommand } from ${runner};\n` +
            `export const run = (argv) => runBundledCommand(${JSON.stringify(name)}, ${name}Command, argv);\n`,
          resolveDir: root,
          loader: 'ts',
        };
      });
    },
  };
  const result = await esbuild.build({
    ...shared,
    entryPoints: Object.fromEntries(
      BUNDLED_COMMANDS.map((name) => [`command-${name}`, `ferry-command:${name}`]),
    ),
    outdir: join(outdir, 'chunks'),
    entryNames: '[name]-[hash]',
    outExtension: { '.js': '.cjs' },
    format: 'cjs',
    // import() as require(): a vm script run from V8's code cache has no dynamic import callback
    // (ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING), and Node 20's main-context loader for one is experimental.
    supported: { 'dynamic-import': false },
    // The module wrapper written in (bin/command-bundle.js compiles the file as it is: wrapping it there
    // made a second copy of the source), and what `import.meta.url` is in an ES chunk: this file's URL
    // (chunks/ too).
    banner: {
      js: [
        '(function (exports, require, module, __filename, __dirname) {',
        "var __ferryImportMetaUrl = require('node:url').pathToFileURL(__filename).href;",
      ].join(' '),
    },
    footer: { js: '})' },
    define: { ...shared.define, 'import.meta.url': '__ferryImportMetaUrl' },
    metafile: true,
    plugins: [entry, ...shared.plugins],
  });
  const files = {};
  for (const [file, meta] of Object.entries(result.metafile.outputs)) {
    // The entry point as esbuild names it: `<namespace>:<path>`, the path being `ferry-command:<name>`.
    const name = meta.entryPoint?.split('ferry-command:').pop();
    if (!meta.entryPoint || !name) continue;
    files[name] = relative(outdir, resolve(root, file)).split(sep).join('/');
    asciiOnly(resolve(root, file));
  }
  writeFileSync(join(outdir, 'commands.json'), `${JSON.stringify(files, null, 2)}\n`);
}

if (import.meta.url === pathToFileURL(resolve(process.argv[1] ?? '')).href) {
  const at = process.argv.indexOf('--outdir');
  const outdir = at > 0 ? resolve(process.argv[at + 1] ?? '') : undefined;
  const started = Date.now();
  const entry = await buildCli(outdir);
  if (!entry) {
    console.log('ferry: esbuild is not installed (production install); the CLI runs from its sources');
  } else if (process.env.npm_lifecycle_event !== 'prepare') {
    console.log(`ferry: CLI built into ${dirname(entry)} in ${Date.now() - started} ms`);
  }
}
