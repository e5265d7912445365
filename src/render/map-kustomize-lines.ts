import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { isMap, isSeq, LineCounter, parseAllDocuments } from 'yaml';
import { allLinesOf } from '../manifest/line-of.ts';
import { parseManifests } from '../manifest/parse-manifests.ts';
import { parseNode } from '../manifest/parse-node.ts';
import type { Resource } from '../types.ts';
import { type ImageOverride, lastImageOverride } from './kustomize-images.ts';
import type { KustomizationTree, PatchSource } from './load-kustomization-tree.ts';
import { nameCandidates } from './locate-kustomize-sources.ts';
import { toRepoPath } from './repo-path.ts';

/** kustomize's `buildMetadata: [originAnnotations]`: the file (or generator) an object came from. */
export const ORIGIN_ANNOTATION = 'config.kubernetes.io/origin';
/** `buildMetadata: [transformerAnnotations]`: which kustomizations transformed it (not which patch). */
export const TRANSFORMATIONS_ANNOTATION = 'alpha.config.kubernetes.io/transformations';

export interface Origin {
  /** Repo-relative file the object was declared in. */
  path?: string;
  /** Repo-relative kustomization whose generator made it. */
  configuredIn?: string;
}

/**
 * Takes the build-metadata annotations off a rendered object (they are Ferry's, not the user's: what
 * is applied and diffed is exactly `kubectl kustomize`'s output) and returns where it came from.
 * `base` is the absolute directory the annotation paths are relative to (the wrapper kustomization's).
 */
export function takeOrigin(object: Record<string, unknown>, opts: { root: string; base: string }): Origin {
  const metadata = object.metadata;
  if (!isPlainObject(metadata) || !isPlainObject(metadata.annotations)) return {};
  const annotations = metadata.annotations;
  const origin = annotations[ORIGIN_ANNOTATION];
  delete annotations[ORIGIN_ANNOTATION];
  delete annotations[TRANSFORMATIONS_ANNOTATION];
  if (Object.keys(annotations).length === 0) delete metadata.annotations;
  if (typeof origin !== 'string') return {};
  const out: Origin = {};
  const path = /^path:\s*(.+)$/m.exec(origin)?.[1]?.trim();
  const configuredIn = /^configuredIn:\s*(.+)$/m.exec(origin)?.[1]?.trim();
  const repo = (p: string) => toRepoPath(opts.root, resolve(opts.base, unquote(p)));
  // The annotation is kustomize's, but a generator's `options.annotations` or a patch can write it: a
  // path out of the repository names nothing of the target.
  const inside = (p: string | undefined) => (p && !p.startsWith('../') && p !== '..' ? p : undefined);
  const at = inside(path && repo(path));
  const configured = inside(configuredIn && repo(configuredIn));
  if (at) out.path = at;
  if (configured) out.configuredIn = configured;
  return out;
}

interface LineMap {
  file: string;
  /** Semantic path (list items by `name` where they have one) → line. */
  lines: Map<string, number>;
  /** Semantic paths the patch sets outright (scalars, and whatever a JSON patch op writes). */
  sets: Set<string>;
}

interface ParsedPatch {
  source: PatchSource;
  rank: number;
  /** A strategic-merge patch: its object (kind and name select the target). */
  object?: Record<string, unknown>;
  pointers: Record<string, number>;
  /** A JSON 6902 patch: its operations. */
  ops?: { path: string; valuePointer: string }[];
}

/**
 * Where each field of a kustomize-rendered object was written: the object's source file (from the
 * origin annotation) and line, field by field; a field a patch sets points at the patch file and line.
 * List items are matched by `name` (containers, env, ports …), as strategic merge matches them, so a
 * patch that reorders containers still points right.
 *
 * Only the object's file and first line are found at once (each source file read by the fast parser,
 * once); its field lines are mapped on the first lookup (`lines`), like any document's: composing the
 * source document and the patches with the `yaml` package costs more than the render, and most objects
 * never have a finding.
 */
export async function loadKustomizeLineMapper(
  root: string,
  tree: KustomizationTree,
): Promise<(resource: Resource, origin: Origin) => Promise<Resource | undefined>> {
  const files = new Map<string, Resource[]>();
  const sourceDocs = async (file: string): Promise<Resource[]> => {
    let docs = files.get(file);
    if (!docs) {
      const text = await readFile(join(root, file), 'utf8').catch(() => '');
      docs = parseManifests(text, file).resources;
      files.set(file, docs);
    }
    return docs;
  };
  const patchTexts = await loadPatchTexts(root, tree);
  let patches: ParsedPatch[] | undefined;
  const parsedPatches = (): ParsedPatch[] => {
    patches ??= parsePatches(patchTexts, tree);
    return patches;
  };
  // Only the files the walk proved (a forged origin annotation may name any other, /dev/zero included).
  const known = new Set(tree.resourceFiles);
  return async (resource, origin) => {
    if (!origin.path || !known.has(origin.path)) return undefined;
    return mapResource({ resource, docs: await sourceDocs(origin.path), patches: parsedPatches, tree });
  };
}

