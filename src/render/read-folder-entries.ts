import { isUtf8 } from 'node:buffer';
import type { Dirent } from 'node:fs';
import { readdir } from 'node:fs/promises';
import type { Finding } from '../types.ts';
import { renderFinding } from './render-finding.ts';

export interface FolderEntry {
  /** The name as text. */
  name: string;
  isDirectory(): boolean;
  isFile(): boolean;
  isSymbolicLink(): boolean;
}

/**
 * A folder's entries, their names read as bytes. A name that is not UTF-8 (a Latin-1 `cm-\xe9.yaml`)
 * would read as text with U+FFFD in place of the bad bytes, a path no file has, so such an entry cannot
 * be read or looked into: when `matters` says the entry would be, it is left out of `entries` and is a
 * finding of `misnamed` on the folder naming it (bad bytes escaped) and saying to rename it. The caller refuses the
 * render rather than go on without it (a target missing a file's objects would be applied and pruned
 * from). Git revisions (ferry diff, the App) already hold such names as U+FFFD, so they never get here.
 */
export async function readFolderEntries(opts: {
  dir: string;
  /** The folder, repo-relative, as findings name it. */
  folder: string;
  matters: (entry: FolderEntry) => boolean;
}): Promise<{ entries: FolderEntry[]; misnamed: Finding[] }> {
  const dirents = await readdir(opts.dir, { withFileTypes: true, encoding: 'buffer' });
  const entries: FolderEntry[] = [];
  const misnamed: Finding[] = [];
  for (const dirent of dirents) {
    const entry = textNamed(dirent);
    if (isUtf8(dirent.name) || !opts.matters(entry)) entries.push(entry);
    else misnamed.push(misnamedFinding(opts.folder, dirent));
  }
  return { entries, misnamed };
}

function textNamed(dirent: Dirent<Buffer>): FolderEntry {
  return {
    name: dirent.name.toString('utf8'),
    isDirectory: () => dirent.isDirectory(),
    isFile: () => dirent.isFile(),
    isSymbolicLink: () => dirent.isSymbolicLink(),
  };
}

function misnamedFinding(folder: string, dirent: Dirent<Buffer>): Finding {
  const kind = dirent.isDirectory() ? 'folder' : dirent.isSymbolicLink() ? 'symlink' : 'file';
  return renderFinding(
    folder,
    `${kind} name '${escapeBytes(dirent.name)}' in this folder is not UTF-8, so it cannot be read: rename it to a UTF-8 name; refusing to render`,
  );
}

/** Printable ASCII as it is, every other byte (and the backslash) as \xHH. */
function escapeBytes(name: Buffer): string {
  let out = '';
  for (const byte of name) {
    out +=
      byte >= 0x20 && byte < 0x7f && byte !== 0x5c
        ? String.fromCharCode(byte)
        : `\\x${byte.toString(16).padStart(2, '0')}`;
  }
  return out;
}
