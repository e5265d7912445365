// V8 settings bin/ferry.js applies before it loads the CLI, by Node version. Its own module so that a
// test can ask what each Node version gets (test/cli/v8-tuning.test.ts).

/** Node 20's V8 default for --interrupt-budget. */
export const V8_DEFAULT_INTERRUPT_BUDGET = 67584;
/** What bin/ferry.js sets on Node 20: the default, raised 8×. */
export const INTERRUPT_BUDGET = 8 * V8_DEFAULT_INTERRUPT_BUDGET;

/**
 * The flags for v8.setFlagsFromString. A command runs for a second or two, so V8 11's (Node 20's)
 * eagerness to optimise cost more than it saved: at 5,000 changed resources `ferry diff` spent ~1 CPU-s
 * in background TurboFan compiles of functions it then ran for milliseconds, and an 8× budget cut that
 * to ~0.35 CPU-s with the main thread's time unchanged (docs/benchmarks.md). V8 12 (Node 22 and later)
 * has no --interrupt-budget (setting it prints "unrecognized flag" on every command) and tiers up by
 * invocation counts, with Maglev in between; there a higher TurboFan count moved the same CPU onto the
 * main thread instead of saving it, so newer Nodes keep their defaults. A budget given to node wins.
 *
 * @param {{ nodeVersion: string, execArgv: readonly string[], nodeOptions: string | undefined }} from
 * @returns {string[]}
 */
export function v8TuningFlags({ nodeVersion, execArgv, nodeOptions }) {
  const major = Number(nodeVersion.replace(/^v/, '').split('.')[0]);
  if (!(major < 22)) return [];
  if (/--interrupt[-_]budget/.test([...execArgv, nodeOptions ?? ''].join(' '))) return [];
  return [`--interrupt-budget=${INTERRUPT_BUDGET}`];
}
