import { copyFileSync, createWriteStream, writeFileSync } from 'node:fs';
import { mkdtemp, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { PassThrough, Readable, Transform, Writable } from 'node:stream';
import { finished, pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { createGunzip } from 'node:zlib';
import { Parser } from 'tar/parse';
import type { ReadEntry } from 'tar/read-entry';
import { directoryMaker } from './directory-maker.ts';
import { planLinkCopies, type TreeLink } from './plan-link-copies.ts';
import { InvalidArchiveError, SourceTooLargeError, UnsafeArchiveError } from './source-errors.ts';
import {
  DEFAULT_MAX_SOURCE_BYTES,
  DEFAULT_MAX_SOURCE_FILES,
  type ExtractedTree,
  type ExtractionStats,
} from './source-tree.ts';

export interface ExtractTarballOptions {
  /** A tar stream, gzip-compressed or not (sniffed from the magic bytes). */
  stream: NodeJS.ReadableStream | ReadableStream<Uint8Array>;
  revision: string;
  /** Cap on the uncompressed archive (headers included). Default 200 MiB. */
  maxBytes?: number;
  /** Cap on regular files. Default 20,000. */
  maxFiles?: number;
  /** Leading path segments to drop: 1 for GitHub's `owner-repo-sha/` top directory (default), 0 for `git archive`. */
  strip?: number;
}

/** Files up to this size are read into memory whole and written in the background. */
const SMALL_FILE_BYTES = 256 * 1024;

/** Files being flushed to disk at once; more and the archive is read no further until some finish. */
const MAX_IN_FLIGHT = 64;

/**
 * Streams a tar (GitHub's tarball endpoint, `git archive`) into a fresh `ferry-` temp dir.
 *
 * The archive is untrusted (a fork's PR): only regular files and directories are written; a symbolic
 * link inside the repository is written as copies of what it points to (planLinkCopies, as a checkout
 * reads through it), other links and special files are skipped (counted in `stats`), absolute paths and `..` segments refuse the whole
 * archive, modes are reduced to 0644/0755, and the uncompressed size and file count are capped.
 * On any failure the temp dir is removed before the error is thrown.
 */
export async function extractTarball(opts: ExtractTarballOptions): Promise<ExtractedTree> {
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_SOURCE_BYTES;
  const maxFiles = opts.maxFiles ?? DEFAULT_MAX_SOURCE_FILES;
  const strip = opts.strip ?? 1;
  // Attach a consumer before the first await: Node resumes, and so discards, a child process's
  // stdout that is not being read when the child exits (child_process flushStdio).
  const input = new PassThrough();
  pipeline(toNodeReadable(opts.stream), input).catch(() => {
    // The same error reaches the extraction pipeline through `input`, which it destroys.
  });
  const root = await realpath(await mkdtemp(join(tmpdir(), 'ferry-src-')));
  const stats: ExtractionStats = { files: 0, skippedLinks: 0, skippedSpecial: 0, bytes: 0 };
  const writer = new TreeWriter({ root, revision: opts.revision, maxBytes, maxFiles, strip, stats });
  try {
    const { head, rest } = await peekBytes(input, 2);
    const stages: NodeJS.ReadWriteStream[] = isGzip(head) ? [createGunzip()] : [];
    await pipeline([
      rest,
      ...stages,
      countBytes({ maxBytes, revision: opts.revision, stats }),
      writer.sink(),
    ]);
    await writer.settled();
    if (writer.links.length > 0)
      writeLinkCopies({
        root,
        links: writer.links,
        files: writer.files,
        stats,
        maxBytes,
        maxFiles,
        revision: opts.revision,
      });
  } catch (err) {
    writer.abort(err);
    await writer.settled();
    await rm(root, { recursive: true, force: true });
    const cause = writer.failure ?? err;
    if (cause instanceof SourceTooLargeError || cause instanceof UnsafeArchiveError) throw cause;
    throw new InvalidArchiveError(opts.revision, { cause });
  }
  let disposed = false;
  return {
    root,
    revision: opts.revision,
    stats,
    archiveLinks: writer.links,
    async dispose() {
      if (disposed) return;
      disposed = true;
      await rm(root, { recursive: true, force: true });
    },
  };
}

/**
 * Writes the copies that stand for the archive's links inside the repository (planLinkCopies), from the
 * files already written; the other links are counted as skipped. The copies count towards the caps.
 */
function writeLinkCopies(opts: {
  root: string;
  links: readonly TreeLink[];
  /** The files written, repo-relative, with their sizes. */
  files: ReadonlyMap<string, number>;
  stats: ExtractionStats;
  maxBytes: number;
  maxFiles: number;
  revision: string;
}): void {
  const { root, stats } = opts;
  const { copies, skipped } = planLinkCopies(opts.links, [...opts.files.keys()]);
  stats.skippedLinks += skipped;
  const ensureDirectory = directoryMaker();
  for (const copy of copies) {
    const from = join(root, copy.from);
    stats.files++;
    stats.bytes += opts.files.get(copy.from) ?? 0;
    if (stats.files > opts.maxFiles)
      throw new SourceTooLargeError(opts.revision, { kind: 'files', max: opts.maxFiles });
    if (stats.bytes > opts.maxBytes)
      throw new SourceTooLargeError(opts.revision, { kind: 'bytes', max: opts.maxBytes });
    const to = join(root, copy.to);
    ensureDirectory(dirname(to));
    copyFileSync(from, to);
  }
}

interface TreeWriterOptions {
  root: string;
  revision: string;
  maxBytes: number;
  maxFiles: number;
  strip: number;
  stats: ExtractionStats;
}

/** Turns parsed tar entries into files under `root`; the first problem stops it (see `failure`). */
class TreeWriter {
  failure: Error | undefined;
  /** The archive's symbolic links, repo-relative, for writeLinkCopies. */
  readonly links: TreeLink[] = [];
  /** The regular files written, repo-relative, with their sizes, for writeLinkCopies. */
  readonly files = new Map<string, number>();
  private declaredBytes = 0;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly open = new Set<NodeJS.WritableStream & { destroy(): void }>();
  private readonly parser: Parser;
  private signalFailure: () => void = () => {};
  /** Resolves on the first failure: unblocks waits for parser events that will never come. */
  private readonly failedSignal = new Promise<void>((resolve) => {
    this.signalFailure = resolve;
  });

  constructor(private readonly opts: TreeWriterOptions) {
    // strict: a checksum failure or a malformed header is an error, not a warning to skip past.
    this.parser = new Parser({ strict: true });
    this.parser.on('entry', (entry: ReadEntry) => this.onEntry(entry));
    this.parser.on('error', (err: Error) => this.abort(err));
  }

  sink(): Writable {
    const parserEnded = new Promise<void>((resolve) => this.parser.once('end', () => resolve()));
    return new Writable({
      write: (chunk: Buffer, _encoding, callback) => {
        if (this.failure) return callback(this.failure);
        const flowing = this.parser.write(chunk);
        const drained = flowing ? Promise.resolve() : new Promise<void>((r) => this.parser.once('drain', r));
        Promise.race([drained, this.failedSignal])
          .then(() => this.drainInFlight())
          .then(() => callback(this.failure ?? null), callback);
      },
      final: (callback) => {
        if (this.failure) return callback(this.failure);
        this.parser.end();
        Promise.race([parserEnded, this.failedSignal])
          .then(() => this.settled())
          .then(() => callback(this.failure ?? null), callback);
      },
    });
  }

  abort(err: unknown): void {
    if (this.failure) return;
    this.failure = err instanceof Error ? err : new Error(String(err));
    this.signalFailure();
    // Entries cut off mid-body never end: close their files so `settled()` can resolve.
    for (const stream of this.open) stream.destroy();
  }

  /** Resolves when every file write has finished or been torn down. */
  async settled(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  private async drainInFlight(): Promise<void> {
    while (this.inFlight.size > MAX_IN_FLIGHT && !this.failure) await Promise.race(this.inFlight);
  }

  private onEntry(entry: ReadEntry): void {
    const rel = this.failure ? undefined : this.place(entry);
    if (rel === undefined) entry.resume();
    else if (entry.size <= SMALL_FILE_BYTES) this.bufferSmallFile(entry, rel);
    else this.track(this.writeFile(entry, rel));
  }

  /**
   * The parser hands out one entry at a time and waits until it is consumed: reading a small
   * file into memory at once lets the next entry start while this one is written.
   */
  private bufferSmallFile(entry: ReadEntry, rel: string): void {
    const chunks: Buffer[] = [];
    const mode = fileMode(entry);
    entry.on('data', (chunk: Buffer) => chunks.push(chunk));
    entry.once('end', () => {
      if (this.failure) return;
      const path = join(this.opts.root, rel);
      // Written at once: a small file's write through the thread pool costs several times this.
      try {
        this.ensureDirectory(dirname(path));
        writeFileSync(path, Buffer.concat(chunks), { mode });
      } catch (err) {
        this.abort(err);
      }
    });
  }

  private readonly ensureDirectory = directoryMaker();

  /** Where a regular file entry goes, or undefined when the entry is skipped (or stops everything). */
  private place(entry: ReadEntry): string | undefined {
    const { revision, stats, maxFiles, maxBytes } = this.opts;
    const rel = safeRelativePath(entry.path, this.opts.strip, revision);
    if (rel instanceof Error) {
      this.abort(rel);
      return undefined;
    }
    switch (entry.type) {
      case 'Directory':
      case 'GNUDumpDir':
        try {
          if (rel !== '') this.ensureDirectory(join(this.opts.root, rel));
        } catch (err) {
          this.abort(err);
        }
        return undefined;
      case 'File':
      case 'OldFile':
      case 'ContiguousFile':
        stats.files++;
        this.declaredBytes += entry.size;
        if (stats.files > maxFiles) {
          this.abort(new SourceTooLargeError(revision, { kind: 'files', max: maxFiles }));
          return undefined;
        }
        // The header announces the size: refuse a bomb before inflating it.
        if (this.declaredBytes > maxBytes) {
          this.abort(new SourceTooLargeError(revision, { kind: 'bytes', max: maxBytes }));
          return undefined;
        }
        if (rel === '') return undefined;
        this.files.set(rel, entry.size);
        return rel;
      case 'SymbolicLink':
        // The tree must hold no links (a link is how an archive reaches outside its root): one that
        // stays inside becomes copies once every file is written (writeLinkCopies).
        if (rel !== '' && typeof entry.linkpath === 'string')
          this.links.push({ path: rel, target: entry.linkpath });
        else stats.skippedLinks++;
        return undefined;
      case 'Link':
        stats.skippedLinks++;
        return undefined;
      default:
        stats.skippedSpecial++;
        return undefined;
    }
  }

  private track(work: Promise<void>): void {
    const tracked: Promise<void> = work.then(
      () => {
        this.inFlight.delete(tracked);
      },
      (err: unknown) => {
        this.inFlight.delete(tracked);
        this.abort(err);
      },
    );
    this.inFlight.add(tracked);
  }

  private async writeFile(entry: ReadEntry, rel: string): Promise<void> {
    const path = join(this.opts.root, rel);
    this.ensureDirectory(dirname(path));
    if (this.failure) {
      entry.resume();
      return;
    }
    const out = createWriteStream(path, { mode: fileMode(entry) });
    this.open.add(out);
    entry.pipe(out);
    try {
      await finished(out);
    } catch (err) {
      // A stream we destroyed ourselves after another failure: that failure is the one to report.
      if (!this.failure) throw err;
    } finally {
      this.open.delete(out);
    }
  }
}

/** Executable bit kept, everything else (setuid, setgid, sticky, group/other write) dropped. */
function fileMode(entry: ReadEntry): number {
  return (entry.mode ?? 0) & 0o111 ? 0o755 : 0o644;
}

/**
 * The entry's path relative to the tree root ('' for the stripped top directory), or the reason the
 * archive is refused. Only `/` separates segments (tar is POSIX); `.` and empty segments are dropped.
 */
function safeRelativePath(path: string, strip: number, revision: string): string | UnsafeArchiveError {
  if (path.startsWith('/') || /^[A-Za-z]:/.test(path)) {
    return new UnsafeArchiveError(revision, path, 'absolute path');
  }
  const segments = path.split('/').filter((s) => s !== '' && s !== '.');
  if (segments.includes('..')) return new UnsafeArchiveError(revision, path, "'..' segment");
  return segments.slice(strip).join('/');
}

function countBytes(opts: { maxBytes: number; revision: string; stats: ExtractionStats }): Transform {
  let checkedNesting = false;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      opts.stats.bytes += chunk.length;
      if (opts.stats.bytes > opts.maxBytes) {
        return callback(new SourceTooLargeError(opts.revision, { kind: 'bytes', max: opts.maxBytes }));
      }
      if (!checkedNesting) {
        checkedNesting = true;
        // tar's Parser would inflate a second gzip layer itself, outside our byte count.
        if (isGzip(chunk)) return callback(new UnsafeArchiveError(opts.revision, '', 'nested compression'));
      }
      callback(null, chunk);
    },
  });
}

