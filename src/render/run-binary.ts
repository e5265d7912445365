import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { StringDecoder } from 'node:string_decoder';

export interface RunBinaryOptions {
  file: string;
  args: readonly string[];
  cwd: string;
  env: Record<string, string>;
  timeoutMs: number;
  maxOutputBytes: number;
  /** Cap on the child's memory (Linux: RLIMIT_DATA and an RSS watch); undefined: no cap. */
  maxMemoryBytes?: number;
  /**
   * Lower than maxMemoryBytes where the container leaves less room (RenderMemoryBudget): the resident
   * memory past which the child is stopped, and what GOMEMLIMIT follows. RLIMIT_DATA stays at
   * maxMemoryBytes: it counts memory reserved, not used (kubectl kustomize of 500 objects does not start
   * under 96 MiB of it, and stays near 60 MiB resident).
   */
  maxResidentBytes?: number;
}

export type RunOutcome =
  | { kind: 'exited'; code: number; stdout: string; stderr: string }
  | { kind: 'timeout' }
  | { kind: 'too-large' }
  | { kind: 'out-of-memory' }
  | { kind: 'spawn-failed'; message: string };

/** stderr kept for messages: its tail, where kubectl and helm put the error. */
const STDERR_KEEP = 64 * 1024;
/** stderr's head, where the Go runtime says it ran out of memory. */
const STDERR_HEAD = 4 * 1024;

/** How often the child's resident memory is read from /proc (the RLIMIT_DATA cap acts at once). */
const RSS_POLL_MS = 100;

/** The Go runtime's words when an allocation fails under RLIMIT_DATA. */
const GO_OUT_OF_MEMORY = /fatal error: (runtime: )?out of memory|cannot allocate memory/;

/**
 * On Linux, the binary is started by `/bin/sh`, which lowers RLIMIT_DATA (since Linux 4.7 it counts
 * every private anonymous mapping, so the Go heap) and execs it: an allocation past the cap fails in
 * the child, not in Ferry's process or the Lambda sandbox. RLIMIT_AS is not used: Go reserves far
 * more address space than it touches, and kubectl does not start under a 128 MiB RLIMIT_AS.
 */
function withMemoryCap(opts: RunBinaryOptions): {
  file: string;
  args: string[];
  env: Record<string, string>;
} {
  const max = opts.maxMemoryBytes;
  if (max === undefined || process.platform !== 'linux' || !existsSync('/bin/sh'))
    return { file: opts.file, args: [...opts.args], env: opts.env };
  const kib = Math.max(1, Math.floor(max / 1024));
  return {
    file: '/bin/sh',
    args: ['-c', `ulimit -d ${kib} && exec "$0" "$@"`, opts.file, ...opts.args],
    env: {
      ...goMemorySettings(residentBound(opts, max), process.constrainedMemory?.()),
      ...opts.env,
    },
  };
}

/** The child's bound on resident memory: the cap, or the container's room where that is less. */
function residentBound(opts: RunBinaryOptions, max: number): number {
  return Math.min(max, opts.maxResidentBytes ?? max);
}

/** Room Ferry's own process keeps beside its renders when deciding whether the container holds them. */
const OWN_ROOM_BYTES = 256 * 1024 * 1024;

/**
 * The Go runtime's memory settings under a cap of `max` bytes. GOMEMLIMIT, 80% of the cap: the GC works
 * harder as the heap nears it, before the hard cap is hit. Below it, GOGC=200 lets the heap grow to three
 * times what is live between collections (Go's default, 100, to twice): kubectl kustomize and helm
 * template spend 13–17% less CPU (5,000 objects: helm 1.21 → 1.04 CPU-s, 128 → 151 MiB; kustomize 500:
 * 0.89 → 0.78 CPU-s), and the limit keeps a large render from growing past the cap for it. Only where
 * the memory this process may use (`constrained`: its container's limit, process.constrainedMemory)
 * holds two renders at the cap (a diff renders base and head at once) and Ferry itself; in a smaller
 * container (the agent's is 256 MiB) the container, not the cap, bounds a render, and Go's default
 * keeps its heap lower.
 */
