/**
 * Builds tarballs shaped like GitHub's (`GET /repos/{o}/{r}/tarball/{ref}`): gzip, one top-level
 * directory `<owner>-<repo>-<short sha>/`, directories before their files.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { gzipSync } from 'node:zlib';
import { Header, type HeaderData } from 'tar';

export type TreeFiles = Record<string, string | Buffer>;

export interface ExtraEntry {
  path: string;
  type: HeaderData['type'];
  linkpath?: string;
  body?: string;
}

function block(header: HeaderData, body: Buffer): Buffer[] {
  const head = Buffer.alloc(512);
  new Header(header).encode(head, 0);
  return [head, body, Buffer.alloc((512 - (body.length % 512)) % 512)];
}

/** A gzip tarball of `files` (repo-relative paths) under `prefix/`; `extra` adds raw entries (links…). */
export function makeTarball(opts: { files: TreeFiles; prefix: string; extra?: ExtraEntry[] }): Buffer {
  const blocks: Buffer[] = [];
  const dirs = new Set<string>();
  const common = { mtime: new Date(0), uid: 0, gid: 0 };
  blocks.push(
    ...block(
      { path: `${opts.prefix}/`, type: 'Directory', mode: 0o755, size: 0, ...common },
      Buffer.alloc(0),
    ),
  );
  for (const [path, content] of Object.entries(opts.files).sort(([a], [b]) => a.localeCompare(b))) {
    const parts = path.split('/');
    for (let i = 1; i < parts.length; i++) {
      const dir = parts.slice(0, i).join('/');
      if (!dirs.has(dir)) {
        dirs.add(dir);
        blocks.push(
          ...block(
            { path: `${opts.prefix}/${dir}/`, type: 'Directory', mode: 0o755, size: 0, ...common },
            Buffer.alloc(0),
          ),
        );
      }
    }
    const body = Buffer.isBuffer(content) ? content : Buffer.from(content);
    blocks.push(
      ...block(
        { path: `${opts.prefix}/${path}`, type: 'File', mode: 0o644, size: body.length, ...common },
        body,
      ),
    );
  }
  for (const e of opts.extra ?? []) {
    const body = Buffer.from(e.body ?? '');
    blocks.push(
      ...block(
        {
          path: `${opts.prefix}/${e.path}`,
          type: e.type,
          mode: 0o644,
          size: body.length,
          linkpath: e.linkpath,
          ...common,
        },
        body,
      ),
    );
  }
  blocks.push(Buffer.alloc(1024));
  return gzipSync(Buffer.concat(blocks));
}

/** Reads a fixture folder into repo-relative paths → contents. */
export function readTree(dir: string): TreeFiles {
  const out: TreeFiles = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const full = join(d, name);
      if (statSync(full).isDirectory()) walk(full);
      else out[relative(dir, full).split(sep).join('/')] = readFileSync(full, 'utf8');
    }
  };
  walk(dir);
  return out;
}
