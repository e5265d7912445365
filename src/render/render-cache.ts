import { createHash } from 'node:crypto';
import { closeSync, lstatSync, openSync, readdirSync, readFileSync, statSync, writeSync } from 'node:fs';
import { readdir, readFile, realpath, rename, stat, unlink, utimes } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { inChunks } from '../report/in-chunks.ts';
import type { Resource } from '../types.ts';
import { listTargetInputs } from './list-target-inputs.ts';
import { makeDirectories } from './make-directories.ts';
import type { RenderResult, RenderTargetOptions } from './render-target.ts';
import { renderTarget } from './render-target.ts';
import { resolveBinaries } from './resolve-binaries.ts';

/** Where rendered targets are kept between runs; `off` turns the cache off. */
export const RENDER_CACHE_ENV = 'FERRY_RENDER_CACHE_DIR';
/** Past this many bytes the oldest entries (by last use) are deleted. */
export const DEFAULT_RENDER_CACHE_BYTES = 200 * 1024 * 1024;
/** Bumped whenever what a renderer returns for the same inputs changes shape or content. */
const FORMAT = 3;

export interface RenderCache {
  dir: string;
  maxBytes: number;
  /** Counters for tests and benchmarks: a hit runs no renderer. */
  stats: { hits: number; misses: number; writes: number };
}

/**
 * The render cache of this process: FERRY_RENDER_CACHE_DIR, else $XDG_CACHE_HOME/ferry/renders, else
 * ~/.cache/ferry/renders; in Lambda (read-only home) a folder under the temp dir, which lives as long
 * as the warm container. Undefined when turned off (`FERRY_RENDER_CACHE_DIR=off`).
 */
export function openRenderCache(
  env: NodeJS.ProcessEnv = process.env,
  home: () => string = homedir,
): RenderCache | undefined {
  const set = env[RENDER_CACHE_ENV];
  if (set === 'off') return undefined;
  let dir: string;
  if (set) dir = set;
  else if (env.AWS_LAMBDA_FUNCTION_NAME) dir = join(tmpdir(), 'ferry-renders');
  else if (env.XDG_CACHE_HOME) dir = join(env.XDG_CACHE_HOME, 'ferry', 'renders');
  else {
    // A home that is not there (HOME=/nonexistent, as system accounts and some containers have) is not
    // made, as the folders below it would be: the cache is only a speed-up, so it is off instead.
    const at = homeIfThere(home);
    if (at === undefined) return undefined;
    dir = join(at, '.cache', 'ferry', 'renders');
  }
  return { dir, maxBytes: DEFAULT_RENDER_CACHE_BYTES, stats: { hits: 0, misses: 0, writes: 0 } };
}

/** The user's home folder when it exists; os.homedir() throws where the user has none at all. */
function homeIfThere(home: () => string): string | undefined {
  try {
    const at = home();
    return statSync(at).isDirectory() ? at : undefined;
  } catch {
    return undefined;
  }
}

/**
 * renderTarget through the cache: the key is a SHA-256 of every input file of the target (path and
 * content), the target's settings, the Kubernetes version and the identity of the kubectl and helm
 * binaries, so any change to what the render reads misses. Only successful renders are stored; an
 * unreadable or corrupt entry is a miss. Resources come back without lazy field lines (`lines`): a
 * cached render serves the diff's base side, which is never validated.
 */
export async function renderTargetCached(
  opts: RenderTargetOptions & { cache: RenderCache | undefined },
): Promise<RenderResult> {
  const { cache, ...renderOpts } = opts;
  if (!cache) return renderTarget(renderOpts);
  const key = await renderCacheKey(renderOpts).catch(() => undefined);
  if (key) {
    const cached = await readEntry(cache, key);
    if (cached) {
      cache.stats.hits++;
      return cached;
    }
  }
  cache.stats.misses++;
  const result = await renderTarget(renderOpts);
  if (key && !result.failed) await writeEntry(cache, key, result);
  return result;
}

/**
 * Keeps a render made for validation (the diff's head) under the key a base render of the same inputs
 * looks up. After a pull request merges, the next one's base has the merged head's inputs, so its
 * render is found instead of made again; the same goes for diffing commits one after another. Field
 * lines and pointers are dropped, as a base render without them would hold none. An entry already
 * there is only marked as used.
 */
export async function storeRender(
  opts: RenderTargetOptions & {
    cache: RenderCache | undefined;
    result: Pick<RenderResult, 'renderer' | 'resources'>;
  },
): Promise<void> {
  const { cache, result, ...renderOpts } = opts;
  if (!cache) return;
  const key = await renderCacheKey({ ...renderOpts, fieldLines: false }).catch(() => undefined);
  if (!key) return;
  const file = join(cache.dir, `${key}.json`);
  const now = new Date();
  if (
    await utimes(file, now, now).then(
      () => true,
      () => false,
    )
  )
    return;
  const resources = result.resources.map(({ lines: _l, pointers: _p, pointerFiles: _f, ...rest }) => rest);
  await writeEntry(cache, key, { renderer: result.renderer, resources, findings: [], failed: false });
}

/** The content address of a target's render; undefined when an input cannot be pinned down. */
export async function renderCacheKey(opts: RenderTargetOptions): Promise<string | undefined> {
  const root = await realpath(opts.root);
  const hash = createHash('sha256');
  hash.update(`ferry-render-cache ${FORMAT}\n`);
  hash.update(
    JSON.stringify({
      target: opts.target,
      kubernetesVersion: opts.kubernetesVersion,
      fieldLines: opts.fieldLines !== false,
    }),
  );
  hash.update(`\n${binaryIdentity()}\n`);
  for (const input of await listTargetInputs({ root, target: opts.target })) {
    if (!(await hashPath(hash, root, input, 0))) return undefined;
  }
  return hash.digest('hex');
}

