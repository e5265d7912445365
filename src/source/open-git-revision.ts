import { spawn } from 'node:child_process';
import { DEFAULT_MAX_SOURCE_BYTES, extractTarball } from './extract-tarball.ts';
import { resolveGitRevision } from './resolve-git-revision.ts';
import { restoreRealTree } from './restore-real-tree.ts';
import { gitEnv } from './run-git.ts';
import { GitCommandError } from './source-errors.ts';
import type { ExtractedTree } from './source-tree.ts';

export interface OpenGitRevisionOptions {
  repoDir: string;
  /** Any ref git understands; the tree's `revision` is its full SHA. */
  revision: string;
  maxBytes?: number;
  maxFiles?: number;
}

/**
 * A revision of a local git repository as a temp tree, without touching the repository's working
 * tree or index: `git archive` streamed through the same safe extraction as a GitHub tarball (so the
 * tree has no links either), then made equal to the revision's real tree (restoreRealTree): what
 * `export-ignore` and `export-subst` in its .gitattributes hid or rewrote is put back.
 */
export async function openGitRevision(opts: OpenGitRevisionOptions): Promise<ExtractedTree> {
  const sha = await resolveGitRevision(opts.repoDir, opts.revision);
  const args = ['archive', '--format=tar', sha];
  const child = spawn('git', ['-C', opts.repoDir, ...args], {
    env: gitEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stderr: Buffer[] = [];
  child.stderr.on('data', (c: Buffer) => stderr.push(c));
  const exited = new Promise<number>((resolve, reject) => {
    child.once('error', (e) => reject(new GitCommandError(args, '', { cause: e })));
    child.once('close', (code) => resolve(code ?? 1));
  });
  let tree: ExtractedTree;
  try {
    tree = await extractTarball({
      stream: child.stdout,
      revision: sha,
      strip: 0,
      maxBytes: opts.maxBytes,
      maxFiles: opts.maxFiles,
    });
  } catch (err) {
    child.kill('SIGKILL');
    await exited.catch(() => {
      // The extraction error is the one worth reporting; git's exit after our kill says nothing more.
    });
    throw err;
  }
  const code = await exited.catch(async (err: unknown) => {
    await tree.dispose();
    throw err;
  });
  if (code !== 0) {
    await tree.dispose();
    throw new GitCommandError(args, Buffer.concat(stderr).toString('utf8'));
  }
  try {
    await restoreRealTree({
      repoDir: opts.repoDir,
      sha,
      tree,
      maxBytes: opts.maxBytes ?? DEFAULT_MAX_SOURCE_BYTES,
    });
  } catch (err) {
    await tree.dispose();
    throw err;
  }
  return tree;
}
