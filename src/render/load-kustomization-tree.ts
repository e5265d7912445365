import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import {
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  parseAllDocuments,
  parseDocument,
  type YAMLMap,
} from 'yaml';
import { closestMatch } from '../manifest/closest-match.ts';
import type { Finding } from '../types.ts';
import { findKustomizationFile } from './detect-renderer.ts';
import type { ImageOverride } from './kustomize-images.ts';
import { readAsKustomize } from './read-as-kustomize.ts';
import { renderFinding } from './render-finding.ts';
import { isInside, locateInRepo, toRepoPath } from './repo-path.ts';

/** A configMapGenerator/secretGenerator entry: kustomize names its output `<name>-<hash>`. */
export interface GeneratorSource {
  kind: 'ConfigMap' | 'Secret';
  name: string;
  file: string;
  line: number;
}

/** A patch a kustomization applies: its file (or the kustomization, for an inline patch) and target. */
export interface PatchSource {
  /** Repo-relative file holding the patch text. */
  file: string;
  /** The inline patch's text, when it is written in the kustomization; else read `file`. */
  text?: string;
  /** Added to the patch text's lines (an inline patch starts below its `patch: |` line). */
  lineOffset: number;
  /** The `target:` selector's kind and name, when given (else the patch's own kind/name apply). */
  target?: { kind?: string; name?: string };
  /** The kustomization that applies it: an outer one (earlier in `kustomizations`) patches last. */
  kustomization: string;
}

export interface KustomizationTree {
  /** Every kustomization file visited, repo-relative. */
  kustomizations: string[];
  /**
   * In-repo directories (each kustomization's) and files outside them that the render reads,
   * repo-relative, symlinks resolved.
   */
  inputs: string[];
  /** Manifest files listed under `resources`/`bases`, repo-relative: where objects are declared. */
  resourceFiles: string[];
  generators: GeneratorSource[];
  /** Every patch of every kustomization visited. */
  patches: PatchSource[];
  namePrefixes: string[];
  nameSuffixes: string[];
  /**
   * For each file of `resourceFiles` below a kustomization with `images:`, the entries kustomize
   * applies to its objects, in order: those of the kustomization that lists it, then of each one
   * above it up to the root, each kustomization's components' before its own (applyImageOverrides).
   */
  images: Record<string, ImageOverride[]>;
  /**
   * Some file lies outside the directory of the kustomization that loads it (a shared patch in
   * `../common`): kustomize's default load restrictor would refuse it, so the render needs
   * `--load-restrictor LoadRestrictionsNone`, which is safe only because every path was proved here
   * to stay in the repository.
   */
  needsLoadRestrictionsNone: boolean;
  /** Remote references, helm charts, paths that are missing or lead outside the repository. */
  findings: Finding[];
  /** Only missing files were found wrong: safe to run kustomize anyway, for its own message. */
  onlyMissing: boolean;
}

/**
 * Bounds on the walk, which runs in Ferry's own process before kustomize and its deadline: paths
 * followed across the tree (more than a repository's 20,000 files is no real tree), did-you-mean hints
 * (each lists a folder and compares every name), and the size of one kustomization or plugin config.
 */
const MAX_REFERENCES = 20_000;
const MAX_HINTS = 20;
const MAX_KUSTOMIZATION_BYTES = 1024 * 1024;

/** The fields of a kustomization of plugin configs that change no config: it may only list them. */
const PLUGIN_KUSTOMIZATION_FIELDS = new Set(['apiVersion', 'kind', 'metadata', 'resources']);

/** Remote targets kustomize would fetch (with git or HTTP): Ferry renders with no network. */
const REMOTE_PATTERNS = [
  /^[a-z][a-z0-9+.-]*:\/\//i, // https://, ssh://, git://, file://, oci://
  /^git::/i,
  /^[^/\s]+@[^/\s]+:/, // git@github.com:org/repo
  /^(github\.com|gitlab\.com|bitbucket\.org|(ssh\.)?dev\.azure\.com)([/:]|$)/i,
  /[?&](ref|version|timeout|submodules)=/i,
];

export function isRemoteReference(value: string): boolean {
  return REMOTE_PATTERNS.some((p) => p.test(value));
}

/** Fields holding one path (or a list of paths) per entry, relative to the kustomization's directory. */
type Role = 'kustomization' | 'file' | 'plugin';

