import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type GitTreeEntry, restoreFromGitTree } from '../../src/source/restore-from-git-tree.ts';
import { SourceTooLargeError } from '../../src/source/source-errors.ts';
import type { ExtractedTree } from '../../src/source/source-tree.ts';

const sha1 = (text: string) => {
  const body = Buffer.from(text);
  return createHash('sha1').update(`blob ${body.length}\0`).update(body).digest('hex');
};
const blob = (path: string, text: string): GitTreeEntry => ({
  path,
  mode: '100644',
  type: 'blob',
  sha: sha1(text),
  size: Buffer.byteLength(text),
});

describe('restoreFromGitTree', () => {
  const roots: string[] = [];
  afterEach(async () => {
    for (const r of roots.splice(0)) await rm(r, { recursive: true, force: true });
  });

  async function extracted(files: Record<string, string>): Promise<ExtractedTree> {
    const root = await mkdtemp(join(tmpdir(), 'ferry-restore-test-'));
    roots.push(root);
    for (const [path, text] of Object.entries(files)) {
      await mkdir(dirname(join(root, path)), { recursive: true });
      await writeFile(join(root, path), text);
    }
    return {
      root,
      revision: 'c'.repeat(40),
      stats: { files: 0, skippedLinks: 0, skippedSpecial: 0, bytes: 0 },
      dispose: async () => {},
    };
  }

  it('fetches only the files that are missing or differ, and writes their committed bytes', async () => {
    const tree = await extracted({ 'same.yaml': 'a: 1\n', 'subst.yaml': 'v: 1234abc\n' });
    const blobs = new Map([
      [sha1('v: $Format:%h$\n'), 'v: $Format:%h$\n'],
      [sha1('kind: Deployment\n'), 'kind: Deployment\n'],
    ]);
    const asked: string[] = [];
    const restored = await restoreFromGitTree({
      tree,
      listing: {
        entries: [
          blob('same.yaml', 'a: 1\n'),
          blob('subst.yaml', 'v: $Format:%h$\n'),
          blob('k/ignored.yaml', 'kind: Deployment\n'),
        ],
        truncated: false,
      },
      getBlob: async (sha) => {
        asked.push(sha);
        return Buffer.from(blobs.get(sha) ?? '');
      },
      maxBytes: 1024,
    });
    expect(restored).toEqual(['subst.yaml', 'k/ignored.yaml']);
    expect(asked).toHaveLength(2);
    expect(await readFile(join(tree.root, 'subst.yaml'), 'utf8')).toBe('v: $Format:%h$\n');
    expect(await readFile(join(tree.root, 'k/ignored.yaml'), 'utf8')).toBe('kind: Deployment\n');
  });

  it('ignores links, submodules, folders and paths that would leave the root', async () => {
    const tree = await extracted({});
    const restored = await restoreFromGitTree({
      tree,
      listing: {
        entries: [
          { path: 'link', mode: '120000', type: 'blob', sha: sha1('/etc/passwd') },
          { path: 'vendor/lib', mode: '160000', type: 'commit', sha: 'd'.repeat(40) },
          { path: 'k', mode: '040000', type: 'tree', sha: 'e'.repeat(40) },
          blob('../escaped.yaml', 'x'),
          blob('/abs.yaml', 'x'),
        ],
        truncated: false,
      },
      getBlob: async () => Buffer.from('x'),
      maxBytes: 1024,
    });
    expect(restored).toEqual([]);
    await expect(stat(join(tree.root, '..', 'escaped.yaml'))).rejects.toThrow();
  });

  it('keeps the source size cap over what it restores', async () => {
    const tree = await extracted({});
    await expect(
      restoreFromGitTree({
        tree,
        listing: { entries: [blob('big.yaml', 'x'.repeat(2048))], truncated: false },
        getBlob: async () => Buffer.from('x'.repeat(2048)),
        maxBytes: 1024,
      }),
    ).rejects.toThrow(SourceTooLargeError);
  });
});
