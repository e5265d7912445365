import { spawn } from 'node:child_process';
import { closeSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { mkdtemp, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { BatchReader, CatFileSession, contentOf, type GitObject } from './cat-file-session.ts';
import { directoryMaker } from './directory-maker.ts';
import { planLinkCopies, type TreeLink } from './plan-link-copies.ts';
import { rememberCommit, resolveGitRevision } from './resolve-git-revision.ts';
import { isSafePath } from './restore-from-git-tree.ts';
import { gitEnv, runGit, trustAfterRefusal, trustingSafeDirectories } from './run-git.ts';
import { GitCommandError, SourceTooLargeError, UnsafeArchiveError } from './source-errors.ts';
import {
  DEFAULT_MAX_SOURCE_BYTES,
  DEFAULT_MAX_SOURCE_FILES,
  type ExtractedTree,
  type ExtractionStats,
  type TreeLayout,
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
  const linkTargets =
    links.length > 0 ? await addLinkCopies({ repoDir: opts.repoDir, files, links, stats }) : [];
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
  return extractedTree(root, sha, stats, { submodules, links: linkTargets });
}

function extractedTree(
  root: string,
  revision: string,
  stats: ExtractionStats,
  layout: TreeLayout,
): ExtractedTree {
  let disposed = false;
  return {
    root,
    revision,
    stats,
    layout,
    // At once, as the files were written: `ferry diff` removes its trees as it ends, and removing each
    // file through the thread pool costs over twice as much.
    async dispose() {
      if (disposed) return;
      disposed = true;
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** What openGitRevisions gives: the trees, and the files changed between the first two when known. */
export interface OpenedRevisions {
  trees: ExtractedTree[];
  /**
   * What listChangedFiles says of the first revision as base and the second as head, when the reader
   * could tell without another git process: the base is the head or one of its last
   * MAX_ANCESTRY_STEPS ancestors, so it is their merge base and the change is the difference of their
   * trees. Undefined otherwise (ask listChangedFiles).
   */
  changedFiles?: string[];
}

/** How many of the head's ancestors are read looking for the base before leaving it to git. */
const MAX_ANCESTRY_STEPS = 100;

/**
 * Several revisions of one repository (a diff's base and head) as temp trees, as openGitRevision opens
 * each: the same trees, stats and caps. All of it is read through one `git cat-file --batch` (the
 * revisions, their trees, every blob once even when both revisions hold it) instead of five git
 * processes for two revisions. When that way fails for any reason (a revision git does not know, a
 * missing blob, a cap, git refusing the repository) whatever it wrote is removed and each revision is
 * opened by openGitRevision, whose errors say what is wrong. On failure no tree is left behind.
 */
export async function openGitRevisions(
  opts: Omit<OpenGitRevisionOptions, 'revision'> & { revisions: readonly string[] },
): Promise<OpenedRevisions> {
  const trusted = trustingSafeDirectories();
  try {
    return await openThroughOneReader(opts);
  } catch (err) {
    // Refused as another user's: once more with the folders the user trusts (gitEnv).
    if (err instanceof GitCommandError && trustAfterRefusal(err.stderr, trusted)) {
      return openGitRevisions(opts);
    }
    // Each revision resolved first, in order, so that a name git does not know fails before any tree
    // is written (opening the other one in parallel wrote a whole revision only to remove it).
    const shas: string[] = [];
    for (const revision of opts.revisions) shas.push(await resolveGitRevision(opts.repoDir, revision));
    const opened = await Promise.allSettled(shas.map((revision) => openGitRevision({ ...opts, revision })));
    const failed = opened.find((o) => o.status === 'rejected');
    if (failed) {
      await Promise.all(opened.map((o) => (o.status === 'fulfilled' ? o.value.dispose() : undefined)));
      throw failed.reason;
    }
    return { trees: opened.map((o) => (o as PromiseFulfilledResult<ExtractedTree>).value) };
  }
}

/** A revision being read by openThroughOneReader. */
interface Reading {
  sha: string;
  /** The commit's parents, as it names them. */
  parents: string[];
  /** Every entry but folders, path → `<mode> <object>`: what `git diff --name-only` compares. */
  entries: Map<string, string>;
  root: string;
  files: TreeFile[];
  submodules: string[];
  links: TreeFile[];
  /** The links' committed targets, once read (addLinkCopiesFrom). */
  linkTargets: TreeLink[];
  stats: ExtractionStats;
  ensureDirectory: (dir: string) => void;
}

async function openThroughOneReader(
  opts: Omit<OpenGitRevisionOptions, 'revision'> & { revisions: readonly string[] },
): Promise<OpenedRevisions> {
  const maxFiles = opts.maxFiles ?? DEFAULT_MAX_SOURCE_FILES;
  const git = new CatFileSession(opts.repoDir);
  const readings: Reading[] = [];
  let changedFiles: string[] | undefined;
  try {
    const commits = await Promise.all(opts.revisions.map((r) => git.read(`${r}^{commit}`)));
    const trees = new Map<string, Promise<TreeEntry[]>>();
    for (const commit of commits) {
      const tree =
        commit?.type === 'commit' ? /^tree ([0-9a-f]+)$/m.exec(contentOf(commit).toString('latin1')) : null;
      if (!commit || !tree) throw new Error('not a commit git gives');
      const reading: Reading = {
        sha: commit.sha,
        parents: parentsOf(contentOf(commit)),
        entries: new Map(),
        root: '',
        files: [],
        submodules: [],
        links: [],
        linkTargets: [],
        stats: { files: 0, skippedLinks: 0, skippedSpecial: 0, bytes: 0 },
        ensureDirectory: directoryMaker(),
      };
      readings.push(reading);
      await listTreeFrom(git, trees, tree[1] as string, '', reading);
      await addLinkCopiesFrom(git, reading);
      if (reading.files.length > maxFiles) throw new Error('over the file cap');
    }
    await checkByteCap(opts.repoDir, readings, opts.maxBytes ?? DEFAULT_MAX_SOURCE_BYTES);
    for (const r of readings) {
      r.root = await realpath(await mkdtemp(join(tmpdir(), 'ferry-src-')));
      // A submodule is an empty directory, as in an archive.
      for (const path of r.submodules) r.ensureDirectory(join(r.root, path));
    }
    await writeEachBlobOnce(git, readings, opts.maxBytes ?? DEFAULT_MAX_SOURCE_BYTES);
    const [base, head] = readings;
    if (base && head && readings.length === 2 && (await isAncestor(git, base.sha, head))) {
      changedFiles = changedEntries(base.entries, head.entries);
    }
  } catch (err) {
    for (const r of readings) if (r.root) rmSync(r.root, { recursive: true, force: true });
    throw err;
  } finally {
    await git.close();
  }
  const trees = readings.map((r) => {
    rememberCommit(opts.repoDir, r.sha);
    r.stats.files = r.files.length;
    return extractedTree(r.root, r.sha, r.stats, { submodules: r.submodules, links: r.linkTargets });
  });
  return changedFiles ? { trees, changedFiles } : { trees };
}

/** A commit's parents: its `parent <object>` header lines. */
function parentsOf(commit: Buffer): string[] {
  const headers = commit.toString('latin1', 0, Math.max(0, commit.indexOf('\n\n')));
  return [...headers.matchAll(/^parent ([0-9a-f]+)$/gm)].map((m) => m[1] as string);
}

/**
 * Whether `base` is `head` or one of its last MAX_ANCESTRY_STEPS ancestors (all parents followed). A
 * commit git cannot give (a shallow clone's boundary) ends that line of the search; not found says
 * nothing either way, and the caller asks git.
 */
async function isAncestor(git: CatFileSession, base: string, head: Reading): Promise<boolean> {
  if (base === head.sha) return true;
  const seen = new Set([head.sha]);
  let level = head.parents.filter((p) => !seen.has(p));
  let steps = 0;
  while (level.length > 0 && steps < MAX_ANCESTRY_STEPS) {
    if (level.includes(base)) return true;
    for (const sha of level) seen.add(sha);
    steps += level.length;
    const commits = await Promise.all(level.map((sha) => git.read(sha)));
    const next = new Set<string>();
    for (const c of commits) {
      if (c?.type !== 'commit') continue;
      for (const p of parentsOf(contentOf(c))) if (!seen.has(p)) next.add(p);
    }
    level = [...next];
  }
  return false;
}

/** Paths whose entry differs between two trees (added, removed, other content or mode), sorted. */
function changedEntries(base: ReadonlyMap<string, string>, head: ReadonlyMap<string, string>): string[] {
  const changed = new Set<string>();
  for (const [path, entry] of base) if (head.get(path) !== entry) changed.add(path);
  for (const path of head.keys()) if (!base.has(path)) changed.add(path);
  return [...changed].sort();
}

/** Above this many distinct blobs, their sizes are asked of git before any is written. */
const SIZE_CHECK_ABOVE = 2_000;

/**
 * A large listing's byte cap, checked before anything is written, as openGitRevision checks its
 * listing: a tree reads its blob sizes only with the blobs, so without this a revision over the cap
 * (kserve's 200+ MiB) wrote 200 MiB and then failed. One `git cat-file --batch-check` for the sizes;
 * below SIZE_CHECK_ABOVE blobs the cap is checked as the blobs arrive instead (writeEachBlobOnce).
 */
async function checkByteCap(repoDir: string, readings: readonly Reading[], maxBytes: number): Promise<void> {
  const blobs = [...new Set(readings.flatMap((r) => r.files.map((f) => f.blob)))];
  if (blobs.length <= SIZE_CHECK_ABOVE) return;
  const args = ['cat-file', '--batch-check'];
  const checked = await runGit(repoDir, args, `${blobs.join('\n')}\n`);
  if (checked.code !== 0) throw new GitCommandError(args, checked.stderr);
  const sizes = new Map<string, number>();
  for (const line of checked.stdout.split('\n')) {
    const m = /^([0-9a-f]+) blob (\d+)$/.exec(line);
    if (m) sizes.set(m[1] as string, Number(m[2]));
  }
  for (const r of readings) {
    let total = 0;
    // A blob git has no size for (missing) fails here too: openGitRevision says which file.
    for (const f of r.files) total += sizes.get(f.blob) ?? Number.POSITIVE_INFINITY;
    if (total > maxBytes) throw new Error('over the byte cap, or a blob missing');
  }
}

/** The copies that stand for a revision's links, from their targets read through the session. */
async function addLinkCopiesFrom(git: CatFileSession, reading: Reading): Promise<void> {
  if (reading.links.length === 0) return;
  reading.linkTargets = await Promise.all(
    reading.links.map(async (l) => ({
      path: l.path,
      target: (await readBlob(git, l.blob)).toString('utf8'),
    })),
  );
  addPlannedCopies(reading.files, reading.linkTargets, reading.stats);
}

/**
 * Writes every file of the revisions, reading each blob once however many revisions and paths hold
 * it. Past `maxBytes` in one revision it stops (the caller removes what was written).
 */
async function writeEachBlobOnce(git: CatFileSession, readings: Reading[], maxBytes: number): Promise<void> {
  const holders = new Map<string, { reading: Reading; file: TreeFile }[]>();
  for (const reading of readings) {
    for (const file of reading.files) {
      const list = holders.get(file.blob);
      if (list) list.push({ reading, file });
      else holders.set(file.blob, [{ reading, file }]);
    }
  }
  // Blobs are asked ahead of the writes, at most READ_AHEAD at a time and in batches (one write to
  // git each), and taken in order: asking for every one at once held the whole revision in memory
  // while the files were written (kueue's 12,000 files: 180 → 296 MiB at peak). A read left when
  // this stops early fails as the session closes, unobserved.
  const blobs = [...holders.keys()];
  const holdersOf = [...holders.values()];
  const reads: (Promise<GitObject> | undefined)[] = [];
  let asked = 0;
  const askUpTo = (end: number) => {
    for (; asked < Math.min(end, blobs.length); asked++) {
      const read = readBlobPieces(git, blobs[asked] as string);
      read.catch(() => undefined);
      reads[asked] = read;
    }
  };
  for (let i = 0; i < blobs.length; i++) {
    if (asked - i < READ_AHEAD / 2) askUpTo(i + READ_AHEAD);
    const { pieces } = await (reads[i] as Promise<GitObject>);
    reads[i] = undefined;
    const bytes = pieces.reduce((sum, p) => sum + p.length, 0);
    for (const { reading, file } of holdersOf[i] ?? []) {
      reading.stats.bytes += bytes;
      if (reading.stats.bytes > maxBytes) throw new Error('over the byte cap');
      const abs = join(reading.root, file.path);
      reading.ensureDirectory(dirname(abs));
      writePieces(abs, pieces, file.mode);
    }
  }
}

/** Blobs asked of git ahead of the one being written. */
const READ_AHEAD = 256;

/** One entry of a git tree object, its mode canonical as `git ls-tree` shows it. */
interface TreeEntry {
  mode: number;
  name: string;
  sha: string;
}

/**
 * Adds the files, submodules and links under tree `sha` to `reading` as listTree does from
 * `git ls-tree -r` (same modes, same unsafe-path refusal, others counted as special). Trees are read
 * once per session (`trees`): the revisions of a diff share most of theirs.
 */
async function listTreeFrom(
  git: CatFileSession,
  trees: Map<string, Promise<TreeEntry[]>>,
  sha: string,
  prefix: string,
  reading: Reading,
): Promise<void> {
  let entries = trees.get(sha);
  if (!entries) {
    entries = git.read(sha).then((o) => {
      if (o?.type !== 'tree') throw new Error('not a tree git gives');
      return parseTree(contentOf(o), sha.length === 64 ? 32 : 20);
    });
    trees.set(sha, entries);
  }
  const below: Promise<void>[] = [];
  for (const e of await entries) {
    const path = prefix + e.name;
    if (e.mode === 0o40000) {
      below.push(listTreeFrom(git, trees, e.sha, `${path}/`, reading));
      continue;
    }
    if (!isSafePath(path)) throw new UnsafeArchiveError(reading.sha, path, 'unsafe path');
    reading.entries.set(path, `${e.mode.toString(8)} ${e.sha}`);
    if (e.mode === 0o100644 || e.mode === 0o100755) {
      reading.files.push({ path, blob: e.sha, mode: e.mode & 0o777, bytes: 0 });
    } else if (e.mode === 0o120000) reading.links.push({ path, blob: e.sha, mode: 0o644, bytes: 0 });
    else if (e.mode === 0o160000) reading.submodules.push(path);
    else reading.stats.skippedSpecial++;
  }
  await Promise.all(below);
}

/** A tree object's entries: `<octal mode> <name>\0<raw object id>` each; modes made canonical as git does. */
function parseTree(content: Buffer, idBytes: number): TreeEntry[] {
  const entries: TreeEntry[] = [];
  let at = 0;
  while (at < content.length) {
    const space = content.indexOf(0x20, at);
    const nul = content.indexOf(0, space + 1);
    if (space < 0 || nul < 0 || nul + 1 + idBytes > content.length) throw new Error('a malformed tree');
    const raw = Number.parseInt(content.toString('latin1', at, space), 8);
    const name = content.toString('utf8', space + 1, nul);
    const sha = content.toString('hex', nul + 1, nul + 1 + idBytes);
    entries.push({ mode: canonicalMode(raw), name, sha });
    at = nul + 1 + idBytes;
  }
  return entries;
}

/** git's canon_mode: a regular file is 0644 or 0755 by its owner's execute bit; other types as they are. */
function canonicalMode(mode: number): number {
  const type = mode & 0o170000;
  if (type === 0o100000) return mode & 0o100 ? 0o100755 : 0o100644;
  if (type === 0o40000 || type === 0o120000 || type === 0o160000) return type;
  return mode;
}

async function readBlob(git: CatFileSession, sha: string): Promise<Buffer> {
  return contentOf(await readBlobPieces(git, sha));
}

async function readBlobPieces(git: CatFileSession, sha: string): Promise<GitObject> {
  const o = await git.read(sha);
  if (o?.type !== 'blob') throw new Error('not a blob git gives');
  return o;
}

/** Writes a file from the pieces its bytes came in, created with `mode` (as writeFileSync would). */
function writePieces(path: string, pieces: readonly Buffer[], mode: number): void {
  const fd = openSync(path, 'w', mode);
  try {
    for (const piece of pieces) {
      for (let at = 0; at < piece.length; ) at += writeSync(fd, piece, at, piece.length - at);
    }
  } finally {
    closeSync(fd);
  }
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
 * links are counted as skipped. The copies count towards the caps as files of their own. Returns the
 * links' committed targets.
 */
async function addLinkCopies(opts: {
  repoDir: string;
  files: TreeFile[];
  links: readonly TreeFile[];
  stats: ExtractionStats;
}): Promise<TreeLink[]> {
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
  addPlannedCopies(opts.files, targets, opts.stats);
  return targets;
}

/**
 * Adds to `files` the copies that stand for the links (planLinkCopies), each a file of its own that
 * counts towards the caps (its bytes, where the listing gave them), and counts the links skipped.
 */
function addPlannedCopies(files: TreeFile[], targets: readonly TreeLink[], stats: ExtractionStats): void {
  const byPath = new Map(files.map((f) => [f.path, f]));
  const { copies, skipped } = planLinkCopies(targets, [...byPath.keys()]);
  stats.skippedLinks += skipped;
  for (const copy of copies) {
    const from = byPath.get(copy.from);
    if (!from) continue;
    files.push({ ...from, path: copy.to });
    stats.bytes += from.bytes;
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
  const reader = new BatchReader((pieces, index, header) => {
    const content = contentOf({ ...header, pieces });
    if (header.type !== 'blob') {
      throw new GitCommandError(args, `${header.sha} ${header.type} ${content.length}`);
    }
    opts.onBlob(content, index);
  }, opts.pathOf);
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
