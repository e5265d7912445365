import { execFileSync } from 'node:child_process';
import {
  chmod,
  lstat,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  rm,
  stat,
  symlink,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listChangedFiles } from '../../src/source/list-changed-files.ts';
import { openGitRevision, openGitRevisions } from '../../src/source/open-git-revision.ts';
import { resolveGitRevision } from '../../src/source/resolve-git-revision.ts';
import { GitCommandError, NotACommitError, RevisionNotFoundError } from '../../src/source/source-errors.ts';
import type { ExtractedTree } from '../../src/source/source-tree.ts';

let repo: string;
let first: string;
let second: string;
let feature: string;

function git(...args: string[]): string {
  return gitIn(repo, ...args);
}

/** git in `dir`, with no user or system config and a fixed author. */
function gitIn(dir: string, ...args: string[]): string {
  return execFileSync('git', ['-C', dir, ...args], {
    encoding: 'utf8',
    env: {
      ...process.env,
      GIT_CONFIG_GLOBAL: '/dev/null',
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_AUTHOR_NAME: 'Test',
      GIT_AUTHOR_EMAIL: 'test@example.com',
      GIT_COMMITTER_NAME: 'Test',
      GIT_COMMITTER_EMAIL: 'test@example.com',
    },
  }).trim();
}

async function write(rel: string, text: string): Promise<void> {
  await mkdir(join(repo, rel, '..'), { recursive: true });
  await writeFile(join(repo, rel), text);
}

beforeAll(async () => {
  repo = await mkdtemp(join(tmpdir(), 'ferry-test-git-'));
  git('init', '--quiet', '--initial-branch=main');
  await write('deploy/app.yaml', 'replicas: 1\n');
  await write('deploy/old-name.yaml', 'kind: Service\n');
  await write('README.md', 'hello\n');
  await symlink('/etc/passwd', join(repo, 'deploy/passwd'));
  git('add', '-A');
  git('commit', '--quiet', '-m', 'first');
  first = git('rev-parse', 'HEAD');

  git('checkout', '--quiet', '-b', 'feature');
  await write('deploy/feature.yaml', 'x: 1\n');
  git('add', '-A');
  git('commit', '--quiet', '-m', 'feature');
  feature = git('rev-parse', 'HEAD');

  git('checkout', '--quiet', 'main');
  await write('deploy/app.yaml', 'replicas: 2\n');
  git('mv', 'deploy/old-name.yaml', 'deploy/new-name.yaml');
  await write('deploy/added.yaml', 'y: 1\n');
  git('add', '-A');
  git('commit', '--quiet', '-m', 'second');
  second = git('rev-parse', 'HEAD');

  // Uncommitted edits and a staged file: reading revisions must leave both exactly as they are.
  await write('deploy/app.yaml', 'replicas: 99 # local edit\n');
  await write('staged.yaml', 'z: 1\n');
  git('add', 'staged.yaml');
});

afterAll(async () => {
  await rm(repo, { recursive: true, force: true });
});

