import { statSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { ManifestText } from '../manifest/decode-manifest-bytes.ts';
import {
  documentsTaken,
  type ParsedDocuments,
  type ParseResult,
  parseManifestText,
} from '../manifest/parse-manifests.ts';
import type { Finding, Resource } from '../types.ts';
import { KUSTOMIZATION_FILES } from './detect-renderer.ts';
import { listEscapingLinks } from './list-escaping-links.ts';
import { readFolderEntries } from './read-folder-entries.ts';
import { readManifestFile } from './read-manifest-file.ts';
import { failedRender, outputTooLarge, renderFinding } from './render-finding.ts';
import type { RenderLimits, RenderResult, ResourceSink } from './renderer.ts';
import { isMissing, toRepoPath } from './repo-path.ts';

const MANIFEST_EXTENSIONS = ['.yaml', '.yml', '.json'];

/**
 * A plain directory's manifest files (YAML/JSON, found recursively; documents without apiVersion and
 * kind are skipped when read), or its refusal when a link in it leads outside the repository. `units`
 * collects the kustomization and chart folders below it, which are not read (listManifestFiles).
 */
export async function listPlainInputs(opts: {
  root: string;
  absDir: string;
  units?: string[];
}): Promise<{ files: string[]; notes: Finding[] } | { refused: RenderResult }> {
  const links = await listEscapingLinks(opts);
  if (links.length > 0) return { refused: failedRender('plain', links) };
  const jsonnet: string[] = [];
  const misnamed: Finding[] = [];
  const files = await listManifestFiles(opts.absDir, {
    jsonnet,
    units: opts.units,
    misnamed,
    root: opts.root,
  });
  if (misnamed.length > 0) return { refused: failedRender('plain', misnamed) };
  return { files, notes: files.length === 0 ? unrenderedJsonnet(opts.root, jsonnet) : [] };
}

/**
 * A plain folder with Jsonnet programs and no manifest gives no object, which would pass as "0
 * resources": Argo CD renders Jsonnet, Ferry does not, so say so (a warning at the first program).
 * Beside committed YAML (Jsonnet kept as the source of the output) nothing is said.
 */
function unrenderedJsonnet(root: string, programs: readonly string[]): Finding[] {
  const shown = programs.map((file) => toRepoPath(root, file));
  const [first] = shown;
  if (first === undefined) return [];
  const some = shown.slice(0, 3).join(', ') + (shown.length > 3 ? ', …' : '');
  const count = shown.length === 1 ? 'a Jsonnet program' : `${shown.length} Jsonnet programs`;
  return [
    {
      rule: 'render',
      severity: 'warning',
      file: first,
      line: 1,
      message: `this folder holds ${count} (${some}) and no YAML or JSON manifest: Ferry does not run Jsonnet, so nothing here is checked or deployed; commit its output as YAML (jsonnet -y, or your CI) and point the target at it`,
    },
  ];
}

/**
 * Parses the given files (absolute, inside the root) as one plain render. Any parse error fails the
 * render: a target missing the objects of a broken file must not be applied or pruned from; what did
 * parse is `checkable`. With a `sink`, each file's resources go there as it is read instead
 * (streamUnits).
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
  /** Findings about the folder itself (listPlainInputs), reported with the files'. */
  notes?: readonly Finding[];
}): Promise<RenderResult> {
  let total = 0;
  for (const file of opts.files) total += statSync(file).size;
  if (total > opts.limits.maxOutputBytes) {
    return failedRender('plain', [renderFinding(opts.dir, outputTooLarge(opts.limits))]);
  }
  // Without a sink of the caller's, one that keeps every file's resources: one loop either way.
  const resources: Resource[] = [];
  const sink: ResourceSink = opts.sink ?? {
    first: () => undefined,
    part: async (part) => {
      resources.push(...part);
    },
  };
  const streamed = await streamUnits({
    units: opts.files.map((file) => ({ file })),
    parse: plainParser(opts),
    sink,
  });
  const findings = [...(opts.notes ?? []), ...streamed.findings.flat()];
  if (streamed.resources === 0 && !findings.some((f) => f.severity === 'error')) {
    findings.push(...noObjectIn(opts.root, opts.files));
  }
  const failed = findings.some((f) => f.severity === 'error');
  if (opts.sink) return { renderer: 'plain', resources, findings, failed, streamed: true };
  // The files (and documents) that parsed are still checked: a broken file hides nothing else.
  if (failed) return failedRender('plain', findings, resources);
  return { renderer: 'plain', resources, findings, failed: false };
}

