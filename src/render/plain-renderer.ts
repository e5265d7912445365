import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { type ParsedDocuments, parseManifests } from '../manifest/parse-manifests.ts';
import type { Finding, Resource } from '../types.ts';
import { KUSTOMIZATION_FILES } from './detect-renderer.ts';
import { listEscapingLinks } from './list-escaping-links.ts';
import { failedRender, formatBytes, renderFinding } from './render-finding.ts';
import type { Renderer, RenderLimits, RenderRequest, RenderResult, ResourceSink } from './renderer.ts';
import { isMissing, toRepoPath } from './repo-path.ts';

const MANIFEST_EXTENSIONS = ['.yaml', '.yml', '.json'];

/** Plain YAML/JSON manifests, found recursively; documents without apiVersion and kind are skipped. */
export const plainRenderer: Renderer = {
  kind: 'plain',
  async render(req: RenderRequest): Promise<RenderResult> {
    const absDir = join(req.root, req.dir);
    const links = await listEscapingLinks({ root: req.root, absDir });
    if (links.length > 0) return failedRender('plain', links);
    const files = await listManifestFiles(absDir);
    return renderPlainFiles({
      root: req.root,
      files,
      dir: req.dir,
      namespace: req.namespace,
      limits: req.limits,
      documents: req.documents,
      sink: req.sink,
    });
  },
};

/**
 * Parses the given files (absolute, inside the root) as one plain render. Any parse error fails the
 * render: a target missing the objects of a broken file must not be applied or pruned from; what did
 * parse is `checkable`. With a `sink`, each file's resources go there as it is read instead.
 */
export async function renderPlainFiles(opts: {
  root: string;
  files: readonly string[];
  /** Where a size finding points: the target dir or the file. */
  dir: string;
  /** Documents the other side of the diff already read (ParseOptions.documents). */
  documents?: ParsedDocuments;
  namespace?: string;
  limits: RenderLimits;
  sink?: ResourceSink;
}): Promise<RenderResult> {
  let total = 0;
  for (const file of opts.files) total += (await stat(file)).size;
  if (total > opts.limits.maxOutputBytes) {
    return failedRender('plain', [
      renderFinding(opts.dir, `render output exceeded ${formatBytes(opts.limits.maxOutputBytes)}`),
    ]);
  }
  const parse = (text: string, file: string) =>
    parseManifests(text, toRepoPath(opts.root, file), {
      defaultNamespace: opts.namespace,
      maxBytes: opts.limits.maxOutputBytes,
      documents: opts.documents,
    });
  const { sink } = opts;
  // The files a sink wants first are parsed once, kept until their turn.
  const early = new Map<string, ReturnType<typeof parse>>();
  if (sink) {
    for (const file of opts.files) {
      const bytes = await readFile(file);
      if (sink.scan(bytes)) early.set(file, parse(bytes.toString('utf8'), file));
    }
    sink.first([...early.values()].flatMap((parsed) => parsed.resources));
  }
  const resources: Resource[] = [];
  const findings: Finding[] = [];
  for (const file of opts.files) {
    const parsed = early.get(file) ?? parse(await readFile(file, 'utf8'), file);
    early.delete(file);
    findings.push(...parsed.findings);
    if (sink) await sink.part(parsed.resources);
    else resources.push(...parsed.resources);
  }
  const failed = findings.some((f) => f.severity === 'error');
  if (sink) return { renderer: 'plain', resources, findings, failed, streamed: true };
  // The files (and documents) that parsed are still checked: a broken file hides nothing else.
  if (failed) return failedRender('plain', findings, resources);
  return { renderer: 'plain', resources, findings, failed: false };
}

/**
 * Manifest files under `absDir`, sorted. Hidden entries and node_modules are skipped, and so are
 * subdirectories that are render units of their own (a kustomization or a chart: their files are
 * patches and templates, not manifests). Symlinked files are read; symlinked directories are not
 * entered (the caller has already refused links leading outside the repository).
 */
export async function listManifestFiles(absDir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (dir: string, top: boolean): Promise<void> => {
    const entries = await readdir(dir, { withFileTypes: true });
    const names = new Set(entries.map((e) => e.name));
    if (!top && (names.has('Chart.yaml') || KUSTOMIZATION_FILES.some((f) => names.has(f)))) return;
    for (const entry of entries) {
      if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) await walk(path, false);
      else if (
        isManifestName(entry.name) &&
        (entry.isFile() || (entry.isSymbolicLink() && (await isFile(path))))
      ) {
        out.push(path);
      }
    }
  };
  await walk(absDir, true);
  return out.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

function isManifestName(name: string): boolean {
  const lower = name.toLowerCase();
  return MANIFEST_EXTENSIONS.some((ext) => lower.endsWith(ext));
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch (err) {
    // A dangling link: nothing to read, so not a manifest.
    if (isMissing(err)) return false;
    throw err;
  }
}
