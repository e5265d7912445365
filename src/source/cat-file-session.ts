import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { gitEnv } from './run-git.ts';
import { GitCommandError } from './source-errors.ts';

/** An object as `git cat-file --batch` gives it. */
export interface GitObject {
  sha: string;
  type: string;
  /** Its bytes, as the pieces of git's output they came in (contentOf joins them). */
  pieces: Buffer[];
}

/** An object's bytes as one buffer (a copy only when they came in more than one piece). */
export function contentOf(o: GitObject): Buffer {
  return o.pieces.length === 1 ? (o.pieces[0] as Buffer) : Buffer.concat(o.pieces);
}

const ARGS = ['cat-file', '--batch'] as const;

/**
 * One `git cat-file --batch` kept open for many reads: any object name git understands (`main^{commit}`,
 * a tree's or blob's SHA) in, the object out, in the order asked. One git process instead of one per
 * question: each spawn forks this (by then large) process and starts git, ~15 ms of CPU here.
 * `read` resolves undefined for a name git cannot give (`<name> missing`, `ambiguous`); anything
 * else (git failing, a name holding a line break) rejects it and every read after it.
 */
export class CatFileSession {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly waiting: { resolve: (o: GitObject | undefined) => void; reject: (e: Error) => void }[] =
    [];
  private readonly reader: BatchReader;
  private failure: Error | undefined;
  private corked = false;
  private readonly exited: Promise<void>;

  constructor(repoDir: string) {
    this.child = spawn('git', ['-C', repoDir, ...ARGS], { env: gitEnv(), stdio: ['pipe', 'pipe', 'pipe'] });
    const stderr: Buffer[] = [];
    this.child.stderr.on('data', (c: Buffer) => stderr.push(c));
    this.child.stdin.on('error', () => {
      // git stopped reading (it failed): its exit says why.
    });
    this.reader = new BatchReader(
      (pieces, _index, header) => this.waiting.shift()?.resolve({ ...header, pieces }),
      () => undefined,
      () => this.waiting.shift()?.resolve(undefined),
    );
    this.child.stdout.on('data', (chunk: Buffer) => {
      try {
        this.reader.push(chunk);
      } catch (err) {
        this.fail(err as Error);
        this.child.kill('SIGKILL');
      }
    });
    this.exited = new Promise((resolve) => {
      this.child.once('error', (e) => {
        this.fail(new GitCommandError(ARGS, '', { cause: e }));
        resolve();
      });
      this.child.once('close', (code) => {
        this.fail(new GitCommandError(ARGS, Buffer.concat(stderr).toString('utf8') || `exit ${code}`));
        resolve();
      });
    });
  }

  /** The object `name` names, or undefined when git has none by that name. */
  read(name: string): Promise<GitObject | undefined> {
    if (this.failure) return Promise.reject(this.failure);
    if (/[\n\r\0]/.test(name))
      return Promise.reject(new GitCommandError(ARGS, `a line break in ${JSON.stringify(name)}`));
    return new Promise((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      // The names asked in one turn go to git in one write.
      if (!this.corked) {
        this.corked = true;
        this.child.stdin.cork();
        process.nextTick(() => {
          this.corked = false;
          this.child.stdin.uncork();
        });
      }
      this.child.stdin.write(`${name}\n`);
    });
  }

  /** Ends git's input and waits for it to exit; reads still waiting are rejected. */
  async close(): Promise<void> {
    this.child.stdin.end();
    await this.exited;
  }

  private fail(err: Error): void {
    this.failure ??= err;
    for (const w of this.waiting.splice(0)) w.reject(this.failure);
  }
}

/**
 * Splits `git cat-file --batch` output into objects (`<object> <type> <size>\n`, the bytes, `\n`),
 * handing each to `onObject` with its index, as the pieces of git's output it spans (no copy: a file
 * of the revision is written from them with one write each; joining them cost a fresh block of
 * memory per file). A one-line answer for an object git cannot give (`<name> missing`, `ambiguous`)
 * goes to `onOther` when given, else it is an error naming the file it is of (`pathOf`).
 */
export class BatchReader {
  count = 0;
  /** Bytes read and not yet handed out, in arrival order. */
  private parts: Buffer[] = [];
  private length = 0;
  /** The header of the object whose bytes are being read, once its header is read. */
  private header: { sha: string; type: string; size: number } | undefined;

  constructor(
    private readonly onObject: (
      pieces: Buffer[],
      index: number,
      header: { sha: string; type: string },
    ) => void,
    private readonly pathOf: (index: number) => string | undefined = () => undefined,
    private readonly onOther?: (line: string, index: number) => void,
  ) {}

  get pending(): boolean {
    return this.length > 0 || this.header !== undefined;
  }

  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.parts.push(chunk);
    this.length += chunk.length;
    for (;;) {
      if (this.header === undefined) {
        const line = this.takeLine();
        if (line === undefined) return;
        const m = /^([0-9a-f]+) ([a-z]+) (\d+)$/.exec(line);
        if (!m) {
          // `<object> missing` (or anything else) for an object git cannot give.
          if (!this.onOther) throw new GitCommandError(ARGS, this.describe(line));
          this.onOther(line, this.count++);
          continue;
        }
        this.header = { sha: m[1] as string, type: m[2] as string, size: Number(m[3]) };
      }
      // The object's bytes and the newline after them.
      const { size, sha, type } = this.header;
      if (this.length < size + 1) return;
      const pieces = this.take(size);
      this.take(1);
      this.header = undefined;
      this.onObject(pieces, this.count++, { sha, type });
    }
  }

  /** The next line (without its newline), once all of it is here. */
  private takeLine(): string | undefined {
    if (this.length === 0) return undefined;
    let eol = (this.parts[0] as Buffer).indexOf(0x0a);
    if (eol < 0) {
      // A header split between two reads of git's output: rare, and short.
      if (this.parts.length === 1) return undefined;
      this.parts = [Buffer.concat(this.parts, this.length)];
      eol = (this.parts[0] as Buffer).indexOf(0x0a);
      if (eol < 0) return undefined;
    }
    const line = (this.parts[0] as Buffer).toString('utf8', 0, eol);
    this.take(eol + 1);
    return line;
  }

  /** The first `n` bytes held (n ≤ length), as views of the parts they are in. */
  private take(n: number): Buffer[] {
    const out: Buffer[] = [];
    let need = n;
    while (need > 0) {
      const part = this.parts[0] as Buffer;
      if (part.length <= need) {
        out.push(part);
        this.parts.shift();
        need -= part.length;
      } else {
        out.push(part.subarray(0, need));
        this.parts[0] = part.subarray(need);
        need = 0;
      }
    }
    this.length -= n;
    return out;
  }

  /**
   * git's header for an object it cannot give, with the file it is of and what to do: a blob missing
   * from the repository is a partial clone's (`--filter`) or a damaged one's (data-on-eks' mirror lacked
   * its largest images, and the whole diff failed naming only a hash).
   */
  private describe(header: string): string {
    const path = this.pathOf(this.count);
    if (path === undefined || !/ missing$/.test(header)) return header;
    return `${header}: the repository lacks the content of ${path} at this revision (a partial or damaged clone); fetch it (git fetch --refetch) or run on a complete clone`;
  }
}
