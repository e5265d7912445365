import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'ferry.js');

/** Runs the real `ferry` bin (as `npx ferry` would) and returns its exit code and output. */
export function runFerry(
  args: string[],
  opts: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number; input?: string } = {},
) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: opts.cwd ?? join(import.meta.dirname, '..', '..'),
    encoding: 'utf8',
    // Standard input: what is piped in, else nothing (spawnSync's default is an empty pipe).
    ...(opts.input === undefined ? {} : { input: opts.input }),
    // A command that should have stopped at once but serves on is killed (and its code is null).
    ...(opts.timeoutMs === undefined ? {} : { timeout: opts.timeoutMs }),
    env: { ...process.env, NO_COLOR: '1', ...opts.env },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The same, without blocking the event loop: for commands that talk to a server this process runs. */
export function runFerryAsync(
  args: string[],
  opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: opts.cwd ?? join(import.meta.dirname, '..', '..'),
      env: { ...process.env, NO_COLOR: '1', ...opts.env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