/** kubectl and helm by path, size and modification time: a new binary is a new key. */
function binaryIdentity(): string {
  try {
    const { kubectl, helm } = resolveBinaries();
    return [kubectl, helm]
      .map((p) => {
        const s = statSync(p);
        return `${p}:${s.size}:${s.mtimeMs}`;
      })
      .join(' ');
  } catch {
    // No binaries: plain targets still render (and kustomize/helm fail, which is never stored).
    return 'no-binaries';
  }
}

const MAX_DEPTH = 64;

/** Adds a repo-relative path (file or directory, recursively, sorted) to the hash; false: not cacheable. */
async function hashPath(
  hash: ReturnType<typeof createHash>,
  root: string,
  rel: string,
  depth: number,
): Promise<boolean> {
  if (depth > MAX_DEPTH) return false;
  const abs = rel === '.' ? root : join(root, rel);
  let info: ReturnType<typeof lstatSync>;
  try {
    info = lstatSync(abs);
  } catch {
    hash.update(`missing ${rel}\n`);
    return true;
  }
  if (info.isSymbolicLink()) {
    // A link to a directory could pull in anything below it; such targets are simply not cached.
    const target = await stat(abs).catch(() => undefined);
    if (target?.isDirectory()) return false;
    if (!target) {
      hash.update(`dangling ${rel}\n`);
      return true;
    }
  }
  if (info.isDirectory()) {
    hash.update(`dir ${rel}\n`);
    const names = readdirSync(abs).sort();
    for (const name of names) {
      if (!(await hashPath(hash, root, rel === '.' ? name : `${rel}/${name}`, depth + 1))) return false;
    }
    return true;
  }
  const content = readFileSync(abs);
  hash.update(`file ${rel} ${content.length}\n`);
  hash.update(content);
  return true;
}

interface Entry {
  format: number;
  key: string;
  renderer: RenderResult['renderer'];
  resources: Resource[];
}

async function readEntry(cache: RenderCache, key: string): Promise<RenderResult | undefined> {
  const file = join(cache.dir, `${key}.json`);
  let entry: Entry;
  try {
    entry = JSON.parse(await readFile(file, 'utf8')) as Entry;
  } catch {
    return undefined; // absent, unreadable or corrupt: render again (and overwrite it)
  }
  if (
    entry?.format !== FORMAT ||
    entry.key !== key ||
    !Array.isArray(entry.resources) ||
    !entry.resources.every(isResourceShape)
  ) {
    return undefined;
  }
  const now = new Date();
  await utimes(file, now, now).catch(() => undefined); // last use, for eviction
  return { renderer: entry.renderer, resources: entry.resources, findings: [], failed: false };
}

function isResourceShape(r: unknown): r is Resource {
  const o = r as Partial<Resource> | null;
  return (
    typeof o === 'object' &&
    o !== null &&
    typeof o.file === 'string' &&
    typeof o.line === 'number' &&
    typeof o.apiVersion === 'string' &&
    typeof o.object === 'object' &&
    o.object !== null &&
    typeof o.id?.kind === 'string' &&
    typeof o.id?.name === 'string' &&
    typeof o.id?.namespace === 'string'
  );
}

async function writeEntry(cache: RenderCache, key: string, result: RenderResult): Promise<void> {
  const file = join(cache.dir, `${key}.json`);
  const temp = `${file}.${process.pid}.${Date.now()}.tmp`;
  try {
    // Rendered Secrets are in here, as they are in the checkout: readable by this user only.
    makeDirectories(cache.dir, 0o700);
    writeEntryFile(temp, { format: FORMAT, key, renderer: result.renderer }, result.resources);
    await rename(temp, file);
    cache.stats.writes++;
    await evictOldest(cache);
  } catch {
    // A full or read-only disk only costs the next run a render.
    await unlink(temp).catch(() => undefined);
  }
}

/**
 * Writes an Entry as JSON, a resource at a time in writes of ~64 KiB: the same text as
 * JSON.stringify of the whole entry, without it (at 5,000 objects a string and a buffer of tens of
 * MiB each, fresh memory the system must hand over page by page). Lazy field lines are functions
 * (and only validation reads them): they are left out, the rest is plain data.
 */
function writeEntryFile(path: string, head: Omit<Entry, 'resources'>, resources: readonly Resource[]): void {
  const fd = openSync(path, 'w', 0o600);
  try {
    for (const chunk of inChunks(entryPieces(head, resources))) writeSync(fd, chunk);
  } finally {
    closeSync(fd);
  }
}

function* entryPieces(head: Omit<Entry, 'resources'>, resources: readonly Resource[]): Generator<string> {
  yield `${JSON.stringify(head).slice(0, -1)},"resources":[`;
  for (let i = 0; i < resources.length; i++) {
    const { lines: _lines, ...rest } = resources[i] as Resource;
    yield (i > 0 ? ',' : '') + JSON.stringify(rest);
  }
  yield ']}';
}

/** Deletes the least recently used entries until the folder is within its size bound. */
async function evictOldest(cache: RenderCache): Promise<void> {
  const names = (await readdir(cache.dir)).filter((n) => n.endsWith('.json'));
  const files = await Promise.all(
    names.map(async (n) => {
      const s = await stat(join(cache.dir, n)).catch(() => undefined);
      return { path: join(cache.dir, n), size: s?.size ?? 0, used: s?.mtimeMs ?? 0 };
    }),
  );
  let total = files.reduce((sum, f) => sum + f.size, 0);
  for (const f of files.sort((a, b) => a.used - b.used)) {
    if (total <= cache.maxBytes) break;
    await unlink(f.path).catch(() => undefined);
    total -= f.size;
  }
}