interface Ref {
  /** Where the reference is written, when not in the kustomization itself (a plugin config file). */
  file?: string;
  key: string;
  value: string;
  line: number;
  role: Role;
  /** Set for a patch file reference: its target selector. */
  patch?: { target?: { kind?: string; name?: string } };
  /** An inline plugin config that is a path too: not there is no problem (kustomize reads it inline). */
  optional?: boolean;
}

/**
 * Walks a kustomization and everything it references, recursively, before kustomize ever runs:
 * refuses remote references and helm charts (both need the network), and proves that every
 * referenced path, symlinks followed, exists inside the repository. What it collects also drives
 * `listTargetInputs` and the best-effort file/line mapping of kustomize's output.
 */
export async function loadKustomizationTree(opts: {
  root: string;
  absDir: string;
}): Promise<KustomizationTree> {
  const walker = new KustomizationWalker(opts.root);
  await walker.visitDirectory(opts.absDir);
  return walker.result();
}

class KustomizationWalker {
  private readonly visited = new Set<string>();
  /** Directories visited as kustomizations of plugin configs (visitKustomization's `plugin`). */
  private readonly visitedAsPlugins = new Set<string>();
  private readonly kustomizations: string[] = [];
  private readonly inputs = new Set<string>();
  private readonly resourceFiles = new Set<string>();
  private readonly generators: GeneratorSource[] = [];
  private readonly patches: PatchSource[] = [];
  private readonly namePrefixes = new Set<string>();
  private readonly nameSuffixes = new Set<string>();
  private readonly images: Record<string, ImageOverride[]> = {};
  private readonly findings: Finding[] = [];
  private needsNone = false;
  private refused = false;
  private followed = 0;
  private hinted = 0;

  constructor(private readonly root: string) {}

  result(): KustomizationTree {
    // A file inside a directory that is already an input adds nothing.
    const dirs = [...this.visited].map((d) => toRepoPath(this.root, d));
    const covered = (p: string) => dirs.some((d) => d === '.' || (p !== d && p.startsWith(`${d}/`)));
    return {
      kustomizations: this.kustomizations,
      inputs: [...this.inputs].filter((p) => !covered(p)).sort(),
      resourceFiles: [...this.resourceFiles],
      generators: this.generators,
      patches: this.patches,
      namePrefixes: [...this.namePrefixes],
      nameSuffixes: [...this.nameSuffixes],
      images: this.images,
      needsLoadRestrictionsNone: this.needsNone,
      onlyMissing: !this.refused,
      findings: this.findings.sort((a, b) =>
        a.file === b.file ? a.line - b.line : a.file < b.file ? -1 : 1,
      ),
    };
  }

  /**
   * `dir` is absolute and already proved inside the repository; `images` are the `images:` entries of
   * the kustomizations above it (and of their components), nearest first.
   */
  async visitDirectory(dir: string, images: ImageOverride[] = [], plugin = false): Promise<void> {
    const seen = plugin ? this.visitedAsPlugins : this.visited;
    if (seen.has(dir)) return;
    seen.add(dir);
    this.inputs.add(toRepoPath(this.root, dir));
    const name = await findKustomizationFile(dir);
    // A directory without a kustomization: kustomize reports that itself, clearly.
    if (!name) return;
    const located = await locateInRepo(this.root, dir, name);
    const file = toRepoPath(this.root, join(dir, name));
    if (!located.ok) {
      this.refused = true;
      this.findings.push(
        renderFinding(file, 'kustomization file is a symlink that leads outside the repository'),
      );
      return;
    }
    this.kustomizations.push(file);
    const text = await this.readBounded(located.real, file);
    if (text !== undefined) await this.visitKustomization({ dir, file, text, images, plugin });
  }

