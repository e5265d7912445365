import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { lstat, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { gitEnv, runGit } from './run-git.ts';
import { GitCommandError, SourceTooLargeError } from './source-errors.ts';
import type { ExtractedTree } from './source-tree.ts';

/**
 * Puts back what `git archive` changed: it honours the revision's `.gitattributes`, so a file marked
 * `export-ignore` is missing and one marked `export-subst` is rewritten, and a change could hide
 * behind an attribute (head edits a Deployment and ignores its file: the preview says "removed").
 * Every regular file of the revision's real tree (`git ls-tree`) whose extracted bytes are missing or
 * differ from its blob is written from `git cat-file`. Returns the repo-relative paths restored.
 */
export async function restoreRealTree(opts: {
  repoDir: string;
  sha: string;
  tree: ExtractedTree;
  maxBytes: number;
}): Promise<string[]> {
  const listed = await runGit(opts.repoDir, ['ls-tree', '-r', '-z', '-l', '--full-tree', opts.sha]);
  if (listed.code !== 0) throw new GitCommandError(['ls-tree', opts.sha], listed.stderr);
  const format = await runGit(opts.repoDir, ['rev-parse', '--show-object-format']);
  const algorithm = format.code === 0 && format.stdout.trim() === 'sha256' ? 'sha256' : 'sha1';
  const restored: string[] = [];
  let bytes = opts.tree.stats.bytes;
  for (const entry of listed.stdout.split('\0')) {
    // `<mode> blob <sha> <size>\t<path>`: regular files only (links and submodules are never extracted).
    const m = /^(100644|100755) blob ([0-9a-f]+) +(\d+)\t(.+)$/s.exec(entry);
    if (!m) continue;
    const [, , blob, size, path] = m as unknown as [string, string, string, string, string];
    const abs = join(opts.tree.root, path);
    if ((await blobIdOf(abs, algorithm)) === blob) continue;
    bytes += Number(size);
    if (bytes > opts.maxBytes) throw new SourceTooLargeError(opts.sha, { kind: 'bytes', max: opts.maxBytes });
    await mkdir(dirname(abs), { recursive: true });
    await writeFile(abs, await catBlob(opts.repoDir, blob));
    restored.push(path);
  }
  return restored;
}

/** git's object id of a file's bytes, or undefined when it is not a regular file of the tree. */
async function blobIdOf(abs: string, algorithm: 'sha1' | 'sha256'): Promise<string | undefined> {
  const stats = await lstat(abs).catch(() => undefined);
  if (!stats?.isFile()) return undefined;
  const content = await readFile(abs);
  return createHash(algorithm).update(`blob ${content.length}\0`).update(content).digest('hex');
}

function catBlob(repoDir: string, blob: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', ['-C', repoDir, 'cat-file', 'blob', blob], {
      env: gitEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.once('error', (e) => reject(new GitCommandError(['cat-file', blob], '', { cause: e })));
    child.once('close', (code) => {
      if (code === 0) resolve(Buffer.concat(out));
      else reject(new GitCommandError(['cat-file', blob], Buffer.concat(err).toString('utf8')));
    });
  });
}
