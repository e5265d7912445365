import { readdir, readFile, realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { ReadEntry } from 'tar/read-entry';
import type { Finding } from '../types.ts';
import { renderFinding } from './render-finding.ts';
import { isMissing } from './repo-path.ts';

/** helm's own caps on a chart archive (pkg/chart/loader: MaxDecompressedChartSize, …FileSize). */
const MAX_ARCHIVE_BYTES = 100 * 1024 * 1024;
const MAX_SCHEMA_BYTES = 5 * 1024 * 1024;
/** Archives inside archives (charts/a.tgz holding charts/b.tgz …): deeper than any real chart. */
const MAX_ARCHIVE_DEPTH = 5;
/** Findings per schema file: the first few say what to fix; a schema of a million refs costs no more. */
const MAX_FINDINGS = 10;

/** Keywords whose value is a URI the JSON Schema compiler loads when it is not in this document. */
const REFERENCES = ['$ref', '$dynamicRef', '$recursiveRef'];

/** The JSON Schema drafts' meta-schemas, which helm's compiler (santhosh-tekuri/jsonschema) holds built in. */
const META_SCHEMA =
  /^https?:\/\/json-schema\.org\/(draft-0[3467]\/schema|draft\/20(19-09|20-12)\/schema|schema)#?$/;

/**
 * Every `values.schema.json` helm validates the values against (the chart's, and each subchart's
 * under charts/, as a folder or a .tgz, nested), checked to load nothing else: helm's compiler
 * follows a `$ref` (or `$dynamicRef`, `$recursiveRef`, `$schema`) to a local file (`file:///…`, or a
 * relative path, resolved against the working directory) or an http(s) URL (loopback is not proxied),
 * and its validation errors quote what it loaded (an `enum` read from a file outside the repository).
 * Only references within the same document (`#/…`) and the drafts' meta-schemas are allowed.
 */
export async function checkChartSchemas(opts: {
  /** The chart's folder, absolute. */
  absDir: string;
  /** The chart's folder, repo-relative, for findings. */
  dir: string;
}): Promise<Finding[]> {
  const findings: Finding[] = [];
  await checkChartFolder(opts.absDir, opts.dir === '.' ? '' : `${opts.dir}/`, findings);
  return findings;
}

async function checkChartFolder(
  absDir: string,
  prefix: string,
  findings: Finding[],
  seen = new Set<string>(),
): Promise<void> {
  // A link back up (charts/self -> ..) is walked once.
  const real = await realpath(absDir);
  if (seen.has(real)) return;
  seen.add(real);
  const schema = await readRegularFile(join(absDir, 'values.schema.json'));
  if (schema) findings.push(...checkSchema(schema.toString('utf8'), `${prefix}values.schema.json`));
  let entries: import('node:fs').Dirent[];
  try {
    entries = await readdir(join(absDir, 'charts'), { withFileTypes: true });
  } catch (err) {
    if (isMissing(err)) return;
    throw err;
  }
  for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const path = join(absDir, 'charts', entry.name);
    const shown = `${prefix}charts/${entry.name}`;
    if (isArchiveName(entry.name)) {
      const bytes = await readRegularFile(path);
      if (bytes) findings.push(...checkArchive(bytes, shown, 1, await loadTarParser()));
    } else if (entry.isDirectory() || (entry.isSymbolicLink() && (await isDirectory(path)))) {
      // A link was vetted by listEscapingLinks.
      await checkChartFolder(path, `${shown}/`, findings, seen);
    }
  }
}

/** A regular file's bytes (links followed); nothing for a folder, a FIFO or a device, which helm cannot load as one. */
async function readRegularFile(path: string): Promise<Buffer | undefined> {
  try {
    if (!(await stat(path)).isFile()) return undefined;
    return await readFile(path);
  } catch (err) {
    if (isMissing(err) || (err as NodeJS.ErrnoException).code === 'ELOOP') return undefined;
    throw err;
  }
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch (err) {
    if (isMissing(err) || (err as NodeJS.ErrnoException).code === 'ELOOP') return false;
    throw err;
  }
}

function isSchemaName(name: string): boolean {
  return name === 'values.schema.json' || name.endsWith('/values.schema.json');
}

function isArchiveName(name: string): boolean {
  return name.endsWith('.tgz') || name.endsWith('.tar.gz');
}

type TarParser = typeof import('tar/parse').Parser;

