import { accessSync, constants, statSync } from 'node:fs';
import { tmpdir } from 'node:os';

/** The temporary folder cannot be written: the user's environment to fix, not a render that failed. */
export class TempDirError extends Error {
  override name = 'TempDirError';
}

/**
 * Checks that the temporary folder (TMPDIR, else the system's) is a folder this user can write, before
 * a command that writes there: checkouts of revisions, render sandboxes, standard input. Otherwise each
 * target's render failed with "ENOENT … mkdtemp" as if the manifests were wrong, and ferry diff printed
 * an internal error.
 */
export function checkTempDir(env: NodeJS.ProcessEnv = process.env): void {
  const dir = tmpdir();
  const named = env.TMPDIR ? `TMPDIR ${dir}` : `the temporary folder ${dir}`;
  const fix = env.TMPDIR
    ? 'set TMPDIR to a folder you can write, or unset it'
    : 'set TMPDIR to a folder you can write';
  let problem: string | undefined;
  try {
    if (!statSync(dir).isDirectory()) problem = 'is not a folder';
    else accessSync(dir, constants.W_OK | constants.X_OK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') problem = 'does not exist';
    else if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS')
      problem = 'is not writable by this user';
    else throw err;
  }
  if (problem) {
    throw new TempDirError(`${named} ${problem}: Ferry writes checkouts and renders there; ${fix}`);
  }
}
