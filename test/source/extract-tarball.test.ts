import { lstat, mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { extractTarball } from '../../src/source/extract-tarball.ts';
import {
  InvalidArchiveError,
  SourceTooLargeError,
  UnsafeArchiveError,
} from '../../src/source/source-errors.ts';
import { buildTar, buildTarGz, type TarEntrySpec } from './tar-builder.ts';

const SHA = 'a'.repeat(40);
const TOP = `octo-ferry-${SHA.slice(0, 7)}`;

/** GitHub's tarball shape: one top directory `owner-repo-sha/`. */
function github(entries: TarEntrySpec[]): TarEntrySpec[] {
  return [
    { path: `${TOP}/`, type: 'Directory', mode: 0o755 },
    ...entries.map((e) => ({ ...e, path: `${TOP}/${e.path}` })),
  ];
}

/** Streams a buffer in small chunks, as a network response would arrive. */
function chunked(buf: Buffer, size = 700): Readable {
  const parts: Buffer[] = [];
  for (let i = 0; i < buf.length; i += size) parts.push(buf.subarray(i, i + size));
  return Readable.from(parts);
}

let tmp: string;
let savedTmpdir: string | undefined;

beforeEach(async () => {
  // A private TMPDIR per test: "the temp dir is removed" is then checkable without racing other files.
  tmp = await mkdtemp(join(tmpdir(), 'ferry-test-tar-'));
  savedTmpdir = process.env.TMPDIR;
  process.env.TMPDIR = tmp;
});

afterEach(async () => {
  if (savedTmpdir === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = savedTmpdir;
  await rm(tmp, { recursive: true, force: true });
});

describe('extractTarball', () => {
  it('extracts a GitHub tarball into a ferry- temp dir without its top directory', async () => {
    const archive = buildTarGz(
      github([
        { path: 'deploy/', type: 'Directory', mode: 0o755 },
        { path: 'deploy/app.yaml', body: 'kind: ConfigMap\n' },
        { path: 'README.md', body: '# hi\n' },
      ]),
    );
    const tree = await extractTarball({ stream: chunked(archive), revision: SHA });
    try {
      expect(tree.root.startsWith(tmp)).toBe(true);
      expect(tree.root.split('/').pop()).toMatch(/^ferry-/);
      expect(tree.revision).toBe(SHA);
      expect(await readFile(join(tree.root, 'deploy/app.yaml'), 'utf8')).toBe('kind: ConfigMap\n');
      expect(await readFile(join(tree.root, 'README.md'), 'utf8')).toBe('# hi\n');
      expect((await readdir(tree.root)).sort()).toEqual(['README.md', 'deploy']);
      expect(tree.stats).toMatchObject({ files: 2, skippedLinks: 0, skippedSpecial: 0 });
    } finally {
      await tree.dispose();
    }
    expect(await readdir(tmp)).toEqual([]);
  });

  it('reads an uncompressed tar and a web ReadableStream', async () => {
    const archive = buildTar([{ path: 'a.yaml', body: 'a: 1\n' }]);
    const web = Readable.toWeb(chunked(archive)) as ReadableStream<Uint8Array>;
    const tree = await extractTarball({ stream: web, revision: SHA, strip: 0 });
    try {
      expect(await readFile(join(tree.root, 'a.yaml'), 'utf8')).toBe('a: 1\n');
    } finally {
      await tree.dispose();
    }
  });

  it('creates parent directories for files whose directories have no entry of their own', async () => {
    const tree = await extractTarball({
      stream: chunked(buildTarGz(github([{ path: 'a/b/c.yaml', body: 'x' }]))),
      revision: SHA,
    });
    try {
      expect(await readFile(join(tree.root, 'a/b/c.yaml'), 'utf8')).toBe('x');
    } finally {
      await tree.dispose();
    }
  });

  it('skips symbolic links and hard links and counts them', async () => {
    const archive = buildTarGz(
      github([
        { path: 'passwd', type: 'SymbolicLink', linkpath: '/etc/passwd' },
        { path: 'real.yaml', body: 'x' },
        { path: 'hard', type: 'Link', linkpath: `${TOP}/real.yaml` },
        { path: 'up', type: 'SymbolicLink', linkpath: '../../..' },
      ]),
    );
    const tree = await extractTarball({ stream: chunked(archive), revision: SHA });
    try {
      expect(tree.stats.skippedLinks).toBe(3);
      await expect(lstat(join(tree.root, 'passwd'))).rejects.toMatchObject({ code: 'ENOENT' });
      await expect(lstat(join(tree.root, 'hard'))).rejects.toMatchObject({ code: 'ENOENT' });
      await expect(lstat(join(tree.root, 'up'))).rejects.toMatchObject({ code: 'ENOENT' });
      expect(await readdir(tree.root)).toEqual(['real.yaml']);
    } finally {
      await tree.dispose();
    }
  });

  // kubernetes-sigs/kueue@ff69552: `examples` is a link to site/static/examples, as GitHub's tarball
  // carries it; a target at `examples` must read those files, as Argo CD's checkout does.
  it('writes a link inside the repository as copies of what it points to, and stays within the caps', async () => {
    const archive = buildTarGz(
      github([
        { path: 'site/static/examples/jobs/job.yaml', body: 'kind: Job\n' },
        { path: 'examples', type: 'SymbolicLink', linkpath: 'site/static/examples' },
        { path: 'current.yaml', type: 'SymbolicLink', linkpath: 'site/static/examples/jobs/job.yaml' },
      ]),
    );
    const tree = await extractTarball({ stream: chunked(archive), revision: SHA });
    try {
      expect(await readFile(join(tree.root, 'examples/jobs/job.yaml'), 'utf8')).toBe('kind: Job\n');
      expect((await lstat(join(tree.root, 'current.yaml'))).isFile()).toBe(true);
      expect(tree.stats).toMatchObject({ files: 3, skippedLinks: 0 });
    } finally {
      await tree.dispose();
    }
    await expect(
      extractTarball({ stream: chunked(archive), revision: SHA, maxFiles: 2 }),
    ).rejects.toBeInstanceOf(SourceTooLargeError);
  });

  it('skips devices and FIFOs', async () => {
    const archive = buildTarGz(
      github([
        { path: 'fifo', type: 'FIFO' },
        { path: 'null', type: 'CharacterDevice' },
        { path: 'ok.yaml', body: 'x' },
      ]),
    );
    const tree = await extractTarball({ stream: chunked(archive), revision: SHA });
    try {
      expect(tree.stats.skippedSpecial).toBe(2);
      expect(await readdir(tree.root)).toEqual(['ok.yaml']);
    } finally {
      await tree.dispose();
    }
  });

  it('drops setuid, setgid and group/other write bits and keeps the executable bit', async () => {
    const archive = buildTarGz(
      github([
        { path: 'suid', body: '#!/bin/sh\n', mode: 0o6777 },
        { path: 'plain', body: 'x', mode: 0o666 },
      ]),
    );
    const tree = await extractTarball({ stream: chunked(archive), revision: SHA });
    try {
      expect((await stat(join(tree.root, 'suid'))).mode & 0o7777).toBe(0o755);
      expect((await stat(join(tree.root, 'plain'))).mode & 0o7777).toBe(0o644);
    } finally {
      await tree.dispose();
    }
  });

  it.each([
    ['a .. segment', `${TOP}/../evil`, "'..' segment"],
    ['a .. segment deeper down', `${TOP}/a/../../evil`, "'..' segment"],
    ['an absolute path', '/tmp/ferry-evil', 'absolute path'],
  ])('refuses an archive with %s and leaves nothing behind', async (_name, path, reason) => {
    const archive = buildTarGz([
      { path: `${TOP}/`, type: 'Directory' },
      { path: `${TOP}/ok.yaml`, body: 'x' },
      { path, body: 'evil' },
    ]);
    const err = await extractTarball({ stream: chunked(archive), revision: SHA }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnsafeArchiveError);
    expect((err as Error).message).toContain(reason);
    expect((err as UnsafeArchiveError).entryPath).toBe(path);
    expect(await readdir(tmp)).toEqual([]);
    await expect(lstat('/tmp/ferry-evil')).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('refuses a file whose header announces more than the byte cap, before inflating it', async () => {
    // 64 MiB of zeros gzip to ~64 KiB: the cap must hold on the uncompressed size.
    const bomb = gzipSync(
      Buffer.concat([buildTar([{ path: `${TOP}/zeros`, body: Buffer.alloc(64 * 1024 * 1024) }])]),
    );
    expect(bomb.length).toBeLessThan(1024 * 1024);
    const err = await extractTarball({
      stream: chunked(bomb, 64 * 1024),
      revision: SHA,
      maxBytes: 1024 * 1024,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SourceTooLargeError);
    expect((err as SourceTooLargeError).limit).toEqual({ kind: 'bytes', max: 1024 * 1024 });
    expect(await readdir(tmp)).toEqual([]);
  });

  it('refuses an archive whose uncompressed stream exceeds the byte cap even when headers lie small', async () => {
    // A valid small archive followed by megabytes of zero padding: no header declares them.
    const tar = Buffer.concat([buildTar([{ path: `${TOP}/a`, body: 'x' }]), Buffer.alloc(8 * 1024 * 1024)]);
    const err = await extractTarball({
      stream: chunked(gzipSync(tar), 64 * 1024),
      revision: SHA,
      maxBytes: 1024 * 1024,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SourceTooLargeError);
    expect(await readdir(tmp)).toEqual([]);
  });

  it('refuses an archive with more files than the cap', async () => {
    const files = Array.from({ length: 6 }, (_, i) => ({ path: `f${i}.yaml`, body: 'x' }));
    const err = await extractTarball({
      stream: chunked(buildTarGz(github(files))),
      revision: SHA,
      maxFiles: 5,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SourceTooLargeError);
    expect((err as SourceTooLargeError).limit).toEqual({ kind: 'files', max: 5 });
    expect(await readdir(tmp)).toEqual([]);
  });

  it('refuses gzip inside gzip, which would escape the byte count', async () => {
    const nested = gzipSync(buildTarGz(github([{ path: 'a', body: 'x' }])));
    await expect(extractTarball({ stream: chunked(nested), revision: SHA })).rejects.toBeInstanceOf(
      UnsafeArchiveError,
    );
    expect(await readdir(tmp)).toEqual([]);
  });

  it('rejects a stream that is not a tar archive and leaves nothing behind', async () => {
    const junk = Buffer.from('<html>rate limited</html>'.repeat(40));
    await expect(extractTarball({ stream: chunked(junk), revision: SHA })).rejects.toThrow(
      /source a{40}: not a valid tar archive: .*checksum/,
    );
    expect(await readdir(tmp)).toEqual([]);
  });

  it('rejects a corrupt gzip stream', async () => {
    const archive = buildTarGz(github([{ path: 'a', body: 'x'.repeat(5000) }]));
    const truncated = Buffer.concat([archive.subarray(0, 40), Buffer.from('garbage-garbage-garbage')]);
    await expect(extractTarball({ stream: chunked(truncated), revision: SHA })).rejects.toBeInstanceOf(
      InvalidArchiveError,
    );
    expect(await readdir(tmp)).toEqual([]);
  });

  it('extracts many files with bodies spanning many chunks', async () => {
    const files = Array.from({ length: 300 }, (_, i) => ({
      path: `d${i % 7}/f${i}.txt`,
      body: `${i}`.repeat(3000),
    }));
    const tree = await extractTarball({ stream: chunked(buildTarGz(github(files)), 1000), revision: SHA });
    try {
      expect(tree.stats.files).toBe(300);
      expect(await readFile(join(tree.root, 'd5/f299.txt'), 'utf8')).toBe('299'.repeat(3000));
    } finally {
      await tree.dispose();
    }
  });

  it('dispose removes the tree and may be called twice', async () => {
    const tree = await extractTarball({
      stream: chunked(buildTarGz(github([{ path: 'a', body: 'x' }]))),
      revision: SHA,
    });
    await tree.dispose();
    await tree.dispose();
    await expect(stat(tree.root)).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
