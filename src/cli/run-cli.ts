/** The CLI's process entry (what scripts/build-cli.mjs bundles and bin/ferry.js runs). */
import { main } from './main.ts';
import { setUpProcess } from './set-up-process.ts';

setUpProcess();
process.exitCode = await main(process.argv.slice(2));
