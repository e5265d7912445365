import { lstat, readdir, readFile, realpath } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { isGitData, isInside } from '../render/repo-path.ts';
import type { Finding, Target } from '../types.ts';
import { parseSchemaFiles } from '../validate/schema/parse-schema-files.ts';
import type { SchemaAdditions } from '../validate/schema/schema-node.ts';

/** A schema file is small; anything bigger is a mistake or an attack (untrusted PRs choose these paths). */
const MAX_SCHEMA_BYTES = 4 * 1024 * 1024;
const MAX_SCHEMA_FILES = 500;
/** All of a target's schemas, parsed in Ferry's process (~20 bytes of memory a byte): 500 files of 4 MiB would not fit. */
const MAX_TOTAL_SCHEMA_BYTES = 32 * 1024 * 1024;

/** A target's compiled `schemas:` and the problems reading them. */
export interface SchemaFiles {
  files: SchemaAdditions;
  findings: Finding[];
}

/**
 * Reads a target's configured `schemas:` (CRD or JSON-schema files, or folders of them) from the
 * tree and compiles them. Paths must stay inside the repository, folders on the way included (a
 * checkout holds links), links are not followed, and only regular files are read. A problem reading
 * an entry (missing, outside, a link, too large; or a file of a folder it names) is reported on the
 * entry's line in `.github/ferry.yml` (`declared.schemasLines`), naming the file: the fix is there, and
 * GitHub cannot annotate line 1 of a file the revision lacks.
 */
export async function loadSchemaFiles(
  root: string,
  paths: readonly string[],
  declared?: Target['declared'],
): Promise<SchemaFiles> {
  const findings: Finding[] = [];
  const files: { path: string; text: string }[] = [];
  const realRoot = await realpath(root);
  for (const [i, path] of paths.entries()) {
    const line = declared?.schemasLines?.[i];
    const at = declared && line !== undefined ? { file: declared.file, line } : undefined;
    await collect({ root: realRoot, path, out: files, findings, at });
  }
  return { files: parseSchemaFiles(files), findings };
}

async function collect(opts: {
  root: string;
  path: string;
  out: { path: string; text: string }[];
  findings: Finding[];
  /** The entry's place in `.github/ferry.yml`, if the config says it. */
  at: { file: string; line: number } | undefined;
}): Promise<void> {
  const { root, path, out, findings, at } = opts;
  const abs = join(root, path);
  const rel = relative(root, abs);
  const fail = (message: string) =>
    findings.push({
      rule: 'config',
      severity: 'error',
      file: at?.file ?? path,
      line: at?.line ?? 1,
      message: `schemas: ${message}`,
    });
  if (rel.startsWith('..') || rel.startsWith(sep)) return void fail(`${path} is outside the repository`);
  const stat = await lstat(abs).catch(() => undefined);
  if (!stat) {
    return void fail(
      `${path} does not exist in this revision: fix the target's schemas in .github/ferry.yml, or add it`,
    );
  }
  if (stat.isSymbolicLink())
    return void fail(`${path} is a symbolic link; schema files must be regular files`);
  // A folder on the way may be a link (`schemas: [etc/passwd]` with `etc -> /etc` in a checkout).
  const real = await realpath(abs);
  if (!isInside(root, real)) return void fail(`${path} leads outside the repository through a symbolic link`);
  // git's data is no part of the repository (a checkout's .git/config holds a token).
  if (isGitData(relative(root, real).split(sep).join('/')))
    return void fail(`${path} is in .git, not in the repository`);
  if (stat.isDirectory()) {
    const entries = (await readdir(abs)).sort();
    for (const entry of entries) {
      if (entry.startsWith('.')) continue;
      const child = `${rel.split(sep).join('/')}/${entry}`;
      const childStat = await lstat(join(root, child));
      if (childStat.isDirectory() || /\.(ya?ml|json)$/i.test(entry)) await collect({ ...opts, path: child });
    }
    return;
  }
  // A device or a FIFO reports size 0 and never ends (/dev/zero) or never starts.
  if (!stat.isFile()) return void fail(`${path} is not a regular file`);
  if (out.length >= MAX_SCHEMA_FILES) return void fail(`more than ${MAX_SCHEMA_FILES} schema files`);
  if (stat.size > MAX_SCHEMA_BYTES) return void fail(`${path} is over ${MAX_SCHEMA_BYTES} bytes`);
  const total = out.reduce((sum, file) => sum + file.text.length, 0);
  if (total + stat.size > MAX_TOTAL_SCHEMA_BYTES)
    return void fail(
      `${path} takes the target's schemas over ${MAX_TOTAL_SCHEMA_BYTES / 1024 / 1024} MiB in all`,
    );
  out.push({ path: rel.split(sep).join('/'), text: await readFile(abs, 'utf8') });
}