/**
 * tar (with minipass, minizlib, zlib and assert) is ~14 ms of a command's start when loaded with it;
 * only a chart with a `.tgz` under charts/ needs it, and zlib (archiveChartName takes it alike).
 */
async function loadTarParser(): Promise<TarParser> {
  return (await import('tar/parse')).Parser;
}

/**
 * The schemas inside a chart archive, and inside the archives it vendors. helm reads an archive whole
 * into memory too; one it cannot read (not gzip, broken) is left for helm to report.
 */
function checkArchive(compressed: Buffer, shown: string, depth: number, Parser: TarParser): Finding[] {
  const { gunzipSync } = process.getBuiltinModule('node:zlib');
  if (depth > MAX_ARCHIVE_DEPTH) {
    return [renderFinding(shown, `chart archives nest deeper than ${MAX_ARCHIVE_DEPTH}; refusing to render`)];
  }
  let tar: Buffer;
  try {
    tar = gunzipSync(compressed, { maxOutputLength: MAX_ARCHIVE_BYTES });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
      return [
        renderFinding(
          shown,
          'chart archive decompresses past 100 MiB, more than helm loads; refusing to render',
        ),
      ];
    }
    // Not gzip: helm cannot load it either, and says so.
    return [];
  }
  const schemas: { name: string; bytes: Buffer }[] = [];
  const archives: { name: string; bytes: Buffer }[] = [];
  // The parser is synchronous on a buffer: every entry has ended when end() returns.
  const parser = new Parser();
  parser.on('entry', (entry: ReadEntry) => {
    const name = entry.path;
    const list =
      entry.type !== 'File'
        ? undefined
        : isSchemaName(name)
          ? schemas
          : isArchiveName(name)
            ? archives
            : undefined;
    if (!list) {
      entry.resume();
      return;
    }
    const chunks: Buffer[] = [];
    entry.on('data', (chunk: Buffer) => chunks.push(chunk));
    entry.on('end', () => list.push({ name, bytes: Buffer.concat(chunks) }));
  });
  parser.on('warn', () => {
    // A broken entry: helm reports the archive when it loads it.
  });
  parser.end(tar);
  const findings: Finding[] = [];
  for (const { name, bytes } of schemas) {
    const file = `${shown}/${name}`;
    findings.push(
      ...(bytes.length > MAX_SCHEMA_BYTES
        ? [renderFinding(file, 'values.schema.json is larger than helm loads (5 MiB); refusing to render')]
        : checkSchema(bytes.toString('utf8'), file)),
    );
  }
  for (const { name, bytes } of archives)
    findings.push(...checkArchive(bytes, `${shown}/${name}`, depth + 1, Parser));
  return findings;
}

/** The references of one schema that load another document, as findings at their lines. */
function checkSchema(text: string, file: string): Finding[] {
  let schema: unknown;
  try {
    schema = JSON.parse(text);
  } catch (err) {
    return [
      renderFinding(
        file,
        `values.schema.json is not valid JSON (${(err as Error).message}); fix or remove it`,
      ),
    ];
  }
  const findings: Finding[] = [];
  const lineOf = (value: string) => {
    const at = text.indexOf(JSON.stringify(value).slice(1, -1));
    return at < 0 ? 1 : text.slice(0, at).split('\n').length;
  };
  // Without recursion: a schema nested a million deep parses, and must not overflow the stack here.
  const stack: unknown[] = [schema];
  while (stack.length > 0 && findings.length < MAX_FINDINGS) {
    const node = stack.pop();
    if (node === null || typeof node !== 'object') continue;
    if (Array.isArray(node)) {
      stack.push(...node);
      continue;
    }
    for (const [key, value] of Object.entries(node)) {
      if (typeof value === 'string' && REFERENCES.includes(key) && !value.startsWith('#')) {
        findings.push(
          renderFinding(
            file,
            `${key} ${JSON.stringify(value)} loads another document, which helm would read from a file or the network; ` +
              'Ferry renders with neither: put what it names in this schema and refer to it as "#/…"',
            lineOf(value),
          ),
        );
      } else if (key === '$schema' && typeof value === 'string' && !META_SCHEMA.test(value)) {
        findings.push(
          renderFinding(
            file,
            `$schema ${JSON.stringify(value)} is not a JSON Schema draft helm knows, so helm would fetch it; ` +
              'use a draft\'s URL (e.g. "https://json-schema.org/draft-07/schema#")',
            lineOf(value),
          ),
        );
      } else stack.push(value);
    }
  }
  return findings;
}