async function loadPatchTexts(
  root: string,
  tree: KustomizationTree,
): Promise<{ source: PatchSource; text: string }[]> {
  const out: { source: PatchSource; text: string }[] = [];
  for (const source of tree.patches) {
    const text = source.text ?? (await readFile(join(root, source.file), 'utf8').catch(() => undefined));
    if (text !== undefined) out.push({ source, text });
  }
  return out;
}

function parsePatches(
  texts: { source: PatchSource; text: string }[],
  tree: KustomizationTree,
): ParsedPatch[] {
  const out: ParsedPatch[] = [];
  for (const { source, text } of texts) {
    const rank = tree.kustomizations.indexOf(source.kustomization);
    for (const parsed of parsePatchText(text, source.lineOffset)) out.push({ source, rank, ...parsed });
  }
  // Inner kustomizations first: an overlay's patch (lower index) is applied after its base's.
  return out.sort((a, b) => b.rank - a.rank);
}

function parsePatchText(text: string, lineOffset: number): Omit<ParsedPatch, 'source' | 'rank'>[] {
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter, prettyErrors: false });
  const out: Omit<ParsedPatch, 'source' | 'rank'>[] = [];
  for (const doc of Array.isArray(docs) ? docs : [docs]) {
    if (doc.errors.length > 0) continue;
    const lineAt = (pos: number) => lineCounter.linePos(pos).line + lineOffset;
    const parsed = parseNode(doc.contents, { lineAt, maxDepth: 128 });
    if (isMap(doc.contents) && isPlainObject(parsed.value)) {
      out.push({ object: parsed.value, pointers: parsed.pointers });
    } else if (isSeq(doc.contents) && Array.isArray(parsed.value)) {
      const ops: { path: string; valuePointer: string }[] = [];
      parsed.value.forEach((op, i) => {
        if (isPlainObject(op) && typeof op.path === 'string' && op.op !== 'remove' && op.op !== 'test')
          ops.push({ path: op.path, valuePointer: `/${i}/value` });
      });
      out.push({ ops, pointers: parsed.pointers });
    }
  }
  return out;
}

function mapResource(args: {
  resource: Resource;
  docs: Resource[];
  /** The tree's patches, parsed on the first call. */
  patches: () => ParsedPatch[];
  tree: KustomizationTree;
}): Resource | undefined {
  const { resource, docs, tree } = args;
  const names = nameCandidates(resource.id.name, tree);
  const sameKind = docs.filter((d) => d.id.kind === resource.id.kind);
  const source =
    sameKind.find((d) => names.includes(d.id.name)) ?? (sameKind.length === 1 ? sameKind[0] : undefined);
  if (!source) return undefined;
  let mapped: FieldLocations | undefined;
  const locations = (): FieldLocations => {
    mapped ??= mapFields({
      resource,
      source,
      patches: args.patches(),
      names,
      images: tree.images[source.file] ?? [],
    });
    return mapped;
  };
  // The rendered output's own lines would point into kustomize's output, not a file: replaced.
  const { pointers: _rendered, lines: _renderedLines, pointerFiles: _files, ...rest } = resource;
  return {
    ...rest,
    file: source.file,
    line: source.line,
    lines: {
      lineOf: (pointer) => locations().pointers[pointer],
      all: () => locations().pointers,
      fileOf: (pointer) => locations().pointerFiles[pointer],
    },
  };
}

interface FieldLocations {
  pointers: Record<string, number>;
  /** Pointers whose line is in another file than the source document's (a patch). */
  pointerFiles: Record<string, string>;
}

function mapFields(args: {
  resource: Resource;
  source: Resource;
  patches: ParsedPatch[];
  names: readonly string[];
  /** The `images:` entries kustomize applies to the source file's objects, in order. */
  images: readonly ImageOverride[];
}): FieldLocations {
  const { resource, source, names } = args;
  const sourceImages = args.images.length > 0 ? imagesOf(source.object) : new Map<string, string>();
  const base: LineMap = {
    file: source.file,
    lines: semanticLines(source.object, allLinesOf(source)),
    sets: new Set(),
  };
  const applied = args.patches
    .filter((p) => patchApplies(p, resource.id.kind, names))
    .map((p) => patchLineMap(p, resource.object));
  const pointers: Record<string, number> = {};
  const pointerFiles: Record<string, string> = {};
  walk(resource.object, '', '', (pointer, semantic) => {
    let from: LineMap | undefined;
    // The outermost patch that sets the field wins; else the base, where the field is written.
    for (const p of applied) if (p.lines.has(semantic) && p.sets.has(semantic)) from = p;
    if (!from && base.lines.has(semantic)) from = base;
    if (!from) for (const p of applied) if (p.lines.has(semantic)) from = p;
    const line = from?.lines.get(semantic);
    if (!from || line === undefined) return;
    const entry = from === base ? imageEntryOf(sourceImages.get(semantic), args.images) : undefined;
    if (entry) {
      pointers[pointer] = entry.line;
      if (entry.file !== source.file) pointerFiles[pointer] = entry.file;
      return;
    }
    pointers[pointer] = line;
    if (from.file !== source.file) pointerFiles[pointer] = from.file;
  });
  return { pointers, pointerFiles };
}