function isGzip(head: Buffer): boolean {
  return head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
}

function toNodeReadable(stream: NodeJS.ReadableStream | ReadableStream<Uint8Array>): Readable {
  if (stream instanceof Readable) return stream;
  if ('getReader' in stream) return Readable.fromWeb(stream as WebReadableStream<Uint8Array>);
  return new Readable().wrap(stream);
}

/**
 * Reads at least `n` bytes (or all there is) to sniff the format, and returns a stream that still
 * yields every byte.
 */
function peekBytes(input: Readable, n: number): Promise<{ head: Buffer; rest: Readable }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let length = 0;
    const cleanup = () => {
      input.off('readable', onReadable);
      input.off('end', onEnd);
      input.off('error', onError);
    };
    const onError = (err: Error) => {
      cleanup();
      reject(err);
    };
    const onEnd = () => {
      cleanup();
      const head = Buffer.concat(chunks);
      // unshift() is not allowed after 'end': hand over what was read as a stream of its own.
      resolve({ head, rest: Readable.from(head.length > 0 ? [head] : []) });
    };
    const onReadable = () => {
      for (let chunk = input.read(); chunk !== null; chunk = input.read()) {
        const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
        chunks.push(buf);
        length += buf.length;
        if (length >= n) {
          cleanup();
          const head = Buffer.concat(chunks);
          input.unshift(head);
          return resolve({ head, rest: input });
        }
      }
    };
    input.on('readable', onReadable);
    input.once('end', onEnd);
    input.once('error', onError);
  });
}
