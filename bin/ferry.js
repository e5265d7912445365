#!/usr/bin/env node
// The `ferry` CLI. Runs the build in dist/cli (made by `npm ci`, or `npm run build`), which starts like
// a compiled tool; without a build (a production install, or FERRY_FROM_SOURCE=1 while developing) it
// runs the TypeScript sources through tsx's loader.
import { existsSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';

// A command runs for a second or two, so V8's default eagerness to optimise costs more than it saves:
// at 5,000 changed resources `ferry diff` spent ~1 CPU-s in background TurboFan compiles of functions it
// then ran for milliseconds. Waiting 8× longer before a function is optimised cut that to ~0.35 CPU-s
// and left the main thread's time as it was (docs/benchmarks.md). A budget given to node wins.
const V8_DEFAULTS_KEPT = /--interrupt[-_]budget/.test(
  [...process.execArgv, process.env.NODE_OPTIONS ?? ''].join(' '),
);
if (!V8_DEFAULTS_KEPT) setFlagsFromString('--interrupt-budget=540672');

// Node 20 is supported, though past its end of life: the AWS SDK's notice that its releases from
// 2027 need Node 22 is said once in the README rather than on every command.
if (Number(process.versions.node.split('.')[0]) < 22) {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
}

const built = new URL('../dist/cli/ferry.mjs', import.meta.url);
if (process.env.FERRY_FROM_SOURCE !== '1' && existsSync(built)) {
  await import(built.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/run-cli.ts');
}
