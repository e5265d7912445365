import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { create } from 'tar';
import { afterEach, describe, expect, it } from 'vitest';
import { createFetchRevision } from '../../src/agent/fetch-revision.ts';
import { MAX_RESTORED_BLOBS } from '../../src/source/restore-from-git-tree.ts';
import { createTestRepo } from '../helpers/git-repo.ts';
import { FakeGitHub } from './helpers/fake-github.ts';
import { FakeRepo } from './helpers/fake-repo.ts';

const APP_V1 =
  'apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: api }\nspec: { template: { spec: { containers: [{ name: api, image: "api:v1" }] } } }\n';
const APP_V2 = APP_V1.replace('api:v1', 'api:v2');

/** GitHub's tarball of `files` as `git archive` of a real repository builds it: `.gitattributes` honoured. */
function gitArchive(files: Record<string, string>, revision: string): Buffer {
  const repo = createTestRepo();
  try {
    repo.write(files);
    repo.commit('revision');
    return execFileSync(
      'git',
      ['archive', '--format=tar.gz', `--prefix=acme-models-${revision.slice(0, 7)}/`, 'HEAD'],
      {
        cwd: repo.dir,
      },
    );
  } finally {
    repo.dispose();
  }
}

/** A FakeGitHub whose repository holds `files` at one commit, served as `git archive` gives it. */
function githubWith(files: Record<string, string>): {
  github: FakeGitHub;
  revision: string;
  blobs: string[];
} {
  const repo = new FakeRepo();
  repo.commit('main', { 'deploy/app.yaml': APP_V1 });
  const revision = repo.commit('main', files);
  const github = new FakeGitHub(repo);
  const tarball = gitArchive(repo.files(revision), revision);
  github.downloadTarball = async () => Readable.from([tarball]);
  const blobs: string[] = [];
  const getBlob = github.getBlob.bind(github);
  github.getBlob = async (opts) => {
    blobs.push(opts.sha);
    return getBlob(opts);
  };
  return { github, revision, blobs };
}

describe('createFetchRevision', () => {
  const dirs: string[] = [];
  afterEach(async () => {
    for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
  });

  it("streams the revision's GitHub tarball into a temp tree without its top directory, and disposes it", async () => {
    const repo = new FakeRepo();
    const revision = repo.commit('main', {
      'deploy/app.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: a }\n',
    });
    const src = await mkdtemp(join(tmpdir(), 'ferry-tarball-src-'));
    dirs.push(src);
    const top = join(src, `acme-models-${revision.slice(0, 7)}`);
    await mkdir(join(top, 'deploy'), { recursive: true });
    await writeFile(join(top, 'deploy', 'app.yaml'), repo.files(revision)['deploy/app.yaml'] ?? '');
    const github = new FakeGitHub(repo);
    const asked: string[] = [];
    github.downloadTarball = async ({ repository, revision: r }) => {
      asked.push(`${repository}@${r}`);
      return Readable.from(create({ gzip: true, cwd: src }, [`acme-models-${revision.slice(0, 7)}`]));
    };
    const tree = await createFetchRevision(github)({ repository: 'acme/models', revision });
    expect(asked).toEqual([`acme/models@${revision}`]);
    expect(tree.revision).toBe(revision);
    expect(await readFile(join(tree.root, 'deploy', 'app.yaml'), 'utf8')).toContain('kind: ConfigMap');
    await tree.dispose();
    await expect(stat(tree.root)).rejects.toThrow();
  });

  it('refuses an archive over the size cap', async () => {
    const src = await mkdtemp(join(tmpdir(), 'ferry-tarball-src-'));
    dirs.push(src);
    await mkdir(join(src, 'top'));
    await writeFile(join(src, 'top', 'big.yaml'), 'x'.repeat(64 * 1024));
    const repo = new FakeRepo();
    const revision = repo.commit('main', { 'big.yaml': 'x'.repeat(64 * 1024) });
    const github = new FakeGitHub(repo);
    github.downloadTarball = async () => Readable.from(create({ gzip: true, cwd: src }, ['top']));
    await expect(
      createFetchRevision(github, { maxBytes: 10 * 1024 })({ repository: 'acme/models', revision }),
    ).rejects.toThrow('archive exceeds 10240 uncompressed bytes');
  });

  describe('deploys what the tree says, not what the archive says (issue 10, attack 4)', () => {
    it('a manifest marked export-ignore is fetched from the tree: the new image, not the file missing', async () => {
      const { github, revision, blobs } = githubWith({
        'deploy/app.yaml': APP_V2,
        '.gitattributes': 'deploy/app.yaml export-ignore\n',
      });
      const tree = await createFetchRevision(github)({ repository: 'acme/models', revision });
      try {
        expect(await readFile(join(tree.root, 'deploy', 'app.yaml'), 'utf8')).toContain('image: "api:v2"');
        expect(blobs).toHaveLength(1);
      } finally {
        await tree.dispose();
      }
    });

    it('a manifest marked export-subst holds the committed bytes, not the substituted ones', async () => {
      const committed = APP_V2.replace('{ name: api }', '{ name: api, annotations: { v: "$Format:%H$" } }');
      const { github, revision } = githubWith({
        'deploy/app.yaml': committed,
        '.gitattributes': 'deploy/app.yaml export-subst\n',
      });
      const tree = await createFetchRevision(github)({ repository: 'acme/models', revision });
      try {
        expect(await readFile(join(tree.root, 'deploy', 'app.yaml'), 'utf8')).toBe(committed);
      } finally {
        await tree.dispose();
      }
    });

    it('refuses a revision hiding more files than it fetches one by one, naming one and the attribute, fetching no blob', async () => {
      const many = Object.fromEntries(
        Array.from({ length: MAX_RESTORED_BLOBS + 1 }, (_, i) => [`deploy/cm-${i}.yaml`, `# ${i}\n`]),
      );
      const { github, revision, blobs } = githubWith({
        ...many,
        'deploy/app.yaml': APP_V2,
        '.gitattributes': 'deploy/** export-ignore\n',
      });
      const fetching = createFetchRevision(github)({ repository: 'acme/models', revision });
      await expect(fetching).rejects.toThrow(
        /deploy\/app\.yaml and 21 more file\(s\) differ from the commit's tree: export-ignore\/export-subst in \.gitattributes/,
      );
      expect(blobs).toEqual([]);
    });

    it('refuses a revision whose tree listing GitHub truncated', async () => {
      const { github, revision } = githubWith({ 'deploy/app.yaml': APP_V2 });
      const getTree = github.getTree.bind(github);
      github.getTree = async (opts) => ({ ...(await getTree(opts)), truncated: true });
      await expect(createFetchRevision(github)({ repository: 'acme/models', revision })).rejects.toThrow(
        "GitHub's trees API truncated",
      );
    });
  });
});