  private async visitKustomization(k: {
    dir: string;
    file: string;
    text: string;
    images: ImageOverride[];
    /**
     * Listed under `generators`, `transformers` or `validators`: what it builds are plugin configs,
     * whose paths kustomize then loads.
     */
    plugin: boolean;
  }): Promise<void> {
    const lineCounter = new LineCounter();
    const doc = parseDocument(k.text, { lineCounter, uniqueKeys: true, prettyErrors: false });
    const lineOf = (node: unknown) => {
      const start = (node as Node | null | undefined)?.range?.[0];
      return start === undefined ? 1 : lineCounter.linePos(start).line;
    };
    const firstError = doc.errors[0];
    if (firstError) {
      const line = lineCounter.linePos(firstError.pos[0]).line;
      const message = firstError.message.split('\n')[0] ?? 'invalid YAML';
      this.findings.push(renderFinding(k.file, `invalid kustomization: ${message}`, line));
      return;
    }
    // What kustomize decodes, not what the text spells: an alias, a merge key or `Resources:` names
    // paths kustomize loads as surely as `resources:` does.
    const unread = readAsKustomize(doc);
    if (unread) {
      this.refused = true;
      this.findings.push(
        renderFinding(k.file, `invalid kustomization: ${unread.message}`, lineOf(unread.node)),
      );
      return;
    }
    if (doc.contents === null) return;
    if (!isMap(doc.contents)) {
      this.findings.push(
        renderFinding(k.file, 'invalid kustomization: not a YAML mapping', lineOf(doc.contents)),
      );
      return;
    }
    const refs: Ref[] = [];
    const scalar = (key: string, node: unknown, role: Role, value?: string) => {
      if (node === undefined || node === null || (isScalar(node) && node.value === null)) return;
      if (!isScalar(node) || typeof node.value !== 'string') {
        // kustomize refuses it or reads it as some string: either way not a path Ferry has checked.
        this.refused = true;
        this.findings.push(
          renderFinding(k.file, `${key} entry must be a path (a string); refusing to render`, lineOf(node)),
        );
        return;
      }
      refs.push({ key, value: value ?? node.value, line: lineOf(node), role });
    };
    const eachItem = (node: unknown, fn: (item: unknown) => void) => {
      if (isSeq(node)) for (const item of node.items) fn(item);
    };
    const field = (node: unknown, name: string): unknown => (isMap(node) ? node.get(name, true) : undefined);

    for (const pair of doc.contents.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : '';
      const value = pair.value;
      if (k.plugin && !PLUGIN_KUSTOMIZATION_FIELDS.has(key)) {
        // A patch, a replacement or a generator here could write a path into a config after Ferry read it.
        this.refused = true;
        this.findings.push(
          renderFinding(
            k.file,
            `${key} is not supported in a kustomization listed under generators, transformers or validators: ` +
              'Ferry checks the paths of the configs it lists, which this field could change; list the configs under resources: only',
            lineOf(pair.key),
          ),
        );
        continue;
      }
      if (k.plugin && key === 'resources') {
        eachItem(value, (item) => scalar(key, item, 'plugin'));
        continue;
      }
      switch (key) {
        case 'resources':
        case 'bases':
        case 'components':
          eachItem(value, (item) => scalar(key, item, 'kustomization'));
          break;
        case 'crds':
        case 'configurations':
          eachItem(value, (item) => scalar(key, item, 'file'));
          break;
        case 'generators':
        case 'transformers':
        case 'validators':
          eachItem(value, (item) => {
            // kustomize reads an entry as an inline config when it parses as resources, one line or
            // many (`"{kind: ConfigMapGenerator, files: [/etc/x]}"`), else as a path. Both are checked:
            // a file at that odd path is read only when the entry is not a config.
            if (isScalar(item) && typeof item.value === 'string' && parsesAsMapping(item.value)) {
              this.inspectPluginConfig({ text: item.value, file: k.file, line: lineOf(item), refs });
              if (!item.value.includes('\n')) {
                scalar(key, item, 'plugin');
                const last = refs[refs.length - 1];
                if (last) last.optional = true;
              }
            } else scalar(key, item, 'plugin');
          });
          break;
        case 'patchesStrategicMerge':
          // Entries are file paths or inline patches; an inline patch spans lines.
          eachItem(value, (item) => {
            if (isScalar(item) && typeof item.value === 'string' && !item.value.includes('\n')) {
              scalar(key, item, 'file');
              const last = refs[refs.length - 1];
              if (last) last.patch = {};
            } else if (isScalar(item) && typeof item.value === 'string') {
              this.patches.push({
                file: k.file,
                text: item.value,
                lineOffset: lineOf(item),
                kustomization: k.file,
              });
            }
          });
          break;
        case 'patches':
        case 'patchesJson6902':
          eachItem(value, (item) => {
            const target = patchTarget(field(item, 'target'));
            const inline = field(item, 'patch');
            if (isScalar(inline) && typeof inline.value === 'string') {
              this.patches.push({
                file: k.file,
                text: inline.value,
                lineOffset: lineOf(inline),
                target,
                kustomization: k.file,
              });
            }
            const before = refs.length;
            scalar(key, field(item, 'path'), 'file');
            const last = refs[refs.length - 1];
            if (last && refs.length > before) last.patch = { target };
          });
          break;
        case 'replacements':
          eachItem(value, (item) => scalar(key, field(item, 'path'), 'file'));
          break;
        case 'openapi':
          scalar(key, field(value, 'path'), 'file');
          break;
        case 'configMapGenerator':
        case 'secretGenerator':
          eachItem(value, (item) => this.collectGenerator({ key, item, file: k.file, lineOf, scalar }));
          break;
        case 'helmCharts':
        case 'helmChartInflationGenerator':
        case 'helmGlobals':
          this.refused = true;
          this.findings.push(
            renderFinding(
              k.file,
              `${key} is not supported: it needs kustomize --enable-helm, which downloads charts and runs helm; ` +
                'render the chart as its own helm target instead',
              lineOf(pair.key),
            ),
          );
          break;
        case 'images':
          // Applied before those of the kustomizations above.
          k.images = [...imageOverrides(value, { file: k.file, lineOf }), ...k.images];
          break;
        case 'namePrefix':
        case 'nameSuffix':
          if (isScalar(value) && typeof value.value === 'string' && value.value !== '') {
            (key === 'namePrefix' ? this.namePrefixes : this.nameSuffixes).add(value.value);
          }
          break;
        default:
          break;
      }
    }
    // A component's transformers act on the resources of the kustomization that includes it, before
    // that kustomization's own: its `images:` come first in this one's list.
    const fromComponents: ImageOverride[] = [];
    for (const ref of refs) {
      if (ref.key === 'components') fromComponents.push(...(await this.componentImages(k.dir, ref.value)));
    }
    if (fromComponents.length > 0) k.images = [...fromComponents, ...k.images];
    for (const ref of refs) await this.follow(ref, k);
  }

