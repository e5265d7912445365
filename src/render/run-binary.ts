import { spawn } from 'node:child_process';

export interface RunBinaryOptions {
  file: string;
  args: readonly string[];
  cwd: string;
  env: Record<string, string>;
  timeoutMs: number;
  maxOutputBytes: number;
}

export type RunOutcome =
  | { kind: 'exited'; code: number; stdout: string; stderr: string }
  | { kind: 'timeout' }
  | { kind: 'too-large' }
  | { kind: 'spawn-failed'; message: string };

/** stderr kept for messages: its tail, where kubectl and helm put the error. */
const STDERR_KEEP = 64 * 1024;

/**
 * Runs a binary in its own process group with a deadline and a cap on stdout. Over either limit the
 * whole group is killed (SIGKILL: a renderer stuck on untrusted input gets no chance to linger).
 * Never throws: every way it can go is an outcome.
 */
export function runBinary(opts: RunBinaryOptions): Promise<RunOutcome> {
  return new Promise((resolve) => {
    const child = spawn(opts.file, opts.args, {
      cwd: opts.cwd,
      env: opts.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group, so a kill reaches anything it started, too.
      detached: true,
    });
    const stdout: Buffer[] = [];
    let stdoutBytes = 0;
    let stderr = Buffer.alloc(0);
    let stopped: 'timeout' | 'too-large' | undefined;

    const killGroup = () => {
      if (child.pid === undefined) return;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch (err) {
        // ESRCH: the group is already gone, which is what we wanted. Nothing else can fail for a
        // group we created; throwing here would crash the process from an event handler.
        if ((err as NodeJS.ErrnoException).code !== 'ESRCH')
          console.error(`ferry: kill failed: ${String(err)}`);
      }
    };
    let exited = false;
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    const finish = (outcome: RunOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(outcome);
    };
    const stop = (why: 'timeout' | 'too-large') => {
      if (stopped) return;
      stopped = why;
      killGroup();
      // Don't wait for the pipes to close: something that left the group could hold them open forever.
      child.stdout.destroy();
      child.stderr.destroy();
      if (exited) finish({ kind: why });
    };

    timer = setTimeout(() => stop('timeout'), opts.timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => {
      if (stopped) return;
      stdoutBytes += chunk.length;
      if (stdoutBytes > opts.maxOutputBytes) stop('too-large');
      else stdout.push(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = Buffer.concat([stderr, chunk]);
      if (stderr.length > STDERR_KEEP) stderr = stderr.subarray(stderr.length - STDERR_KEEP);
    });
    child.once('exit', () => {
      exited = true;
      // Reap anything the binary left running in its group once it is gone itself.
      killGroup();
      if (stopped) finish({ kind: stopped });
    });
    child.once('error', (err) => finish({ kind: 'spawn-failed', message: err.message }));
    child.once('close', (code, signal) => {
      if (stopped) return finish({ kind: stopped });
      finish({
        kind: 'exited',
        code: code ?? (signal ? 128 : 1),
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: stderr.toString('utf8'),
      });
    });
  });
}
