import { gzipSync } from 'node:zlib';
import { Header, type HeaderData } from 'tar';

/** One raw tar entry: any path, type or mode, including the malicious ones tar tools refuse to write. */
export interface TarEntrySpec {
  path: string;
  type?: HeaderData['type'];
  body?: string | Buffer;
  mode?: number;
  linkpath?: string;
  /** Header size, when it should differ from the body (a bomb announces its size up front). */
  size?: number;
}

/** Builds a POSIX tar archive byte by byte (512-byte header, body padded to 512, two zero blocks). */
export function buildTar(entries: readonly TarEntrySpec[]): Buffer {
  const blocks: Buffer[] = [];
  for (const e of entries) {
    const body = typeof e.body === 'string' ? Buffer.from(e.body) : (e.body ?? Buffer.alloc(0));
    const header = new Header({
      path: e.path,
      type: e.type ?? 'File',
      mode: e.mode ?? 0o644,
      size: e.size ?? body.length,
      linkpath: e.linkpath,
      mtime: new Date(0),
      uid: 0,
      gid: 0,
    });
    const block = Buffer.alloc(512);
    header.encode(block, 0);
    blocks.push(block, body, Buffer.alloc((512 - (body.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return Buffer.concat(blocks);
}

export function buildTarGz(entries: readonly TarEntrySpec[]): Buffer {
  return gzipSync(buildTar(entries));
}
