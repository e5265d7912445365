import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { create } from 'tar';
import { afterEach, describe, expect, it } from 'vitest';
import { createFetchRevision } from '../../src/agent/fetch-revision.ts';
import { FakeGitHub } from './helpers/fake-github.ts';
import { FakeRepo } from './helpers/fake-repo.ts';
import { SHA_A } from './helpers/make-target.ts';

describe('createFetchRevision', () => {
  const dirs: string[] = [];
  afterEach(async () => {
    for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
  });

  it("streams the revision's GitHub tarball into a temp tree without its top directory, and disposes it", async () => {
    const src = await mkdtemp(join(tmpdir(), 'ferry-tarball-src-'));
    dirs.push(src);
    const top = join(src, `acme-models-${SHA_A.slice(0, 7)}`);
    await mkdir(join(top, 'deploy'), { recursive: true });
    await writeFile(
      join(top, 'deploy', 'app.yaml'),
      'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: a }\n',
    );
    const github = new FakeGitHub(new FakeRepo());
    const asked: string[] = [];
    github.downloadTarball = async ({ repository, revision }) => {
      asked.push(`${repository}@${revision}`);
      return Readable.from(create({ gzip: true, cwd: src }, [`acme-models-${SHA_A.slice(0, 7)}`]));
    };
    const tree = await createFetchRevision(github)({ repository: 'acme/models', revision: SHA_A });
    expect(asked).toEqual([`acme/models@${SHA_A}`]);
    expect(tree.revision).toBe(SHA_A);
    expect(await readFile(join(tree.root, 'deploy', 'app.yaml'), 'utf8')).toContain('kind: ConfigMap');
    await tree.dispose();
    await expect(stat(tree.root)).rejects.toThrow();
  });

  it('refuses an archive over the size cap', async () => {
    const src = await mkdtemp(join(tmpdir(), 'ferry-tarball-src-'));
    dirs.push(src);
    await mkdir(join(src, 'top'));
    await writeFile(join(src, 'top', 'big.yaml'), 'x'.repeat(64 * 1024));
    const github = new FakeGitHub(new FakeRepo());
    github.downloadTarball = async () => Readable.from(create({ gzip: true, cwd: src }, ['top']));
    await expect(
      createFetchRevision(github, { maxBytes: 10 * 1024 })({ repository: 'acme/models', revision: SHA_A }),
    ).rejects.toThrow();
  });
});