  /** A kustomization or plugin config's text; undefined (and a finding) past MAX_KUSTOMIZATION_BYTES. */
  private async readBounded(real: string, file: string): Promise<string | undefined> {
    if ((await stat(real)).size <= MAX_KUSTOMIZATION_BYTES) return readFile(real, 'utf8');
    this.refused = true;
    this.findings.push(
      renderFinding(file, 'this file is over 1 MiB, more than any kustomization needs; refusing to render'),
    );
    return undefined;
  }

  /** The `images:` of the component at `value` (relative to `dir`), read ahead of its visit; [] when none can be read. */
  private async componentImages(dir: string, value: string): Promise<ImageOverride[]> {
    if (isRemoteReference(value)) return [];
    const located = await locateInRepo(this.root, dir, value);
    if (!located.ok || !located.isDirectory) return [];
    const name = await findKustomizationFile(located.real);
    if (!name) return [];
    const path = join(located.real, name);
    // One too large is refused when the component is visited; its images are not worth reading.
    const size = (await stat(path).catch(() => undefined))?.size ?? Number.POSITIVE_INFINITY;
    const text =
      size <= MAX_KUSTOMIZATION_BYTES ? await readFile(path, 'utf8').catch(() => undefined) : undefined;
    if (!text) return [];
    const lineCounter = new LineCounter();
    const doc = parseDocument(text, { lineCounter, prettyErrors: false });
    if (readAsKustomize(doc)) return [];
    const lineOf = (node: unknown) => lineOfNode(lineCounter, node);
    const file = toRepoPath(this.root, join(located.real, name));
    return isMap(doc.contents) ? imageOverrides(doc.contents.get('images', true), { file, lineOf }) : [];
  }

  private collectGenerator(opts: {
    key: string;
    item: unknown;
    file: string;
    lineOf: (node: unknown) => number;
    scalar: (key: string, node: unknown, role: Role, value?: string) => void;
  }): void {
    const { key, item, scalar } = opts;
    if (!isMap(item)) return;
    const name = item.get('name', true);
    if (isScalar(name) && typeof name.value === 'string') {
      this.generators.push({
        kind: key === 'secretGenerator' ? 'Secret' : 'ConfigMap',
        name: name.value,
        file: opts.file,
        line: opts.lineOf(name),
      });
    }
    const files = item.get('files', true);
    if (isSeq(files)) {
      for (const f of files.items) {
        // `key=path` or `path`.
        const path = isScalar(f) && typeof f.value === 'string' ? f.value : undefined;
        scalar(key, f, 'file', path?.slice(path.indexOf('=') + 1));
      }
    }
    const envs = item.get('envs', true);
    if (isSeq(envs)) for (const e of envs.items) scalar(key, e, 'file');
    scalar(key, item.get('env', true), 'file');
  }

