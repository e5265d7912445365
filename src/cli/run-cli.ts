/** The CLI's process entry (what scripts/build-cli.mjs bundles and bin/ferry.js runs). */
import { hideBundledDeprecations } from '../signal/hide-bundled-deprecations.ts';
import { main } from './main.ts';

hideBundledDeprecations();

// `ferry render prod | head` closes the pipe early: stop quietly, as other command-line tools do,
// instead of dying with an EPIPE stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
}

process.exitCode = await main(process.argv.slice(2));