describe('resolveGitRevision', () => {
  it('resolves branches, short SHAs and expressions to the full SHA', async () => {
    expect(await resolveGitRevision(repo, 'main')).toBe(second);
    expect(await resolveGitRevision(repo, 'HEAD~1')).toBe(first);
    expect(await resolveGitRevision(repo, first.slice(0, 8))).toBe(first);
    expect(await resolveGitRevision(repo, 'feature')).toBe(feature);
  });

  it('throws RevisionNotFoundError naming an unknown ref', async () => {
    const err = await resolveGitRevision(repo, 'no-such-branch').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RevisionNotFoundError);
    expect((err as Error).message).toContain("'no-such-branch'");
  });

  it('says how to get a revision a CI checkout lacks: the history of a shallow clone, an unfetched branch', async () => {
    const clone = await mkdtemp(join(tmpdir(), 'ferry-test-shallow-'));
    try {
      gitIn(tmpdir(), 'clone', '--quiet', '--depth', '1', '--branch', 'main', `file://${repo}`, clone);
      const older = await resolveGitRevision(clone, 'HEAD~1').catch((e: unknown) => e);
      expect(older).toBeInstanceOf(RevisionNotFoundError);
      expect((older as Error).message).toBe(
        `revision 'HEAD~1' not found in ${clone}; it is a shallow clone: fetch the history (git fetch --unshallow, or fetch-depth: 0 in actions/checkout)`,
      );
      const branch = await resolveGitRevision(clone, 'origin/feature').catch((e: unknown) => e);
      expect((branch as Error).message).toBe(
        `revision 'origin/feature' not found in ${clone}; fetch it first (git fetch origin feature)`,
      );
      // A full clone has the history: no hint to give for a name that is not there.
      const plain = await resolveGitRevision(repo, 'HEAD~9').catch((e: unknown) => e);
      expect((plain as Error).message).toBe(`revision 'HEAD~9' not found in ${repo}`);
      // A name one typo from a branch: which one.
      const typo = await resolveGitRevision(repo, 'mian').catch((e: unknown) => e);
      expect((typo as Error).message).toBe(`revision 'mian' not found in ${repo}; did you mean 'main'?`);
      const none = await resolveGitRevision(repo, 'release-2027').catch((e: unknown) => e);
      expect((none as Error).message).toBe(`revision 'release-2027' not found in ${repo}`);
    } finally {
      await rm(clone, { recursive: true, force: true });
    }
  });

  it('says that a tree or a blob is not a commit, and which it is', async () => {
    const blob = git('rev-parse', 'HEAD:README.md');
    for (const [ref, says] of [
      [
        'HEAD^{tree}',
        "revision 'HEAD^{tree}' names a folder (a tree), not a commit: give a branch, a tag or a commit SHA",
      ],
      [
        'main:deploy',
        "revision 'main:deploy' names a folder (a tree), not a commit: give a branch, a tag or a commit SHA (without ':deploy')",
      ],
      [blob, `revision '${blob}' names a file (a blob), not a commit: give a branch, a tag or a commit SHA`],
    ] as const) {
      const err = await resolveGitRevision(repo, ref).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(NotACommitError);
      expect((err as Error).message).toBe(says);
    }
  });

  it('says that a repository without a commit has none yet', async () => {
    const fresh = await mkdtemp(join(tmpdir(), 'ferry-test-unborn-'));
    try {
      gitIn(fresh, 'init', '--quiet', '--initial-branch=main');
      const err = await resolveGitRevision(fresh, 'HEAD').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(RevisionNotFoundError);
      expect((err as Error).message).toBe(
        `revision 'HEAD' not found in ${fresh}; the repository has no commits yet: commit first (ferry validate checks the files as they are)`,
      );
    } finally {
      await rm(fresh, { recursive: true, force: true });
    }
  });

  it('treats a ref that looks like an option as a ref', async () => {
    await expect(resolveGitRevision(repo, '--output=/tmp/ferry-pwned')).rejects.toBeInstanceOf(
      RevisionNotFoundError,
    );
    await expect(stat('/tmp/ferry-pwned')).rejects.toMatchObject({ code: 'ENOENT' });
  });
});