  /**
   * Builtin generator/transformer configs name files too (PatchTransformer `path`,
   * ConfigMapGenerator `files`, …): kustomize loads them relative to the kustomization, so they
   * get the same checks.
   */
  private inspectPluginConfig(c: { text: string; file: string; line: number; refs: Ref[] }): void {
    const docs = parseAllDocuments(c.text, { prettyErrors: false });
    for (const doc of Array.isArray(docs) ? docs : [docs]) {
      const unread = readAsKustomize(doc);
      if (unread) {
        this.refused = true;
        this.findings.push(renderFinding(c.file, `invalid plugin config: ${unread.message}`, c.line));
        continue;
      }
      // kustomize reads a `FooList` with `items` as its items, nested lists too (resource/factory.go
      // inlineAnyEmbeddedLists): each item is a config.
      const configs: unknown[] = [doc.contents];
      for (let config = configs.pop(); config !== undefined; config = configs.pop()) {
        if (!isMap(config)) continue;
        const kind = config.get('kind', true);
        const items = config.get('items', true);
        if (isScalar(kind) && String(kind.value).endsWith('List') && isSeq(items)) {
          configs.push(...items.items);
          continue;
        }
        this.inspectConfig(config, c);
      }
    }
  }

  private inspectConfig(config: YAMLMap, c: { file: string; line: number; refs: Ref[] }): void {
    const kind = config.get('kind', true);
    if (isScalar(kind) && String(kind.value) === 'HelmChartInflationGenerator') {
      this.refused = true;
      this.findings.push(
        renderFinding(
          c.file,
          'HelmChartInflationGenerator is not supported: it needs kustomize --enable-helm',
          c.line,
        ),
      );
    }
    for (const { key, value } of pluginConfigPaths(config)) {
      if (value === undefined) {
        this.refused = true;
        this.findings.push(
          renderFinding(c.file, `${key} entry must be a path (a string); refusing to render`, c.line),
        );
      } else c.refs.push({ file: c.file, key, value, line: c.line, role: 'file' });
    }
  }

  private async follow(ref: Ref, k: { dir: string; file: string; images: ImageOverride[] }): Promise<void> {
    const quoted = JSON.stringify(ref.value);
    const where = ref.file ?? k.file;
    if (++this.followed > MAX_REFERENCES) {
      if (this.followed === MAX_REFERENCES + 1) {
        this.refused = true;
        this.findings.push(
          renderFinding(
            where,
            `the kustomization tree names more than ${MAX_REFERENCES} paths; refusing to render`,
            ref.line,
          ),
        );
      }
      return;
    }
    if (isRemoteReference(ref.value)) {
      this.refused = true;
      this.findings.push(
        renderFinding(
          where,
          `${ref.key} entry ${quoted} is a remote reference; Ferry renders with no network: vendor it into the repository`,
          ref.line,
        ),
      );
      return;
    }
    const located = await locateInRepo(this.root, k.dir, ref.value);
    if (!located.ok) {
      if (located.problem !== 'missing') {
        this.refused = true;
        this.findings.push(
          renderFinding(where, `${ref.key} entry ${quoted} leads outside the repository`, ref.line),
        );
        return;
      }
      if (ref.optional) return;
      const near = this.hinted++ < MAX_HINTS ? await nearestSibling(k.dir, ref.value) : undefined;
      const hint = near === undefined ? '' : `: did you mean ${JSON.stringify(near)}?`;
      this.findings.push(renderFinding(where, `${ref.key} entry ${quoted} does not exist${hint}`, ref.line));
      return;
    }
    const followsKustomization = ref.role === 'kustomization' || ref.role === 'plugin';
    if (located.isDirectory && followsKustomization) {
      await this.visitDirectory(located.real, k.images, ref.role === 'plugin');
      return;
    }
    this.inputs.add(toRepoPath(this.root, located.real));
    if (!isInside(k.dir, located.real)) this.needsNone = true;
    if (located.isDirectory) return;
    if (ref.role === 'kustomization') {
      const file = toRepoPath(this.root, located.real);
      if (k.images.length > 0 && !this.resourceFiles.has(file)) this.images[file] = k.images;
      this.resourceFiles.add(file);
    }
    if (ref.patch) {
      const file = toRepoPath(this.root, located.real);
      this.patches.push({ file, lineOffset: 0, kustomization: k.file, ...ref.patch });
    }
    if (ref.role === 'plugin') {
      const file = toRepoPath(this.root, located.real);
      const text = await this.readBounded(located.real, file);
      if (text === undefined) return;
      const refs: Ref[] = [];
      this.inspectPluginConfig({ text, file, line: 1, refs });
      for (const r of refs) await this.follow(r, k);
    }
  }
}

