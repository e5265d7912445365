// Node 20 has no compile cache for ES modules (Node 22.1 has, bin/compile-cache.js). There bin/ferry.js
// runs `diff` and `render` from their CommonJS bundles (scripts/build-cli.mjs) with V8's
// code cache, kept in the compile cache folder: a command then starts without parsing and compiling
// its code again (`ferry diff` of one object 0.26 → 0.18 CPU-s). Its own module so that a test can run it.
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import nodeModule from 'node:module';
import { basename, dirname, join } from 'node:path';
import vm from 'node:vm';

/**
 * The bundle of command `name` (an absolute path), from `commands.json` in the built CLI's folder;
 * undefined for any other argument, or a build without bundles or with a broken list or a bundle
 * missing (the ES modules run the command then, as on Node 22).
 *
 * @param {string} cliDir the built CLI's folder (dist/cli)
 * @param {string | undefined} name the command as given
 * @returns {string | undefined}
 */
export function findCommandBundle(cliDir, name) {
  if (name === undefined) return undefined;
  let files;
  try {
    files = JSON.parse(readFileSync(join(cliDir, 'commands.json'), 'utf8'));
  } catch (err) {
    // A build from before the bundles (or a list cut short): the ES modules run every command.
    void err;
    return undefined;
  }
  const file =
    typeof files === 'object' && files !== null && Object.hasOwn(files, name) ? files[name] : undefined;
  if (typeof file !== 'string') return undefined;
  const path = join(cliDir, file);
  return existsSync(path) ? path : undefined;
}

/**
 * Loads a command's bundle: its compiled code from `cacheDir` when V8 takes it (same bundle, by the
 * content hash in its name, same Node and flags); otherwise compiled from the source, and the code
 * cache written as the process exits (what the command compiled as it ran, too) when the command ran
 * (exit 0 or 1, no `--help`), replacing the caches of that command's earlier builds (one per Node
 * version and node flags). No folder (undefined): no cache. `cache` says which way it went.
 *
 * @param {string} file the bundle
 * @param {string | undefined} cacheDir
 * @returns {{ run: (argv: string[]) => Promise<number>, cache: 'used' | 'written' | 'off' }}
 */
export function loadCommandBundle(file, cacheDir) {
  // ASCII (the build escapes the rest): latin1 reads it as utf8 would, in two thirds of the time.
  const source = readFileSync(file, 'latin1');
  const name = basename(file, '.cjs');
  const cacheFile = cacheDir && join(cacheDir, `${name}.${process.version}-${process.arch}${flagsKey()}.v8`);
  const cachedData = cacheFile ? readCache(cacheFile) : undefined;
  // The file is the module's function (the build writes the wrapper in), and its import() are require():
  // no dynamic import callback is needed.
  const script = new vm.Script(source, { filename: file, cachedData });
  const used = cachedData !== undefined && !script.cachedDataRejected;
  if (cacheFile && !used) {
    // Kept from a run that did the command's work (exit 0, or 1 for findings), so that the cache holds
    // what it compiled: not from `--help` or a usage error, which compile next to nothing.
    process.once('exit', (code) => {
      if (code <= 1 && !argvAsksHelp(process.argv)) writeCache(script, cacheFile, name);
    });
  }
  /** @type {{ exports: { run?: (argv: string[]) => Promise<number> } }} */
  const module = { exports: {} };
  const wrapper = script.runInThisContext();
  wrapper.call(module.exports, module.exports, nodeModule.createRequire(file), module, file, dirname(file));
  const { run } = module.exports;
  if (typeof run !== 'function') throw new Error(`${file} is not a command bundle (no run export)`);
  return { run, cache: used ? 'used' : cacheFile ? 'written' : 'off' };
}

/** @param {readonly string[]} argv */
function argvAsksHelp(argv) {
  return argv.includes('--help') || argv.includes('-h');
}

/** `command-diff-` of `command-diff-<hash>`: what a command's caches of every build share. */
function commandOf(name) {
  return name.slice(0, name.lastIndexOf('-') + 1);
}

/**
 * V8 refuses a cache made under other flags: node's own (`--interrupt-budget=…`, `--import …`) each
 * get a cache of their own, so that runs with and without them do not replace each other's. FNV-1a.
 */
function flagsKey() {
  const flags = [...process.execArgv, process.env.NODE_OPTIONS ?? ''].join(' ').trim();
  if (flags === '') return '';
  let hash = 0x811c9dc5;
  for (let i = 0; i < flags.length; i++) hash = Math.imul(hash ^ flags.charCodeAt(i), 0x01000193);
  return `-${(hash >>> 0).toString(16).padStart(8, '0')}`;
}

/** @param {string} path */
function readCache(path) {
  try {
    return readFileSync(path);
  } catch (err) {
    // None yet (or unreadable): compiled from the source, and written at exit.
    void err;
    return undefined;
  }
}

/**
 * Written whole under a temporary name, then renamed: a command starting meanwhile reads the old cache
 * or the new one, never half of one. A cache that cannot be written costs the next command its compile,
 * nothing else.
 *
 * @param {vm.Script} script
 * @param {string} path
 * @param {string} bundle the bundle's name (`command-diff-<hash>`): its caches for other Nodes and flags stay
 */
function writeCache(script, path, bundle) {
  const prefix = commandOf(bundle);
  const dir = dirname(path);
  const temp = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(temp, script.createCachedData(), { mode: 0o600 });
    renameSync(temp, path);
    for (const entry of readdirSync(dir)) {
      if (entry.startsWith(prefix) && !entry.startsWith(`${bundle}.`) && !entry.endsWith('.tmp')) {
        rmSync(join(dir, entry), { force: true });
      }
    }
  } catch (err) {
    void err;
    try {
      rmSync(temp, { force: true });
    } catch (cleanup) {
      // Nothing was written where nothing can be (the folder is gone or not one).
      void cleanup;
    }
  }
}
