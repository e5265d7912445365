/**
 * The entry of one command's CommonJS bundle. On Node 20, which has no compile cache for ES modules,
 * bin/ferry.js runs a command from its bundle (`dist/cli/chunks/command-<name>-<hash>.cjs`, made by
 * scripts/build-cli.mjs) with V8's code cache (bin/command-bundle.js): a command then starts without
 * parsing and compiling its code again. The build makes one entry per command of main.ts from this
 * module and the command's own; `--help`, an unknown command and the like go the ES-module way.
 */
import { type Command, runCommand } from './run-command.ts';
import { setUpProcess } from './set-up-process.ts';

/** Sets the process up and runs `command` as main.ts would. */
export function runBundledCommand(name: string, command: Command, argv: string[]): Promise<number> {
  setUpProcess();
  return runCommand(name, argv, async () => command);
}