/**
 * A plain folder whose YAML and JSON files hold no Kubernetes object (no document has an apiVersion and
 * a kind: Helm values files, a tool's config) renders nothing, which would pass as "0 resources"
 * (triton-inference-server's helm-values folders, ai-on-eks' `helm-values/`): a warning at the first
 * file says so. A target pointed at the wrong folder deploys nothing, and Argo CD refuses such files.
 */
function noObjectIn(root: string, files: readonly string[]): Finding[] {
  const [first] = files;
  if (first === undefined) return [];
  const none =
    files.length === 1
      ? 'its one YAML or JSON file holds no Kubernetes object'
      : `none of its ${files.length} YAML or JSON files holds a Kubernetes object`;
  return [
    {
      rule: 'render',
      severity: 'warning',
      file: toRepoPath(root, first),
      line: 1,
      message: `this target renders nothing: ${none} (a document with apiVersion and kind), so nothing here is checked or deployed; point the target at manifests, a kustomization or a chart (Helm values files belong under helm.values)`,
    },
  ];
}

/** Reads one plain file (absolute, inside the root) as the plain renderer does. */
export function plainParser(opts: {
  root: string;
  namespace?: string;
  limits: RenderLimits;
  documents?: ParsedDocuments;
}): (text: ManifestText, file: string) => ParseResult {
  return (text, file) =>
    parseManifestText(text, toRepoPath(opts.root, file), {
      defaultNamespace: opts.namespace,
      maxBytes: opts.limits.maxOutputBytes,
      maxBytesHint: opts.limits.sizeHint,
      documents: opts.documents,
    });
}

/**
 * How much file text (in UTF-16 code units, 1 or 2 bytes each) streamUnits keeps between its scan and
 * each file's turn: a set within it is read once, a larger one reads the rest again in turn, so what it
 * holds stays bounded (ferry validate PATH… has no cap on the total).
 */
const KEPT_TEXT_CHARS = 8 * 1024 * 1024;

/** One unit of a streamed render: a plain file to read, or a path already rendered (kustomize, helm). */
export type StreamUnit = { file: string } | { rendered: RenderResult };

/**
 * How much text of the files `sink.scan` accepts (CRDs) streamUnits keeps parsed between `first` and
 * their turn. A CRD's parse holds about three times its text (kserve's and kubeflow's 26 MB of CRDs
 * held 77 MiB, past a check worker's heap cap): the files past this are parsed again in their turn.
 */
const KEPT_PARSED_CHARS = 8 * 1024 * 1024;

/**
 * Hands `units` to a ResourceSink in order. The files `sink.scan` accepts by their text (and those
 * kubectl would refuse) are parsed first, for `first`, and kept parsed until their turn up to
 * KEPT_PARSED_CHARS. Of a file where `scan` accepts only some documents (a CRD among workloads), only
 * those are parsed for `first`, and the file is parsed whole in its turn as any other. The other
 * files' texts are kept up to KEPT_TEXT_CHARS; the rest are read (and parsed) again in their turn (a
 * sink without `scan` has every file read once, in its turn). Files are read synchronously
 * (readManifestFile): through the thread pool a small file's read cost several times as much, and a
 * set of one resource per file is mostly reads. `first` iterates the accepted files' resources and
 * every rendered unit's, in unit order, each file parsed as it comes (so only what is kept is alive at
 * once); then `part` gets each unit's resources (a failed render's `checkable`). Returns each unit's
 * findings, and how many resources the parts held.
 */
export async function streamUnits(opts: {
  units: readonly StreamUnit[];
  parse: (text: ManifestText, file: string) => ParseResult;
  sink: ResourceSink;
}): Promise<{ findings: Finding[][]; resources: number }> {
  const { parse, sink } = opts;
  // What `first` reads of the files `scan` accepts: the whole text, or only the accepted documents.
  const early = new Map<string, { text: ManifestText; whole: boolean }>();
  const parsed = new Map<string, ParseResult>();
  // The texts the scan read, kept up to KEPT_TEXT_CHARS in all so that their turn need not read them again.
  const kept = new Map<string, ManifestText>();
  let keptChars = 0;
  for (const unit of sink.scan ? opts.units : []) {
    if (!('file' in unit)) continue;
    const read = readManifestFile(unit.file);
    if (!('text' in read)) {
      // A file kubectl would refuse is only its finding (no resources): parsed now, it costs nothing to keep.
      parsed.set(unit.file, parse(read, unit.file));
      continue;
    }
    if (sink.scan?.(read.text)) {
      // Of a file that mixes them, only the accepted documents (a CRD among workloads) are read for
      // `first`; the file is parsed whole in its turn, as any other.
      const only = documentsTaken(read.text, (document) => sink.scan?.(document) === true);
      early.set(
        unit.file,
        only === undefined ? { text: read, whole: true } : { text: { text: only }, whole: false },
      );
      if (only === undefined) continue;
    }
    if (keptChars + read.text.length > KEPT_TEXT_CHARS) continue;
    keptChars += read.text.length;
    kept.set(unit.file, read);
  }
  sink.first(firstResources(opts.units, { early, parsed, parse }));
  const findings: Finding[][] = [];
  let resources = 0;
  for (const unit of opts.units) {
    if ('rendered' in unit) {
      findings.push(unit.rendered.findings);
      const part = renderedResources(unit.rendered);
      resources += part.length;
      await sink.part(part);
      continue;
    }
    const result =
      parsed.get(unit.file) ?? parse(kept.get(unit.file) ?? readManifestFile(unit.file), unit.file);
    parsed.delete(unit.file);
    kept.delete(unit.file);
    findings.push(result.findings);
    resources += result.resources.length;
    await sink.part(result.resources);
  }
  return { findings, resources };
}