function patchApplies(patch: ParsedPatch, kind: string, names: readonly string[]): boolean {
  const target = patch.source.target;
  if (target) {
    if (target.kind !== undefined && target.kind !== kind) return false;
    if (target.name !== undefined && !names.includes(target.name)) return false;
    return target.kind !== undefined || target.name !== undefined;
  }
  const object = patch.object;
  if (!object) return false;
  const metadata = isPlainObject(object.metadata) ? object.metadata : {};
  return object.kind === kind && typeof metadata.name === 'string' && names.includes(metadata.name);
}

/** What selects the target, not what the patch writes. */
const IDENTITY = new Set(['/apiVersion', '/kind', '/metadata', '/metadata/name', '/metadata/namespace']);

function patchLineMap(patch: ParsedPatch, rendered: unknown): LineMap {
  const lines = new Map<string, number>();
  const sets = new Set<string>();
  if (patch.object) {
    walk(patch.object, '', '', (pointer, semantic, value) => {
      const line = patch.pointers[pointer];
      if (line === undefined || IDENTITY.has(pointer)) return;
      lines.set(semantic, line);
      if (!isPlainObject(value) && !Array.isArray(value)) sets.add(semantic);
    });
  }
  for (const op of patch.ops ?? []) {
    const target = semanticOfPointer(rendered, op.path);
    const line = patch.pointers[op.valuePointer];
    if (line === undefined) continue;
    lines.set(target, line);
    sets.add(target);
    // Lines inside the written value: `/0/value/limits/cpu` → `<path>/limits/cpu`.
    for (const [pointer, l] of Object.entries(patch.pointers)) {
      if (!pointer.startsWith(`${op.valuePointer}/`)) continue;
      const key = semanticOfPointer(rendered, `${op.path}${pointer.slice(op.valuePointer.length)}`);
      lines.set(key, l);
      sets.add(key);
    }
  }
  return { file: patch.source.file, lines, sets };
}

/** Where kustomize's images transformer looks: `image` of any `containers`/`initContainers` item. */
const IMAGE_FIELD = /\/(?:containers|initContainers)\/[^/]+\/image$/;

/** An image as the base writes it that an `images:` entry rewrites: the entry says what is deployed. */
function imageEntryOf(
  image: string | undefined,
  overrides: readonly ImageOverride[],
): { file: string; line: number } | undefined {
  return image === undefined ? undefined : lastImageOverride(image, overrides)?.at;
}

/** The string images of a source object by semantic path. */
function imagesOf(object: unknown): Map<string, string> {
  const out = new Map<string, string>();
  walk(object, '', '', (_pointer, semantic, value) => {
    if (typeof value === 'string' && IMAGE_FIELD.test(semantic)) out.set(semantic, value);
  });
  return out;
}

/** Semantic line map of a parsed document: its pointers re-keyed by item names. */
function semanticLines(object: unknown, pointers: Readonly<Record<string, number>>): Map<string, number> {
  const out = new Map<string, number>();
  walk(object, '', '', (pointer, semantic) => {
    const line = pointers[pointer];
    if (line !== undefined) out.set(semantic, line);
  });
  return out;
}

/** Every node under `value` with its JSON pointer and its semantic path (list items by `name`). */
function walk(
  value: unknown,
  pointer: string,
  semantic: string,
  visit: (pointer: string, semantic: string, value: unknown) => void,
): void {
  if (Array.isArray(value)) {
    value.forEach((item, i) => {
      const p = `${pointer}/${i}`;
      const s = `${semantic}/${itemKey(item, i)}`;
      visit(p, s, item);
      walk(item, p, s, visit);
    });
  } else if (isPlainObject(value)) {
    for (const [key, item] of Object.entries(value)) {
      const escaped = key.replaceAll('~', '~0').replaceAll('/', '~1');
      const p = `${pointer}/${escaped}`;
      const s = `${semantic}/${escaped}`;
      visit(p, s, item);
      walk(item, p, s, visit);
    }
  }
}

/** A list item's key: `[name=x]` for items with a name (strategic merge's usual merge key), else its index. */
function itemKey(item: unknown, index: number): string {
  return isPlainObject(item) && typeof item.name === 'string' ? `[name=${item.name}]` : String(index);
}

/** The semantic path of a JSON pointer, resolved against `object` (for JSON 6902 patch paths). */
function semanticOfPointer(object: unknown, pointer: string): string {
  let node = object;
  let out = '';
  for (const raw of pointer.split('/').slice(1)) {
    if (Array.isArray(node)) {
      const index = raw === '-' ? node.length - 1 : Number(raw);
      const item = node[index];
      out += `/${Number.isInteger(index) ? itemKey(item, index) : raw}`;
      node = item;
    } else {
      out += `/${raw}`;
      const key = raw.replaceAll('~1', '/').replaceAll('~0', '~');
      node = isPlainObject(node) ? node[key] : undefined;
    }
  }
  return out;
}

function unquote(text: string): string {
  const m = /^(['"])(.*)\1$/.exec(text);
  return m?.[2] ?? text;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
