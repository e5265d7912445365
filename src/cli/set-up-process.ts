import { hideBundledDeprecations } from '../signal/hide-bundled-deprecations.ts';

/**
 * What the CLI's process sets up before a command runs, whichever way it was loaded (run-cli.ts,
 * command-bundle.ts).
 */
export function setUpProcess(): void {
  hideBundledDeprecations();
  // `ferry render prod | head` closes the pipe early: stop quietly, as other command-line tools do,
  // instead of dying with an EPIPE stack trace. Output that cannot be written at all (a full disk,
  // `> /dev/full`) is the environment's problem: one line on stderr and exit 2, not a stack trace and
  // not exit 1, which means findings.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
      if (stream === process.stdout) {
        process.stderr.write(
          `ferry: cannot write the output: ${err.message}; check the disk or file it goes to\n`,
        );
      }
      process.exit(2);
    });
  }
}