export function goMemorySettings(
  max: number,
  constrained: number | undefined,
): { GOMEMLIMIT: string; GOGC?: string } {
  const limit = { GOMEMLIMIT: `${Math.floor((max * 0.8) / (1024 * 1024))}MiB` };
  // 0 or nothing: no limit known; cgroup v1 says "no limit" with a number near 2^64.
  const roomy = !constrained || constrained >= 2 * max + OWN_ROOM_BYTES;
  return roomy ? { ...limit, GOGC: '200' } : limit;
}

/** Resident set size of a process in bytes (Linux /proc), or undefined when it cannot be read. */
async function readRss(pid: number): Promise<number | undefined> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => undefined);
  const kib = status ? /^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] : undefined;
  return kib === undefined ? undefined : Number(kib) * 1024;
}

/**
 * Runs a binary in its own process group with a deadline and a cap on stdout and on memory. Over either limit the
 * whole group is killed (SIGKILL: a renderer stuck on untrusted input gets no chance to linger).
 * Never throws: every way it can go is an outcome.
 */
export function runBinary(opts: RunBinaryOptions): Promise<RunOutcome> {
  return new Promise((resolve) => {
    const capped = withMemoryCap(opts);
    const child = spawn(capped.file, capped.args, {
      cwd: opts.cwd,
      env: capped.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group, so a kill reaches anything it started, too.
      detached: true,
    });
    const decoder = new StringDecoder('utf8');
    let stdout = '';
    let stdoutBytes = 0;
    let stderr = Buffer.alloc(0);
    let stopped: 'timeout' | 'too-large' | 'out-of-memory' | undefined;

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
    let watch: NodeJS.Timeout | undefined;
    const finish = (outcome: RunOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearInterval(watch);
      resolve(outcome);
    };
    const stop = (why: 'timeout' | 'too-large' | 'out-of-memory') => {
      if (stopped) return;
      stopped = why;
      killGroup();
      // Don't wait for the pipes to close: something that left the group could hold them open forever.
      child.stdout.destroy();
      child.stderr.destroy();
      if (exited) finish({ kind: why });
    };

    timer = setTimeout(() => stop('timeout'), opts.timeoutMs);
    const { maxMemoryBytes } = opts;
    if (maxMemoryBytes !== undefined && process.platform === 'linux' && child.pid !== undefined) {
      // A backstop for memory RLIMIT_DATA does not count (file-backed pages, a child's own children),
      // and the bound where the container leaves less room than the cap.
      const pid = child.pid;
      const maxRss = residentBound(opts, maxMemoryBytes);
      watch = setInterval(() => {
        void readRss(pid).then((rss) => {
          if (rss !== undefined && rss > maxRss) stop('out-of-memory');
        });
      }, RSS_POLL_MS);
    }
    child.stdout.on('data', (chunk: Buffer) => {
      if (stopped) return;
      stdoutBytes += chunk.length;
      if (stdoutBytes > opts.maxOutputBytes) stop('too-large');
      // Decoded as it comes: one copy of a render in memory (a joined buffer and its text were two,
      // each a fresh block of tens of MiB at 5,000 objects).
      else stdout += decoder.write(chunk);
    });
    // Go prints its verdict first (in several writes), then stacks that can push it out of the tail.
    let stderrHead = '';
    child.stderr.on('data', (chunk: Buffer) => {
      if (stderrHead.length < STDERR_HEAD) stderrHead += chunk.toString('utf8').slice(0, STDERR_HEAD);
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
      if (code !== 0 && opts.maxMemoryBytes !== undefined && GO_OUT_OF_MEMORY.test(stderrHead))
        return finish({ kind: 'out-of-memory' });
      finish({
        kind: 'exited',
        code: code ?? (signal ? 128 : 1),
        stdout: stdout + decoder.end(),
        stderr: stderr.toString('utf8'),
      });
    });
  });
}
