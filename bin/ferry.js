#!/usr/bin/env node
// The `ferry` CLI. Runs the build in dist/cli (made by `npm ci`, or `npm run build`), which starts like
// a compiled tool; without a build (a production install, or FERRY_FROM_SOURCE=1 while developing) it
// runs the TypeScript sources through tsx's loader.
import { existsSync } from 'node:fs';
import nodeModule from 'node:module';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { findCommandBundle, loadCommandBundle } from './command-bundle.js';
import { enableCompileCache, makeCompileCacheDir } from './compile-cache.js';
import { v8TuningFlags } from './v8-tuning.js';

// Less eager optimisation on Node 20, whose V8 spent as much CPU compiling as running (bin/v8-tuning.js).
for (const flag of v8TuningFlags({
  nodeVersion: process.versions.node,
  execArgv: process.execArgv,
  nodeOptions: process.env.NODE_OPTIONS,
})) {
  setFlagsFromString(flag);
}

// Node 20 is supported, though past its end of life: the AWS SDK's notice that its releases from
// 2027 need Node 22 is said once in the README rather than on every command.
if (Number(process.versions.node.split('.')[0]) < 22) {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
}

// Node 22.1 and later keep the modules' compiled code between commands (bin/compile-cache.js); on
// Node 20, `diff` and `render` run from their bundles with V8's code cache instead
// (bin/command-bundle.js).
const compileCache = enableCompileCache(nodeModule, process.env);

const built = new URL('../dist/cli/ferry.mjs', import.meta.url);
if (process.env.FERRY_FROM_SOURCE !== '1' && existsSync(built)) {
  const bundle =
    compileCache === 'unavailable' && !process.env.NODE_DISABLE_COMPILE_CACHE
      ? findCommandBundle(fileURLToPath(new URL('.', built)), process.argv[2])
      : undefined;
  if (bundle) {
    const { run } = loadCommandBundle(bundle, makeCompileCacheDir(process.env));
    process.exitCode = await run(process.argv.slice(3));
  } else {
    await import(built.href);
  }
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/run-cli.ts');
}
