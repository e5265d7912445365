/**
 * PATHs that are streams rather than files or folders: `-` (standard input, as in
 * `helm template . | ferry validate -`), a pipe, FIFO or terminal named by path (the `/dev/fd/63` of
 * `ferry validate <(kustomize build overlays/prod)`), and a descriptor named by path (`/dev/stdin`,
 * `/dev/fd/N`, `/proc/self/fd/N`) whatever it is: `ferry validate /dev/stdin < file.yaml` is a file
 * redirected, which is no file of a repository. Each is read to its end and
 * written as one YAML file into a folder of its own (mode 0700: a stream may hold Secrets), so that it
 * is checked as any plain file is; the findings then name the stream as the user did.
 */
import { createReadStream, statSync } from 'node:fs';
import { mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { DEFAULT_MAX_SOURCE_BYTES } from '../source/source-tree.ts';
import type { Finding } from '../types.ts';
import { UsageError } from './usage-error.ts';

/** How findings name standard input. */
const STDIN_NAME = '<stdin>';

/** A file descriptor named by path: Linux's /proc/self/fd/N, and /dev/stdin and /dev/fd/N (links to them). */
const DESCRIPTOR_PATH = /^\/(?:dev\/(?:stdin|fd\/\d+)|proc\/self\/fd\/\d+)$/;

/** Whether a PATH argument names a stream: `-`, a descriptor, or a path that is a pipe, FIFO, socket or character device. */
export function isStreamPath(path: string, cwd = process.cwd()): boolean {
  if (path === '-' || DESCRIPTOR_PATH.test(resolve(cwd, path))) return true;
  try {
    const s = statSync(resolve(cwd, path));
    return s.isFIFO() || s.isCharacterDevice() || s.isSocket();
  } catch {
    // A path that does not exist is the file reader's to report.
    return false;
  }
}

export interface StreamFiles {
  /** The folder the streams were written to: the repository root of their check. */
  root: string;
  /** Each stream's file in `root`. */
  paths: string[];
  /** Each stream as the user named it, in the order of `paths`. */
  given: string[];
  /** The findings with the streams named as the user named them. */
  rename(findings: Finding[]): Finding[];
  dispose(): Promise<void>;
}

/**
 * Reads each stream PATH (in order; `-` once, however often it is named) into a file of a new temp
 * folder. A stream over `maxBytes` (default 200 MiB, the cap on a revision's files) is refused.
 */
export async function readStreamPaths(
  given: readonly string[],
  opts: { stdin?: Readable; cwd?: string; maxBytes?: number } = {},
): Promise<StreamFiles> {
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_SOURCE_BYTES;
  const unique = [...new Set(given)];
  const root = await realpath(await mkdtemp(join(tmpdir(), 'ferry-stdin-')));
  const names = new Map<string, string>();
  try {
    for (const [i, path] of unique.entries()) {
      const shown = path === '-' ? STDIN_NAME : path;
      const input =
        path === '-' ? (opts.stdin ?? process.stdin) : createReadStream(resolve(opts.cwd ?? '.', path));
      const text = await readAll(input, shown, maxBytes);
      const file = `stream-${i}.yaml`;
      await writeFile(join(root, file), text, { mode: 0o600 });
      names.set(file, shown);
    }
  } catch (err) {
    await rm(root, { recursive: true, force: true });
    throw err;
  }
  return {
    root,
    paths: [...names.keys()],
    given: unique,
    rename: (findings) =>
      findings.map((f) => {
        const shown = names.get(f.file);
        if (shown === undefined) return f;
        const named = (text: string) => text.replaceAll(f.file, shown);
        return {
          ...f,
          file: shown,
          message: named(f.message),
          ...(f.detail === undefined ? {} : { detail: named(f.detail) }),
        };
      }),
    dispose: () => rm(root, { recursive: true, force: true }),
  };
}

async function readAll(input: Readable, shown: string, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let bytes = 0;
  try {
    for await (const chunk of input) {
      const buf = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
      bytes += buf.length;
      if (bytes > maxBytes) {
        input.destroy();
        throw new UsageError(
          `${shown} is over ${Math.round(maxBytes / 1024 / 1024)} MiB; validate its files instead`,
        );
      }
      chunks.push(buf);
    }
  } catch (err) {
    if (err instanceof UsageError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(`${shown}: cannot be read (${code ?? (err as Error).message})`);
  }
  return Buffer.concat(chunks);
}
