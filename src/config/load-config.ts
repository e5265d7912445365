import { constants } from 'node:fs';
import { lstat, open, readdir } from 'node:fs/promises';
import path from 'node:path';
import { decodeManifestBytes } from '../manifest/decode-manifest-bytes.ts';
import type { FerryConfig, Finding } from '../types.ts';
import { defaultConfig } from './default-config.ts';
import { MAX_CONFIG_BYTES, parseConfig } from './parse-config.ts';

/** Where Ferry looks, in order; the first that exists wins. */
export const CONFIG_FILES = ['.github/ferry.yml', '.github/ferry.yaml'] as const;

export interface LoadedConfig {
  config: FerryConfig;
  findings: Finding[];
  /** The repo-relative config file read; absent when there is none (the default configuration). */
  file?: string;
}

/**
 * Reads `.github/ferry.yml` (or `.yaml`) below `root`, a checked-out tree. A missing file is the default
 * configuration. A symlink (it could point outside the checkout, e.g. at a secret on the worker), a
 * non-file or a file over 256 KiB is a `config` finding, not a crash. With both names present the `.yml`
 * wins and a warning says so.
 */
export async function loadConfig(root: string, opts: { defaultBranch?: string } = {}): Promise<LoadedConfig> {
  const present: string[] = [];
  for (const file of CONFIG_FILES) {
    const found = await lstatIfExists(path.join(root, file));
    if (found === DENIED) {
      // .github itself cannot be searched: whether a config is there cannot be known.
      return unreadable(
        file,
        opts.defaultBranch,
        `cannot look for ${file}: permission denied on ${path.dirname(file)}; make it readable by the user running ferry`,
      );
    }
    if (found) present.push(file);
  }
  const file = present[0];
  if (file === undefined) {
    return { config: defaultConfig(opts.defaultBranch), findings: await misplacedConfigs(root) };
  }

  const read = await readConfigFile(root, file);
  if ('problem' in read) return unreadable(file, opts.defaultBranch, read.problem, read.line);
  const parsed = parseConfig(read.text, { file, ...opts });
  const other = present[1];
  if (other !== undefined) {
    parsed.findings.unshift({
      rule: 'config',
      severity: 'warning',
      file: other,
      line: 1,
      message: `ignored: ${file} is used when both ${file} and ${other} exist`,
    });
  }
  return { ...parsed, file };
}

/**
 * Without a config, files that look meant to be one (`ferry.yml` at the root, `.github/Ferry.yml`):
 * a warning on each, saying where Ferry reads it. Else the repository silently runs the default
 * configuration, as if its targets were never written.
 */
async function misplacedConfigs(root: string): Promise<Finding[]> {
  const found: string[] = [];
  for (const [dir, name] of [
    ['.', /^\.?ferry\.ya?ml$/i],
    ['.github', /^\.?ferry\.ya?ml$/i],
  ] as const) {
    const names = await readdir(path.join(root, dir)).catch(() => [] as string[]);
    for (const entry of names.sort()) {
      const file = dir === '.' ? entry : `${dir}/${entry}`;
      if (name.test(entry) && !(CONFIG_FILES as readonly string[]).includes(file)) found.push(file);
    }
  }
  return found.map((file) => ({
    rule: 'config',
    severity: 'warning',
    file,
    line: 1,
    message: `not read: Ferry reads its config from ${CONFIG_FILES[0]} (exactly that name), so this repository runs the default configuration; move or rename this file there`,
  }));
}

/** A config that cannot be read: the default configuration, and an error finding on the file. */
function unreadable(
  file: string,
  defaultBranch: string | undefined,
  problem: string,
  line = 1,
): LoadedConfig {
  return {
    config: defaultConfig(defaultBranch),
    findings: [{ rule: 'config', severity: 'error', file, line, message: problem }],
    file,
  };
}

async function readConfigFile(
  root: string,
  file: string,
): Promise<{ text: string } | { problem: string; line?: number }> {
  const githubDir = await lstat(path.join(root, path.dirname(file)));
  if (githubDir.isSymbolicLink())
    return { problem: `${path.dirname(file)} must be a directory, not a symbolic link` };
  // O_NOFOLLOW makes the open itself refuse a symlink (no check-then-read race); O_NONBLOCK keeps a FIFO
  // planted there from blocking the open. Both are 0 where the OS lacks them.
  const flags = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0);
  const handle = await open(path.join(root, file), flags).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ELOOP' || err.code === 'EMLINK') return 'symlink' as const;
    if (err.code === 'EACCES' || err.code === 'EPERM') return DENIED;
    throw err;
  });
  if (handle === 'symlink') return { problem: 'the config must be a regular file, not a symbolic link' };
  if (handle === DENIED) {
    return { problem: `cannot be read: permission denied; make ${file} readable by the user running ferry` };
  }
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) return { problem: 'the config must be a regular file' };
    if (stats.size > MAX_CONFIG_BYTES) {
      return {
        problem: `file is ${stats.size} bytes, over the ${MAX_CONFIG_BYTES / 1024} KiB limit for the config`,
      };
    }
    // Read at most one byte past the limit: the file may grow between stat and read.
    const buffer = Buffer.alloc(MAX_CONFIG_BYTES + 1);
    let length = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length);
      if (bytesRead === 0 || length + bytesRead >= buffer.length) {
        length += bytesRead;
        break;
      }
      length += bytesRead;
    }
    if (length > MAX_CONFIG_BYTES)
      return { problem: `file is over the ${MAX_CONFIG_BYTES / 1024} KiB limit for the config` };
    // UTF-8, or UTF-16 after its byte-order mark (as an editor on Windows may save it), as manifests.
    const decoded = decodeManifestBytes(buffer.subarray(0, length), 'Ferry');
    return 'text' in decoded
      ? decoded
      : { problem: decoded.unreadable.message, line: decoded.unreadable.line };
  } finally {
    await handle.close();
  }
}

/** A file or folder the user running ferry may not read (EACCES, EPERM). */
const DENIED = 'denied';

async function lstatIfExists(file: string) {
  try {
    return await lstat(file);
  } catch (err) {
    // Absent is the normal case (no config file); denied is the user's to fix; anything else (EIO) is
    // infrastructure.
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    if (code === 'EACCES' || code === 'EPERM') return DENIED;
    throw err;
  }
}