/**
 * What `first` iterates, in unit order: each rendered unit's resources, and each accepted file's, parsed
 * here (its text then dropped). A whole file's parse is kept for its turn up to KEPT_PARSED_CHARS; a
 * file read only in part is parsed whole in its turn (these resources' lines are not the file's).
 */
function* firstResources(
  units: readonly StreamUnit[],
  files: {
    early: Map<string, { text: ManifestText; whole: boolean }>;
    parsed: Map<string, ParseResult>;
    parse: (text: ManifestText, file: string) => ParseResult;
  },
): Generator<Resource> {
  let parsedChars = 0;
  for (const unit of units) {
    if ('rendered' in unit) {
      yield* renderedResources(unit.rendered);
      continue;
    }
    const entry = files.early.get(unit.file);
    if (!entry) continue;
    files.early.delete(unit.file);
    const result = files.parse(entry.text, unit.file);
    if (entry.whole && 'text' in entry.text) {
      parsedChars += entry.text.text.length;
      if (parsedChars <= KEPT_PARSED_CHARS) files.parsed.set(unit.file, result);
    }
    yield* result.resources;
  }
}

/** What a render gives to check: its resources, or after a failure what could still be checked. */
function renderedResources(rendered: RenderResult): readonly Resource[] {
  return rendered.failed ? (rendered.checkable ?? []) : rendered.resources;
}

/**
 * Manifest files under `absDir`, sorted. Hidden entries and node_modules are skipped, and so are
 * subdirectories that are render units of their own (a kustomization or a chart: their files are
 * patches and templates, not manifests; `units` collects their absolute paths). Symlinked files are
 * read; symlinked directories are not entered (the caller has already refused links leading outside
 * the repository). `jsonnet` collects the Jsonnet programs (`.jsonnet`) it passes; `misnamed` the
 * folders and manifest files whose names are not UTF-8 (readFolderEntries, named from `root`), which
 * are passed: they cannot be read.
 */
export async function listManifestFiles(
  absDir: string,
  found: { units?: string[]; jsonnet?: string[]; misnamed?: Finding[]; root?: string } = {},
): Promise<string[]> {
  const { units, jsonnet, misnamed } = found;
  const out: string[] = [];
  const walk = async (dir: string, top: boolean): Promise<void> => {
    const { entries, misnamed: here } = await readFolderEntries({
      dir,
      folder: toRepoPath(found.root ?? absDir, dir),
      // A folder is walked and a manifest read; another file's name is never used.
      matters: (entry) => !isPassedName(entry.name) && (entry.isDirectory() || isManifestName(entry.name)),
    });
    const names = new Set(entries.map((e) => e.name));
    if (!top && (names.has('Chart.yaml') || KUSTOMIZATION_FILES.some((f) => names.has(f)))) {
      units?.push(dir);
      return;
    }
    misnamed?.push(...here);
    for (const entry of entries) {
      const { name } = entry;
      if (isPassedName(name)) continue;
      const path = join(dir, name);
      if (entry.isDirectory()) await walk(path, false);
      else if (isManifestName(name) && (entry.isFile() || (entry.isSymbolicLink() && (await isFile(path))))) {
        out.push(path);
      } else if (jsonnet && name.endsWith('.jsonnet')) {
        jsonnet.push(path);
      }
    }
  };
  await walk(absDir, true);
  jsonnet?.sort();
  return out.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Hidden entries and node_modules, which listManifestFiles passes. */
function isPassedName(name: string): boolean {
  return name.startsWith('.') || name === 'node_modules';
}

/** Whether a file name is a YAML or JSON manifest's (`.yaml`, `.yml`, `.json`, any case). */
export function isManifestName(name: string): boolean {
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
