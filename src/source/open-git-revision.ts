import { spawn } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { mkdtemp, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { directoryMaker } from './directory-maker.ts';
import { planLinkCopies, type TreeLink } from './plan-link-copies.ts';
import { resolveGitRevision } from './resolve-git-revision.ts';
import { isSafePath } from './restore-from-git-tree.ts';
import { gitEnv, runGit } from './run-git.ts';
import { GitCommandError, SourceTooLargeError, UnsafeArchiveError } from './source-errors.ts';
import {
  DEFAULT_MAX_SOURCE_BYTES,
  DEFAULT_MAX_SOURCE_FILES,
  type ExtractedTree,
  type ExtractionStats,
} from './source-tree.ts';

export interface OpenGitRevisionOptions {
  repoDir: string;
  /** Any ref git understands; the tree's `revision` is its full SHA. */
  revision: string;
  /** Cap on the revision's files' bytes in all. Default 200 MiB. */
  maxBytes?: number;
  /** Cap on its regular files. Default 20,000. */
  maxFiles?: number;
}

/** One regular file of a revision's tree, as `git ls-tree -l` lists it. */
interface TreeFile {
  path: string;
  blob: string;
  mode: number;
  bytes: number;
}

/**
 * A revision of a local git repository as a temp tree, without touching the repository's working
 * tree or index: its real tree, as committed. `git ls-tree` lists it and `git cat-file --batch` gives
 * each file's blob, written here; nothing passes through `.gitattributes` (no `export-ignore`,
 * `export-subst`, line-ending or filter rewriting, which `git archive` would apply). As with a GitHub
 * tarball the tree has no links: one inside the repository is written as copies of what it points to
 * (planLinkCopies), the others are skipped and counted; modes are 0644 or 0755, and the size caps are
 * checked on the listing (the copies included) before anything is written.
 */
export async function openGitRevision(opts: OpenGitRevisionOptions): Promise<ExtractedTree> {
  const sha = await resolveGitRevision(opts.repoDir, opts.revision);
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_SOURCE_BYTES;
  const maxFiles = opts.maxFiles ?? DEFAULT_MAX_SOURCE_FILES;
  const stats: ExtractionStats = { files: 0, skippedLinks: 0, skippedSpecial: 0, bytes: 0 };
  const { files, submodules, links } = await listTree(opts.repoDir, sha, stats);
  if (links.length > 0) await addLinkCopies({ repoDir: opts.repoDir, files, links, stats });
  if (files.length > maxFiles) throw new SourceTooLargeError(sha, { kind: 'files', max: maxFiles });
  if (stats.bytes > maxBytes) throw new SourceTooLargeError(sha, { kind: 'bytes', max: maxBytes });
  const root = await realpath(await mkdtemp(join(tmpdir(), 'ferry-src-')));
  try {
    const ensureDirectory = directoryMaker();
    // A submodule is an empty directory, as in an archive.
    for (const path of submodules) ensureDirectory(join(root, path));
    await writeBlobs({ repoDir: opts.repoDir, root, files, ensureDirectory });
  } catch (err) {
    await rm(root, { recursive: true, force: true });
    throw err;
  }
  stats.files = files.length;
  let disposed = false;
  return {
    root,
    revision: sha,
    stats,
    // At once, as the files were written: `ferry diff` removes its trees as it ends, and removing each
    // file through the thread pool costs over twice as much.
    async dispose() {
      if (disposed) return;
      disposed = true;
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/**
 * The revision's regular files, submodule paths and symbolic links (their blobs hold the targets);
 * anything else is counted in `stats`.
 */
async function listTree(
  repoDir: string,
  sha: string,
  stats: ExtractionStats,
): Promise<{ files: TreeFile[]; submodules: string[]; links: TreeFile[] }> {
  const args = ['ls-tree', '-r', '-z', '-l', '--full-tree', sha];
  const listed = await runGit(repoDir, args);
  if (listed.code !== 0) throw new GitCommandError(args, listed.stderr);
  const files: TreeFile[] = [];
  const submodules: string[] = [];
  const links: TreeFile[] = [];
  for (const entry of listed.stdout.split('\0')) {
    if (entry === '') continue;
    // `<mode> <type> <object> <size>\t<path>`; the size is `BAD` for a blob the repository lacks, which
    // cat-file then reports as missing.
    const m = /^(\d+) (\w+) ([0-9a-f]+) +(\d+|-|BAD)\t(.+)$/s.exec(entry);
    if (!m) throw new GitCommandError(args, `unexpected line ${JSON.stringify(entry.slice(0, 200))}`);
    const [, mode, type, blob, size, path] = m as unknown as [string, string, string, string, string, string];
    if (!isSafePath(path)) throw new UnsafeArchiveError(sha, path, 'unsafe path');
    if (type === 'blob' && (mode === '100644' || mode === '100755')) {
      const bytes = size === 'BAD' ? 0 : Number(size);
      files.push({ path, blob, mode: mode === '100755' ? 0o755 : 0o644, bytes });
      stats.bytes += bytes;
    } else if (mode === '120000') links.push({ path, blob, mode: 0o644, bytes: 0 });
    else if (type === 'commit') submodules.push(path);
    else stats.skippedSpecial++;
  }
  return { files, submodules, links };
}

/**
 * Adds to `files` the copies that stand for the revision's links inside the repository (planLinkCopies:
 * what a checkout reads through them), each written from the blob of the file it points to; the other
 * links are counted as skipped. The copies count towards the caps as files of their own.
 */
async function addLinkCopies(opts: {
  repoDir: string;
  files: TreeFile[];
  links: readonly TreeFile[];
  stats: ExtractionStats;
}): Promise<void> {
  const targets: TreeLink[] = [];
  await readBlobs({
    repoDir: opts.repoDir,
    blobs: opts.links.map((l) => l.blob),
    pathOf: (index) => opts.links[index]?.path,
    onBlob: (content, index) => {
      const link = opts.links[index];
      if (link) targets.push({ path: link.path, target: content.toString('utf8') });
    },
  });
  const byPath = new Map(opts.files.map((f) => [f.path, f]));
  const { copies, skipped } = planLinkCopies(targets, [...byPath.keys()]);
  opts.stats.skippedLinks += skipped;
  for (const copy of copies) {
    const from = byPath.get(copy.from);
    if (!from) continue;
    opts.files.push({ ...from, path: copy.to });
    opts.stats.bytes += from.bytes;
  }
}

/**
 * Writes each file's blob under `root`, read from one `git cat-file --batch` (`<object> blob <size>\n`,
 * the bytes, `\n` per request). Files are written at once as they arrive: a small file's write through
 * the thread pool costs several times its synchronous write.
 */
async function writeBlobs(opts: {
  repoDir: string;
  root: string;
  files: readonly TreeFile[];
  ensureDirectory: (dir: string) => void;
}): Promise<void> {
  const { root, files, ensureDirectory } = opts;
  await readBlobs({
    repoDir: opts.repoDir,
    blobs: files.map((f) => f.blob),
    pathOf: (index) => files[index]?.path,
    onBlob: (content, index) => {
      const file = files[index];
      if (!file) throw new GitCommandError(['cat-file', '--batch'], 'more objects than asked for');
      const abs = join(root, file.path);
      ensureDirectory(dirname(abs));
      writeFileSync(abs, content, { mode: file.mode });
    },
  });
}

/** Hands each of `blobs`, read from one `git cat-file --batch`, to `onBlob` with its index, in order. */
async function readBlobs(opts: {
  repoDir: string;
  blobs: readonly string[];
  /** The file a blob is of, named when git lacks it. */
  pathOf: (index: number) => string | undefined;
  onBlob: (content: Buffer, index: number) => void;
}): Promise<void> {
  const { blobs } = opts;
  if (blobs.length === 0) return;
  const args = ['cat-file', '--batch'];
  const child = spawn('git', ['-C', opts.repoDir, ...args], {
    env: gitEnv(),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const stderr: Buffer[] = [];
  child.stderr.on('data', (c: Buffer) => stderr.push(c));
  child.stdin.on('error', () => {
    // git stopped reading (it failed): its exit code and stderr say why.
  });
  child.stdin.end(blobs.map((b) => `${b}\n`).join(''));
  const reader = new BatchReader(opts.onBlob, opts.pathOf);
  const exited = new Promise<number>((resolve, reject) => {
    child.once('error', (e) => reject(new GitCommandError(args, '', { cause: e })));
    child.once('close', (code) => resolve(code ?? 1));
  });
  try {
    for await (const chunk of child.stdout) reader.push(chunk as Buffer);
  } catch (err) {
    child.kill('SIGKILL');
    await exited.catch(() => {
      // The write's or the reader's error is the one worth reporting.
    });
    throw err;
  }
  const code = await exited;
  if (code !== 0) throw new GitCommandError(args, Buffer.concat(stderr).toString('utf8'));
  if (reader.count !== blobs.length || reader.pending) {
    throw new GitCommandError(args, `git gave ${reader.count} of ${blobs.length} objects`);
  }
}

/** Splits `git cat-file --batch` output into objects, handing each to `onObject` with its index. */
class BatchReader {
  count = 0;
  /** Bytes read and not yet handed out, in arrival order (joined only once an object is complete). */
  private parts: Buffer[] = [];
  private length = 0;
  /** The size of the object whose bytes are being read, once its header is read. */
  private size: number | undefined;

  constructor(
    private readonly onObject: (content: Buffer, index: number) => void,
    private readonly pathOf: (index: number) => string | undefined = () => undefined,
  ) {}

  get pending(): boolean {
    return this.length > 0 || this.size !== undefined;
  }

  push(chunk: Buffer): void {
    this.parts.push(chunk);
    this.length += chunk.length;
    for (;;) {
      if (this.size === undefined) {
        const buffered = this.joined();
        const eol = buffered.indexOf(0x0a);
        if (eol < 0) return;
        const header = buffered.subarray(0, eol).toString('utf8');
        // `<object> missing` (or anything else) for an object git cannot give: the tree is incomplete.
        const m = /^[0-9a-f]+ blob (\d+)$/.exec(header);
        if (!m) throw new GitCommandError(['cat-file', '--batch'], this.describe(header));
        this.size = Number(m[1]);
        this.parts = [buffered.subarray(eol + 1)];
        this.length -= eol + 1;
      }
      // The object's bytes and the newline after them.
      if (this.length < this.size + 1) return;
      const buffered = this.joined();
      const content = buffered.subarray(0, this.size);
      this.parts = [buffered.subarray(this.size + 1)];
      this.length -= this.size + 1;
      this.size = undefined;
      this.onObject(content, this.count++);
    }
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

  private joined(): Buffer {
    if (this.parts.length !== 1) this.parts = [Buffer.concat(this.parts, this.length)];
    return this.parts[0] as Buffer;
  }
}