describe('openGitRevision', () => {
  it('reads an older revision as a tree without links', async () => {
    const tree = await openGitRevision({ repoDir: repo, revision: 'HEAD~1' });
    try {
      expect(tree.revision).toBe(first);
      expect(tree.root.split('/').pop()).toMatch(/^ferry-/);
      expect(await readFile(join(tree.root, 'deploy/app.yaml'), 'utf8')).toBe('replicas: 1\n');
      expect((await readdir(join(tree.root, 'deploy'))).sort()).toEqual(['app.yaml', 'old-name.yaml']);
      expect(tree.stats.skippedLinks).toBe(1);
    } finally {
      await tree.dispose();
    }
    await expect(stat(tree.root)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  // kubernetes-sigs/kueue@ff69552 commits `examples` as a link to site/static/examples: a target at
  // `examples` rendered in the working tree, and was "path does not exist" in ferry diff and the App.
  it('writes a link inside the repository as copies of what it points to, and skips the others', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ferry-test-git-links-'));
    try {
      const run = (...args: string[]) =>
        execFileSync('git', ['-C', dir, ...args], { encoding: 'utf8' }).trim();
      run('init', '--quiet', '--initial-branch=main');
      await mkdir(join(dir, 'site/static/examples/jobs'), { recursive: true });
      await writeFile(join(dir, 'site/static/examples/jobs/job.yaml'), 'kind: Job\n');
      await symlink('site/static/examples', join(dir, 'examples'));
      await symlink('/etc/passwd', join(dir, 'passwd'));
      await symlink('../outside', join(dir, 'up'));
      run('add', '-A');
      run('-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '--quiet', '-m', 'links');
      const tree = await openGitRevision({ repoDir: dir, revision: 'HEAD' });
      try {
        const copy = join(tree.root, 'examples/jobs/job.yaml');
        expect(await readFile(copy, 'utf8')).toBe('kind: Job\n');
        expect((await lstat(join(tree.root, 'examples'))).isDirectory()).toBe(true);
        expect((await readdir(tree.root)).sort()).toEqual(['examples', 'site']);
        expect(tree.stats.skippedLinks).toBe(2);
      } finally {
        await tree.dispose();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('reads the committed content, not the working tree, and leaves working tree and index untouched', async () => {
    const statusBefore = git('status', '--porcelain');
    const tree = await openGitRevision({ repoDir: repo, revision: 'main' });
    try {
      expect(await readFile(join(tree.root, 'deploy/app.yaml'), 'utf8')).toBe('replicas: 2\n');
      await expect(stat(join(tree.root, 'staged.yaml'))).rejects.toMatchObject({ code: 'ENOENT' });
    } finally {
      await tree.dispose();
    }
    expect(git('status', '--porcelain')).toBe(statusBefore);
    expect(await readFile(join(repo, 'deploy/app.yaml'), 'utf8')).toBe('replicas: 99 # local edit\n');
  });

  it('reads every object git gives each time, however fast git exits', async () => {
    // Regression: Node discards a child's stdout left unread when the child exits.
    for (let i = 0; i < 25; i++) {
      const tree = await openGitRevision({ repoDir: repo, revision: first });
      try {
        expect(tree.stats.files).toBe(3);
      } finally {
        await tree.dispose();
      }
    }
  });

  it('applies the size caps to a local revision too, before writing anything', async () => {
    const left = await leftInTemp(async () => {
      await expect(openGitRevision({ repoDir: repo, revision: 'main', maxFiles: 2 })).rejects.toThrow(
        /more than 2 files/,
      );
      // main's files hold 12 + 14 + 5 + 6 bytes.
      await expect(openGitRevision({ repoDir: repo, revision: 'main', maxBytes: 36 })).rejects.toThrow(
        /exceeds 36 uncompressed bytes/,
      );
      const tree = await openGitRevision({ repoDir: repo, revision: 'main', maxBytes: 37, maxFiles: 4 });
      expect(tree.root).toContain('ferry-test-own-tmp-');
      await tree.dispose();
    });
    expect(left).toEqual([]);
  });

  it('throws RevisionNotFoundError for an unknown revision', async () => {
    await expect(openGitRevision({ repoDir: repo, revision: 'v9.9.9' })).rejects.toBeInstanceOf(
      RevisionNotFoundError,
    );
  });
});

describe('TreeLayout', () => {
  it('lists the submodules (gitlinks) and links of a revision, through one reader and each alone', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ferry-test-layout-'));
    try {
      gitIn(dir, 'init', '--quiet', '--initial-branch=main');
      await mkdir(join(dir, 'deploy'));
      await writeFile(join(dir, 'deploy/app.yaml'), 'kind: ConfigMap\n');
      await symlink('deploy', join(dir, 'stg'));
      gitIn(dir, 'add', '-A');
      gitIn(dir, 'commit', '--quiet', '-m', 'one');
      const one = gitIn(dir, 'rev-parse', 'HEAD');
      gitIn(dir, 'update-index', '--add', '--cacheinfo', `160000,${one},vendor/mf`);
      gitIn(dir, 'commit', '--quiet', '-m', 'submodule');
      const expected = { submodules: ['vendor/mf'], links: [{ path: 'stg', target: 'deploy' }] };
      const alone = await openGitRevision({ repoDir: dir, revision: 'HEAD' });
      const { trees } = await openGitRevisions({ repoDir: dir, revisions: ['HEAD~1', 'HEAD'] });
      try {
        expect(alone.layout).toEqual(expected);
        expect(trees[1]?.layout).toEqual(expected);
        expect(trees[0]?.layout).toEqual({ submodules: [], links: expected.links });
      } finally {
        await Promise.all([alone, ...trees].map((t) => t.dispose()));
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('listChangedFiles', () => {
  it('lists changed files between two commits, a rename as both paths', async () => {
    expect(await listChangedFiles({ repoDir: repo, base: first, head: second })).toEqual([
      'deploy/added.yaml',
      'deploy/app.yaml',
      'deploy/new-name.yaml',
      'deploy/old-name.yaml',
    ]);
  });

  it('uses merge-base semantics like a pull request: changes on the base branch do not count', async () => {
    expect(await listChangedFiles({ repoDir: repo, base: 'main', head: 'feature' })).toEqual([
      'deploy/feature.yaml',
    ]);
  });

  it('is empty for a revision against itself', async () => {
    expect(await listChangedFiles({ repoDir: repo, base: 'main', head: 'main' })).toEqual([]);
  });

  it('names an unknown ref', async () => {
    await expect(listChangedFiles({ repoDir: repo, base: 'main', head: 'nope' })).rejects.toThrow(/'nope'/);
  });

  it('throws GitCommandError when the two revisions share no history, saying so in its own words', async () => {
    const orphan = await orphanCommit();
    const err = await listChangedFiles({ repoDir: repo, base: 'main', head: orphan }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(GitCommandError);
    // It said "git diff --name-only --no-renames … -z <sha>...<sha> failed: fatal: …: no merge base".
    expect((err as Error).message).toBe(
      `main and ${orphan} share no history (no merge base): a diff shows what the head changed since it left the base, as a pull request does; compare the head with a revision it descends from`,
    );
  });
});

describe('outside a repository', () => {
  it('throws GitCommandError, not RevisionNotFoundError', async () => {
    const notRepo = await mkdtemp(join(tmpdir(), 'ferry-test-norepo-'));
    try {
      const err = await resolveGitRevision(notRepo, 'HEAD').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(GitCommandError);
      expect((err as Error).message).toContain('not a git repository');
    } finally {
      await rm(notRepo, { recursive: true, force: true });
    }
  });
});

/**
 * What `run` leaves in the temp folder: it runs with a private one (TMPDIR, which os.tmpdir() reads),
 * since other test files create and remove their own trees in the shared one meanwhile.
 */
async function leftInTemp(run: () => Promise<void>): Promise<string[]> {
  const saved = process.env.TMPDIR;
  const own = await mkdtemp(join(tmpdir(), 'ferry-test-own-tmp-'));
  process.env.TMPDIR = own;
  try {
    await run();
    return await readdir(own);
  } finally {
    if (saved === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = saved;
    await rm(own, { recursive: true, force: true });
  }
}

describe('openGitRevision of what .gitattributes would rewrite', () => {
  let attrRepo: string;
  const run = (...args: string[]) => gitIn(attrRepo, ...args);
  // Bytes that span many pipe reads, every byte value, and text that looks like cat-file's own headers.
  const big = Buffer.from(Array.from({ length: 512 * 1024 }, (_, i) => (i * 7919) % 256));
  const tricky = `${'0'.repeat(40)} blob 12\nnot a header\n\n`;

  beforeAll(async () => {
    attrRepo = await mkdtemp(join(tmpdir(), 'ferry-test-git-attr-'));
    run('init', '--quiet', '--initial-branch=main');
    const put = async (rel: string, content: string | Buffer) => {
      await mkdir(join(attrRepo, rel, '..'), { recursive: true });
      await writeFile(join(attrRepo, rel), content);
    };
    await put(
      '.gitattributes',
      [
        'hidden.yaml export-ignore',
        'subst.yaml export-subst',
        'crlf.yaml text eol=crlf',
        'filtered.yaml filter=upper',
        '',
      ].join('\n'),
    );
    await put('hidden.yaml', 'kind: Secret\n');
    await put('subst.yaml', 'image: app:$Format:%H$\n');
    await put('crlf.yaml', 'a: 1\nb: 2\n');
    await put('filtered.yaml', 'kind: configmap\n');
    await put('deep/er/big.bin', big);
    await put('tricky.txt', tricky);
    await put('empty.yaml', '');
    await put('run.sh', '#!/bin/sh\n');
    await chmod(join(attrRepo, 'run.sh'), 0o755);
    run('-c', 'core.safecrlf=false', 'add', '-A');
    // A submodule entry (a gitlink), as `git submodule add` records it.
    run('update-index', '--add', '--cacheinfo', `160000,${'1'.repeat(40)},vendor/lib`);
    run('commit', '--quiet', '-m', 'attributes');
    // A filter that rewrites what git archive writes out (smudge), configured in the repository.
    run('config', 'filter.upper.smudge', 'tr a-z A-Z');
  });

  afterAll(async () => {
    await rm(attrRepo, { recursive: true, force: true });
  });

  it('writes the committed bytes where git archive would hide, substitute, convert or filter them', async () => {
    // What git archive itself writes, to show the attributes are in force here.
    const archived = execFileSync('git', ['-C', attrRepo, 'archive', '--format=tar', 'HEAD'], {
      maxBuffer: 64 * 1024 * 1024,
    }).toString('latin1');
    expect(archived).not.toContain('kind: Secret');
    expect(archived).toContain('a: 1\r\n');
    expect(archived).toContain('KIND: CONFIGMAP');

    const tree = await openGitRevision({ repoDir: attrRepo, revision: 'main' });
    try {
      const read = (rel: string) => readFile(join(tree.root, rel), 'utf8');
      expect(await read('hidden.yaml')).toBe('kind: Secret\n');
      expect(await read('subst.yaml')).toBe('image: app:$Format:%H$\n');
      expect(await read('crlf.yaml')).toBe('a: 1\nb: 2\n');
      expect(await read('filtered.yaml')).toBe('kind: configmap\n');
      expect(await read('tricky.txt')).toBe(tricky);
      expect(await read('empty.yaml')).toBe('');
      expect((await readFile(join(tree.root, 'deep/er/big.bin'))).equals(big)).toBe(true);
      expect((await stat(join(tree.root, 'run.sh'))).mode & 0o777).toBe(0o755);
      expect((await stat(join(tree.root, 'crlf.yaml'))).mode & 0o777).toBe(0o644);
      // The submodule is an empty directory, as in an archive; its commit is not in this repository.
      expect(await readdir(join(tree.root, 'vendor/lib'))).toEqual([]);
      expect(tree.stats).toMatchObject({ files: 9, skippedLinks: 0 });
    } finally {
      await tree.dispose();
    }
  });

  it("fails with git's words and leaves no tree when an object is missing from the repository", async () => {
    const broken = await mkdtemp(join(tmpdir(), 'ferry-test-git-broken-'));
    try {
      const inBroken = (...args: string[]) =>
        execFileSync('git', ['-C', broken, '-c', 'user.name=T', '-c', 'user.email=t@e', ...args], {
          encoding: 'utf8',
        }).trim();
      inBroken('init', '--quiet');
      await writeFile(join(broken, 'a.yaml'), 'a: 1\n');
      await writeFile(join(broken, 'b.yaml'), 'b: 2\n');
      inBroken('add', '-A');
      inBroken('commit', '--quiet', '-m', 'two files');
      // A new commit's objects are loose: delete one blob, and the tree lists a file git cannot give.
      const blob = inBroken('rev-parse', 'HEAD:b.yaml');
      await rm(join(broken, '.git/objects', blob.slice(0, 2), blob.slice(2)));
      let err: unknown;
      const left = await leftInTemp(async () => {
        err = await openGitRevision({ repoDir: broken, revision: 'HEAD' }).catch((e: unknown) => e);
      });
      expect(err).toBeInstanceOf(GitCommandError);
      expect((err as Error).message).toContain(`${blob} missing`);
      // Which file, and what to do: a partial clone lacks blobs, and a hash alone says neither.
      expect((err as Error).message).toContain('lacks the content of b.yaml at this revision');
      expect((err as Error).message).not.toContain('\n');
      expect(left).toEqual([]);
    } finally {
      await rm(broken, { recursive: true, force: true });
    }
  });
});

/** A commit with no history in common with main: `base...head` has no merge base. */
async function orphanCommit(): Promise<string> {
  const tree = git('mktree', '--missing');
  return git('commit-tree', tree, '-m', 'orphan');
}

describe('resolveGitRevision of a resolved SHA', () => {
  it('answers a full SHA it resolved before without asking git again, and names again', async () => {
    const other = await mkdtemp(join(tmpdir(), 'ferry-test-git-known-'));
    try {
      execFileSync('git', ['clone', '--quiet', repo, other]);
      const sha = await resolveGitRevision(other, 'HEAD');
      // The repository is gone: only the remembered SHA still resolves.
      await rm(join(other, '.git'), { recursive: true, force: true });
      expect(await resolveGitRevision(other, sha)).toBe(sha);
      await expect(resolveGitRevision(other, 'HEAD')).rejects.toThrow();
    } finally {
      await rm(other, { recursive: true, force: true });
    }
  });
});

/** Every path under `root` with its type, mode and content, to compare two openings of a revision. */
async function snapshot(root: string, rel = ''): Promise<string[]> {
  const out: string[] = [];
  for (const name of (await readdir(join(root, rel))).sort()) {
    const path = rel ? `${rel}/${name}` : name;
    const s = await lstat(join(root, path));
    if (s.isDirectory()) out.push(`${path}/`, ...(await snapshot(root, path)));
    else
      out.push(
        `${path} ${(s.mode & 0o777).toString(8)} ${(await readFile(join(root, path))).toString('base64')}`,
      );
  }
  return out;
}

/** The git commands `run` starts (through a `git` first on PATH that logs its arguments). */
async function gitProcessesDuring(run: () => Promise<void>): Promise<string[]> {
  const bin = await mkdtemp(join(tmpdir(), 'ferry-test-git-count-'));
  const log = join(bin, 'log');
  const realGit = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
  await writeFile(join(bin, 'git'), `#!/bin/sh\necho "$*" >> '${log}'\nexec '${realGit}' "$@"\n`);
  await chmod(join(bin, 'git'), 0o755);
  const saved = process.env.PATH;
  process.env.PATH = `${bin}:${saved}`;
  try {
    await run();
    return (await readFile(log, 'utf8').catch(() => '')).split('\n').filter((l) => l !== '');
  } finally {
    process.env.PATH = saved;
    await rm(bin, { recursive: true, force: true });
  }
}

describe('openGitRevisions (a diff’s base and head through one git reader)', () => {
  /** Opens `revisions` both ways and holds the trees, stats and revisions to be the same. */
  async function expectSameAsOneByOne(repoDir: string, revisions: string[]): Promise<void> {
    let together: ExtractedTree[] = [];
    // One git reader: the trees are its own, not openGitRevision's after a failure.
    const calls = await gitProcessesDuring(async () => {
      together = (await openGitRevisions({ repoDir, revisions })).trees;
    });
    expect(calls).toHaveLength(1);
    const alone = await Promise.all(revisions.map((revision) => openGitRevision({ repoDir, revision })));
    try {
      expect(together.map((t) => t.revision)).toEqual(alone.map((t) => t.revision));
      expect(together.map((t) => t.stats)).toEqual(alone.map((t) => t.stats));
      for (const [i, t] of together.entries()) {
        expect(await snapshot(t.root)).toEqual(await snapshot((alone[i] as { root: string }).root));
      }
    } finally {
      await Promise.all([...together, ...alone].map((t) => t.dispose()));
    }
  }

  it('writes the same trees as openGitRevision: files, modes, links, submodules, .gitattributes ignored', async () => {
    await expectSameAsOneByOne(repo, [first, 'main']);
    await expectSameAsOneByOne(repo, ['feature', 'main']);
    // One revision twice: the trees are separate folders with the same content.
    await expectSameAsOneByOne(repo, ['main', 'main']);
    const attrRepo = await mkdtemp(join(tmpdir(), 'ferry-test-git-many-'));
    try {
      const run = (...args: string[]) => gitIn(attrRepo, ...args);
      run('init', '--quiet', '--initial-branch=main');
      await mkdir(join(attrRepo, 'site/examples/deep'), { recursive: true });
      await writeFile(join(attrRepo, '.gitattributes'), 'hidden.yaml export-ignore\n');
      await writeFile(join(attrRepo, 'hidden.yaml'), 'kind: Secret\n');
      await writeFile(join(attrRepo, 'site/examples/deep/job.yaml'), 'kind: Job\n');
      // Objects that span many reads of git's output, headers split between reads, every byte value,
      // text that looks like cat-file's own headers.
      await mkdir(join(attrRepo, 'bulk'));
      for (let i = 0; i < 120; i++) {
        const size = (i * 7919) % 70_000;
        const bytes = Buffer.from(Array.from({ length: size }, (_, k) => (k * 31 + i) % 256));
        await writeFile(join(attrRepo, 'bulk', `f${i}.bin`), bytes);
      }
      // More blobs than the reader asks of git ahead of the writes (256): it asks again as it goes.
      await mkdir(join(attrRepo, 'many'));
      for (let i = 0; i < 600; i++) await writeFile(join(attrRepo, 'many', `m${i}.yaml`), `i: ${i}\n`);
      await writeFile(join(attrRepo, 'tricky.txt'), `${'0'.repeat(40)} blob 12\nnot a header\n\n`);
      await writeFile(join(attrRepo, 'empty.yaml'), '');
      await writeFile(join(attrRepo, 'run.sh'), '#!/bin/sh\n');
      await chmod(join(attrRepo, 'run.sh'), 0o755);
      await symlink('site/examples', join(attrRepo, 'examples'));
      await symlink('/etc/passwd', join(attrRepo, 'passwd'));
      run('add', '-A');
      run('update-index', '--add', '--cacheinfo', `160000,${'1'.repeat(40)},vendor/lib`);
      run('commit', '--quiet', '-m', 'one');
      await writeFile(join(attrRepo, 'site/examples/deep/job.yaml'), 'kind: Job\nmetadata: {}\n');
      await writeFile(join(attrRepo, 'ünïcode name.yaml'), 'a: 1\n');
      run('add', '-A');
      run('commit', '--quiet', '-m', 'two');
      await expectSameAsOneByOne(attrRepo, ['HEAD~1', 'HEAD']);
    } finally {
      await rm(attrRepo, { recursive: true, force: true });
    }
  });

  it('reads a SHA-256 repository', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ferry-test-git-sha256-'));
    try {
      gitIn(dir, 'init', '--quiet', '--object-format=sha256', '--initial-branch=main');
      await mkdir(join(dir, 'deploy'));
      await writeFile(join(dir, 'deploy/app.yaml'), 'kind: Service\n');
      gitIn(dir, 'add', '-A');
      gitIn(dir, 'commit', '--quiet', '-m', 'one');
      const [tree] = (await openGitRevisions({ repoDir: dir, revisions: ['main'] })).trees;
      try {
        expect(tree?.revision).toMatch(/^[0-9a-f]{64}$/);
        expect(await readFile(join(tree?.root ?? '', 'deploy/app.yaml'), 'utf8')).toBe('kind: Service\n');
      } finally {
        await tree?.dispose();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('runs one git process for both revisions (five for openGitRevision twice)', async () => {
    const calls = await gitProcessesDuring(async () => {
      const { trees } = await openGitRevisions({ repoDir: repo, revisions: [first, 'feature'] });
      await Promise.all(trees.map((t) => t.dispose()));
    });
    expect(calls).toEqual([`-C ${repo} cat-file --batch`]);
  });

  it('reads no tree when a revision is unknown: the name fails first, as it did', async () => {
    let err: unknown;
    const calls = await gitProcessesDuring(async () => {
      err = await openGitRevisions({ repoDir: repo, revisions: ['v9.9.9', 'main'] }).catch((e: unknown) => e);
    });
    expect(err).toBeInstanceOf(RevisionNotFoundError);
    // It opened main in full beside the failing name (ls-tree and every blob), then removed it. Now
    // the one reader stops at the name, and the names are resolved before any tree is opened.
    expect(calls.filter((c) => c.includes(' ls-tree '))).toEqual([]);
    expect(calls.filter((c) => c.endsWith(' cat-file --batch'))).toHaveLength(1);
  });

  it('checks the byte cap of a large revision before writing any file (kserve is over 200 MiB)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ferry-test-git-large-'));
    try {
      gitIn(dir, 'init', '--quiet', '--initial-branch=main');
      await mkdir(join(dir, 'many'));
      // More distinct blobs than are written before their sizes are known (2,000).
      for (let i = 0; i < 2_001; i++) await writeFile(join(dir, 'many', `f${i}.yaml`), `i: ${i}\n`);
      gitIn(dir, 'add', '-A');
      gitIn(dir, 'commit', '--quiet', '-m', 'many');
      let err: unknown;
      let left: string[] = [];
      const calls = await gitProcessesDuring(async () => {
        left = await leftInTemp(async () => {
          err = await openGitRevisions({ repoDir: dir, revisions: ['main'], maxBytes: 1_000 }).catch(
            (e: unknown) => e,
          );
        });
      });
      expect((err as Error).message).toMatch(/exceeds 1000 uncompressed bytes/);
      expect(left).toEqual([]);
      // The sizes were asked before any blob (it wrote up to the cap, then failed).
      expect(calls).toContain(`-C ${dir} cat-file --batch-check`);
      const opened = await openGitRevisions({ repoDir: dir, revisions: ['main'] });
      expect(opened.trees[0]?.stats.files).toBe(2_001);
      await Promise.all(opened.trees.map((t) => t.dispose()));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('fails as openGitRevision does, leaving no tree: an unknown revision, a cap, a missing blob', async () => {
    const left = await leftInTemp(async () => {
      await expect(openGitRevisions({ repoDir: repo, revisions: ['main', 'v9.9.9'] })).rejects.toBeInstanceOf(
        RevisionNotFoundError,
      );
      await expect(
        openGitRevisions({ repoDir: repo, revisions: [first, 'main'], maxFiles: 2 }),
      ).rejects.toThrow(/more than 2 files/);
      await expect(
        openGitRevisions({ repoDir: repo, revisions: [first, 'main'], maxBytes: 36 }),
      ).rejects.toThrow(/exceeds 36 uncompressed bytes/);
    });
    expect(left).toEqual([]);

    const broken = await mkdtemp(join(tmpdir(), 'ferry-test-git-broken2-'));
    try {
      gitIn(broken, 'init', '--quiet');
      await writeFile(join(broken, 'a.yaml'), 'a: 1\n');
      gitIn(broken, 'add', '-A');
      gitIn(broken, 'commit', '--quiet', '-m', 'one');
      await writeFile(join(broken, 'b.yaml'), 'b: 2\n');
      gitIn(broken, 'add', '-A');
      gitIn(broken, 'commit', '--quiet', '-m', 'two');
      const blob = gitIn(broken, 'rev-parse', 'HEAD:b.yaml');
      await rm(join(broken, '.git/objects', blob.slice(0, 2), blob.slice(2)));
      let err: unknown;
      const leftBroken = await leftInTemp(async () => {
        err = await openGitRevisions({ repoDir: broken, revisions: ['HEAD~1', 'HEAD'] }).catch(
          (e: unknown) => e,
        );
      });
      expect((err as Error).message).toContain('lacks the content of b.yaml at this revision');
      expect(leftBroken).toEqual([]);
    } finally {
      await rm(broken, { recursive: true, force: true });
    }
  });
});

describe('openGitRevisions: the files a diff changes, without git diff', () => {
  /** changedFiles from the reader, and what listChangedFiles (git diff base...head) says. */
  async function bothWays(repoDir: string, base: string, head: string) {
    const opened = await openGitRevisions({ repoDir, revisions: [base, head] });
    await Promise.all(opened.trees.map((t) => t.dispose()));
    return { reader: opened.changedFiles, git: await listChangedFiles({ repoDir, base, head }) };
  }

  it('says what git diff base...head says when the base is an ancestor of the head, else leaves it to git', async () => {
    for (const [base, head] of [
      [first, 'main'],
      [first, 'feature'],
      ['main', 'main'],
    ] as const) {
      const { reader, git: fromGit } = await bothWays(repo, base, head);
      expect(reader).toEqual(fromGit);
    }
    // main moved on since feature left it: their merge base is not the base, git is asked.
    expect((await bothWays(repo, 'main', 'feature')).reader).toBeUndefined();
  });

  it('counts modes, link targets, submodule commits, files that became folders, additions and deletions', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ferry-test-git-changes-'));
    try {
      const run = (...args: string[]) => gitIn(dir, ...args);
      run('init', '--quiet', '--initial-branch=main');
      await mkdir(join(dir, 'd'));
      for (const f of ['same.yaml', 'mode.sh', 'gone.yaml', 'becomes-dir', 'd/edit.yaml']) {
        await writeFile(join(dir, f), `${f}\n`);
      }
      await symlink('same.yaml', join(dir, 'link'));
      run('add', '-A');
      run('update-index', '--add', '--cacheinfo', `160000,${'1'.repeat(40)},sub`);
      run('commit', '--quiet', '-m', 'one');
      const base = run('rev-parse', 'HEAD');
      await chmod(join(dir, 'mode.sh'), 0o755);
      await rm(join(dir, 'gone.yaml'));
      await rm(join(dir, 'becomes-dir'));
      await mkdir(join(dir, 'becomes-dir'));
      await writeFile(join(dir, 'becomes-dir/inner.yaml'), 'x\n');
      await writeFile(join(dir, 'd/edit.yaml'), 'edited\n');
      await writeFile(join(dir, 'd/new.yaml'), 'new\n');
      await rm(join(dir, 'link'));
      await symlink('d/edit.yaml', join(dir, 'link'));
      run('add', '-A');
      run('update-index', '--add', '--cacheinfo', `160000,${'2'.repeat(40)},sub`);
      run('commit', '--quiet', '-m', 'two');
      // The base reached through a merge's second parent.
      run('checkout', '--quiet', '-b', 'side', base);
      run('commit', '--quiet', '--allow-empty', '-m', 'side');
      run('checkout', '--quiet', 'main');
      run('merge', '--quiet', '--no-edit', '--no-ff', 'side');
      const both = await bothWays(dir, base, 'HEAD');
      expect(both.reader).toEqual(both.git);
      expect(both.reader).toEqual([
        'becomes-dir',
        'becomes-dir/inner.yaml',
        'd/edit.yaml',
        'd/new.yaml',
        'gone.yaml',
        'link',
        'mode.sh',
        'sub',
      ]);
      const side = await bothWays(dir, 'side', 'HEAD');
      expect(side.reader).toEqual(side.git);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('leaves a base more than a hundred commits back to git', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ferry-test-git-far-'));
    try {
      const run = (...args: string[]) => gitIn(dir, ...args);
      run('init', '--quiet', '--initial-branch=main');
      await writeFile(join(dir, 'a.yaml'), 'a: 1\n');
      run('add', '-A');
      run('commit', '--quiet', '-m', 'base');
      const base = run('rev-parse', 'HEAD');
      const tree = run('rev-parse', 'HEAD^{tree}');
      let head = base;
      for (let i = 0; i < 101; i++) head = run('commit-tree', tree, '-p', head, '-m', `c${i}`);
      const far = await bothWays(dir, base, head);
      expect(far.reader).toBeUndefined();
      expect(far.git).toEqual([]);
      const near = await bothWays(dir, run('rev-parse', `${head}~99`), head);
      expect(near.reader).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
