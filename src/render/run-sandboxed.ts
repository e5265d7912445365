import { formatBytes } from '../manifest/format-bytes.ts';
import { createSandbox } from './create-sandbox.ts';
import { cleanBinaryOutput, formatBinaryError } from './format-binary-error.ts';
import { formatDuration, outputTooLarge } from './render-finding.ts';
import { renderMemoryBudget } from './render-memory-budget.ts';
import { RENDER_MEMORY_ENV, type RenderLimits } from './renderer.ts';
import { type BinaryName, resolveBinary } from './resolve-binaries.ts';
import { runBinary } from './run-binary.ts';

export type SandboxedOutcome =
  | { ok: true; stdout: string }
  /** `detail`: the binary's own stderr in full (cleaned), when it ran and failed. */
  | { ok: false; message: string; detail?: string };

/**
 * Runs kubectl or helm on untrusted input: a fresh empty environment (see createSandbox), the
 * render limits, and every failure turned into one clean message. Throws only BinaryNotFoundError.
 */
export async function runSandboxed(opts: {
  binary: BinaryName;
  args: readonly string[];
  root: string;
  limits: RenderLimits;
}): Promise<SandboxedOutcome> {
  const file = resolveBinary(opts.binary).path;
  // Room in the container for this render's cap, beside Ferry and the renders running now.
  const memory = await (opts.limits.memoryBudget ?? renderMemoryBudget).acquire(opts.limits.maxMemoryBytes);
  const sandbox = await createSandbox().catch((err: unknown) => {
    memory.release();
    throw err;
  });
  try {
    const outcome = await runBinary({
      file,
      args: opts.args,
      cwd: opts.root,
      env: sandbox.env,
      timeoutMs: opts.limits.timeoutMs,
      maxOutputBytes: opts.limits.maxOutputBytes,
      maxMemoryBytes: opts.limits.maxMemoryBytes,
      maxResidentBytes: memory.containerBytes === undefined ? undefined : memory.cap,
    });
    switch (outcome.kind) {
      case 'timeout':
        return {
          ok: false,
          message: `render timed out after ${formatDuration(opts.limits.timeoutMs)} (${opts.binary === 'helm' ? 'helm template' : 'kubectl kustomize'} was stopped)${opts.limits.timeoutHint ? `; ${opts.limits.timeoutHint}` : ''}`,
        };
      case 'too-large':
        return { ok: false, message: outputTooLarge(opts.limits) };
      case 'out-of-memory':
        return {
          ok: false,
          message:
            memory.containerBytes === undefined
              ? `${opts.binary} exceeded the render memory limit of ${formatBytes(memory.cap)}; ` +
                `if the target really needs more, raise ${RENDER_MEMORY_ENV} (MiB)`
              : `${opts.binary} exceeded the ${formatBytes(memory.cap)} this container leaves for a render ` +
                `(its memory limit is ${formatBytes(memory.containerBytes)}, ${RENDER_MEMORY_ENV} asks ` +
                `${formatBytes(opts.limits.maxMemoryBytes)}); raise the container's memory limit`,
        };
      case 'spawn-failed':
        return { ok: false, message: `could not run ${opts.binary}: ${outcome.message}` };
      case 'exited':
        if (outcome.code === 0) return { ok: true, stdout: outcome.stdout };
        return {
          ok: false,
          message: formatBinaryError(outcome.stderr, { root: opts.root, code: outcome.code }),
          detail: cleanBinaryOutput(outcome.stderr, { root: opts.root }) || undefined,
        };
    }
  } finally {
    memory.release();
    await sandbox.dispose();
  }
}
