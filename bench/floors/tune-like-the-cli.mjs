// V8 tuned as bin/ferry.js tunes it for the CLI, for the lower bounds beside the diff floor
// (diff-least.mjs, diff-print.mjs) that run Ferry's own code. Imported first, for its effect.
import { setFlagsFromString } from 'node:v8';
import { v8TuningFlags } from '../../bin/v8-tuning.js';

for (const flag of v8TuningFlags({
  nodeVersion: process.versions.node,
  execArgv: process.execArgv,
  nodeOptions: process.env.NODE_OPTIONS,
})) {
  setFlagsFromString(flag);
}