/** Whether `text` parses as YAML whose documents include a mapping: what kustomize may take for a config. */
function parsesAsMapping(text: string): boolean {
  const docs = parseAllDocuments(text, { prettyErrors: false });
  return (Array.isArray(docs) ? docs : [docs]).some((doc) => doc.errors.length === 0 && isMap(doc.contents));
}

/** A kustomization's `images:` list; kustomize refuses a number (`newTag: 1.10`), so only strings count. */
function imageOverrides(
  node: unknown,
  where: { file: string; lineOf: (node: unknown) => number },
): ImageOverride[] {
  const overrides: ImageOverride[] = [];
  for (const item of isSeq(node) ? node.items : []) {
    const field = (name: string) => (isMap(item) ? item.get(name, true) : undefined);
    const text = (name: string) => {
      const value = field(name);
      return isScalar(value) && typeof value.value === 'string' ? value.value : undefined;
    };
    const name = text('name');
    if (!name) continue;
    const written = ['newTag', 'digest', 'newName'].find((key) => text(key) !== undefined) ?? 'name';
    const at = { file: where.file, line: where.lineOf(field(written)) };
    overrides.push({ name, newName: text('newName'), newTag: text('newTag'), digest: text('digest'), at });
  }
  return overrides;
}

function lineOfNode(lineCounter: LineCounter, node: unknown): number {
  const start = (node as Node | null | undefined)?.range?.[0];
  return start === undefined ? 1 : lineCounter.linePos(start).line;
}

/** The entry of `value`'s folder closest to its name, as `value` would be written with it instead. */
async function nearestSibling(dir: string, value: string): Promise<string | undefined> {
  const slash = value.lastIndexOf('/');
  const folder = slash < 0 ? '' : value.slice(0, slash + 1);
  const name = value.slice(slash + 1);
  const entries = await readdir(join(dir, folder)).catch(() => [] as string[]);
  const near = closestMatch(name, entries);
  return near === undefined ? undefined : `${folder}${near}`;
}

/** A patch's `target:` selector, kind and name only (label selectors match more than Ferry can tell). */
function patchTarget(node: unknown): { kind?: string; name?: string } | undefined {
  if (!isMap(node)) return undefined;
  const out: { kind?: string; name?: string } = {};
  const kind = node.get('kind', true);
  const name = node.get('name', true);
  if (isScalar(kind) && typeof kind.value === 'string') out.kind = kind.value;
  if (isScalar(name) && typeof name.value === 'string') out.name = name.value;
  return out;
}

/**
 * The file paths a builtin plugin config names. Only these top-level fields are paths:
 * `fieldSpecs[].path` and the like are field paths inside objects.
 */
function pluginConfigPaths(config: YAMLMap): { key: string; value?: string }[] {
  const out: { key: string; value?: string }[] = [];
  const add = (key: string, node: unknown, strip = false) => {
    if (node === undefined || node === null || (isScalar(node) && node.value === null)) return;
    // Not a string: kustomize refuses it or reads it as a string Ferry has not checked.
    if (!isScalar(node) || typeof node.value !== 'string') {
      out.push({ key });
      return;
    }
    // `files` entries may be `key=path`.
    out.push({ key, value: strip ? node.value.slice(node.value.indexOf('=') + 1) : node.value });
  };
  const each = (key: string, fn: (item: unknown) => void) => {
    const list = config.get(key, true);
    if (isSeq(list)) for (const item of list.items) fn(item);
  };
  add('path', config.get('path', true));
  add('env', config.get('env', true));
  each('paths', (item) => add('paths', item));
  each('envs', (item) => add('envs', item));
  each('files', (item) => add('files', item, true));
  each('replacements', (item) => {
    if (isMap(item)) add('replacements', item.get('path', true));
  });
  return out;
}
