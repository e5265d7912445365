import { allLinesOf } from '../manifest/line-of.ts';
import { type ParsedDocuments, parseManifests } from '../manifest/parse-manifests.ts';
import { DocumentLines, SourceLines } from '../manifest/source-lines.ts';
import type { Finding, Resource } from '../types.ts';

export interface HelmOutputOptions {
  /** The chart's `name` (Chart.yaml): helm's `# Source:` lines start with it. */
  chartName: string;
  /** The chart's directory, repo-relative ('.' for the root). */
  chartDir: string;
  /**
   * Template text by repo-relative path, for every template file that exists: to find the line of
   * each object's `kind:`.
   */
  templates: ReadonlyMap<string, string>;
  defaultNamespace?: string;
  maxBytes?: number;
  /** Documents the other side of the diff already read (ParseOptions.documents). */
  documents?: ParsedDocuments;
  /**
   * Where the chart lists each dependency (alias, else name → its entry in Chart.yaml or a v1 chart's
   * requirements.yaml): what a template inside a packaged `.tgz` is pointed at.
   */
  dependencies?: ReadonlyMap<string, { file: string; line: number }>;
}

/** `<chart>/templates/x.yaml` (helm's name for a template) → the repo-relative file. */
export function mapHelmSource(source: string, opts: { chartName: string; chartDir: string }): string {
  const prefix = `${opts.chartName}/`;
  const inChart = source.startsWith(prefix)
    ? source.slice(prefix.length)
    : source.slice(source.indexOf('/') + 1);
  return opts.chartDir === '.' ? inChart : `${opts.chartDir}/${inChart}`;
}

/** The distinct repo-relative template files named by `# Source:` comments in helm's output. */
export function listHelmSources(stdout: string, opts: { chartName: string; chartDir: string }): string[] {
  const out = new Set<string>();
  for (const m of stdout.matchAll(/^# Source: (.+)$/gm)) if (m[1]) out.add(mapHelmSource(m[1].trim(), opts));
  return [...out];
}

/**
 * `helm template` output → resources pointing at their template: helm prints `# Source:
 * <chart>/templates/x.yaml` above each document. The line is that of the object's `kind:` in the
 * template when it can be matched (the n-th object of a kind from a template ↔ the n-th `kind: X`
 * line, when the counts agree, or the only one), else 1. Field pointers are template lines, found
 * by aligning the output's keys with the template's (alignTemplateLines).
 */
export function parseHelmOutput(
  stdout: string,
  opts: HelmOutputOptions,
): { resources: Resource[]; findings: Finding[] } {
  const fallback = opts.chartDir === '.' ? 'Chart.yaml' : `${opts.chartDir}/Chart.yaml`;
  const resources: Resource[] = [];
  const findings: Finding[] = [];
  const rendered = new Map<Resource, () => Readonly<Record<string, number>>>();
  for (const doc of stdout.split(/^---[ \t]*$/m)) {
    const source = /^# Source: (.+)$/m.exec(doc)?.[1]?.trim();
    const mapped = source ? mapHelmSource(source, opts) : undefined;
    // A template inside a vendored .tgz has no file in the repository: point at the dependency's entry
    // in the chart (the line to change to upgrade or drop it), else at the chart.
    const own = mapped !== undefined && opts.templates.has(mapped);
    const packaged = own ? undefined : dependencyOf(source, opts.dependencies);
    const file = own ? (mapped as string) : (packaged?.file ?? fallback);
    const parsed = parseManifests(doc, file, {
      defaultNamespace: opts.defaultNamespace,
      maxBytes: opts.maxBytes,
      documents: opts.documents,
    });
    const template = own ? opts.templates.get(file) : undefined;
    const line = packaged?.line ?? 1;
    for (const f of parsed.findings) findings.push(locateOutputFinding(f, { doc, source, template, line }));
    for (const r of parsed.resources) {
      // Lines in helm's output, kept aside: alignTemplateLines turns them into template lines.
      const { pointers: _pointers, lines: _lines, ...rest } = r;
      const resource: Resource = { ...rest, line };
      rendered.set(resource, linesLater(r));
      resources.push(resource);
    }
  }
  assignKindLines(resources, opts.templates);
  // One split of each template, shared by its objects: a template ranging over thousands (or a file of
  // a hundred static documents) was split again for each object with a finding.
  const split = new Map<string, TemplateText>();
  for (const r of resources) {
    const text = opts.templates.get(r.file);
    if (text === undefined || r.line <= 1) continue;
    let template = split.get(r.file);
    if (template === undefined) {
      template = { text, lines: undefined, patterns: new Map() };
      split.set(r.file, template);
    }
    // Aligned on the first lookup: most objects never have a finding (and a diff's base none at all).
    const outputLines = rendered.get(r) ?? (() => ({}));
    const kindLine = r.line;
    r.lines = new SourceLines(templateLinesLater({ outputLines, template, kindLine, object: r.object }));
  }
  return { resources, findings };
}

/**
 * A finding of parsing one document of helm's output (a duplicate key, bad YAML) has a line of that
 * output, which is no line of the file it names. In a template of the repository it moves to the
 * template's line writing the same key (the n-th of as many, or the only one), else to line 1; in a
 * packaged chart (a `.tgz` under `charts/`, no file to point at) it stays at the chart's Chart.yaml,
 * line 1. Either way the message says which line of which template's output it is.
 */
function locateOutputFinding(
  f: Finding,
  at: { doc: string; source: string | undefined; template: string | undefined; line: number },
): Finding {
  const where =
    at.template !== undefined
      ? `line ${f.line} of what it renders`
      : `line ${f.line} of what ${packagedPath(at.source)} renders (a packaged chart)`;
  const line = at.template === undefined ? at.line : (templateLineOfOutput(at.doc, f.line, at.template) ?? 1);
  return { ...f, line, message: `${f.message}; ${where}` };
}

/**
 * The dependency entry a packaged template comes from: `<chart>/charts/<dep>/…` (helm names a
 * subchart's folder by its alias, else its name), the first level below the chart.
 */
function dependencyOf(
  source: string | undefined,
  dependencies: HelmOutputOptions['dependencies'],
): { file: string; line: number } | undefined {
  const dep = source === undefined ? undefined : /^[^/]+\/charts\/([^/]+)\//.exec(source)?.[1];
  return dep === undefined ? undefined : dependencies?.get(dep);
}

/** `<chart>/charts/sub/templates/x.yaml` → `charts/sub/templates/x.yaml`: the path inside the chart. */
function packagedPath(source: string | undefined): string {
  if (source === undefined) return "helm's output";
  return source.slice(source.indexOf('/') + 1);
}

/** The template line writing the key of output line `line` of `doc`, when it can be told. */
function templateLineOfOutput(doc: string, line: number, template: string): number | undefined {
  const outputLines = doc.split('\n');
  const key = keyOf(outputLines[line - 1] ?? '');
  if (key === undefined) return undefined;
  const nth = outputLines.slice(0, line).filter((l) => keyOf(l) === key).length;
  const matches: number[] = [];
  template.split('\n').forEach((l, i) => {
    if (keyOf(l) === key) matches.push(i + 1);
  });
  if (matches.length === 1) return matches[0];
  return matches.length >= nth ? matches[nth - 1] : undefined;
}

/** The key a YAML line writes (`  - "name": x` → name), or undefined for other lines. */
function keyOf(line: string): string | undefined {
  return /^\s*(?:-\s+)?["']?([^\s"'#:{}][^"':#{}]*?)["']?\s*:(?:\s|$)/.exec(line)?.[1];
}

/*
 * The closures a resource keeps are made in these functions, not in the loops above: a closure keeps
 * its whole scope (a V8 context), and parseHelmOutput's holds every resource of the render.
 */
function linesLater(r: Resource): () => Readonly<Record<string, number>> {
  return () => allLinesOf(r);
}

/** A template's text, and its lines once an object of it is aligned (shared by its objects). */
interface TemplateText {
  text: string;
  lines: readonly string[] | undefined;
  patterns: Map<string, RegExp>;
}

function templateLinesLater(opts: {
  outputLines: () => Readonly<Record<string, number>>;
  template: TemplateText;
  kindLine: number;
  object: unknown;
}): DocumentLines {
  const { outputLines, template, kindLine, object } = opts;
  return DocumentLines.lazy(() => {
    template.lines ??= template.text.split('\n');
    return alignTemplateLines({
      renderedLines: outputLines(),
      template: template.lines,
      patterns: template.patterns,
      kindLine,
      renderedValue: (pointer) => valueAt(object, pointer),
    });
  });
}

/** The value at a JSON pointer of a parsed object, or undefined. */
function valueAt(object: unknown, pointer: string): unknown {
  let node = object;
  // Key by key without splitting: this runs for every field of an object with a finding.
  for (let start = 1; start <= pointer.length; ) {
    let end = pointer.indexOf('/', start);
    if (end < 0) end = pointer.length;
    let key = pointer.slice(start, end);
    if (key.includes('~')) key = key.replaceAll('~1', '/').replaceAll('~0', '~');
    if (node === null || typeof node !== 'object' || !Object.hasOwn(node, key)) return undefined;
    node = (node as Record<string, unknown>)[key];
    start = end + 1;
  }
  return node;
}

/**
 * Template lines for the fields of one rendered object. A template is not YAML, but its literal keys
 * appear in the same order and nesting as in the output: walk the output's keys in order and find
 * each in the template after the line of its parent, inside the parent's block (deeper indented),
 * never moving backwards. A key made by `toYaml`/`include` is not in the template: it keeps its
 * parent's line (the line that includes it), through lineOf's nearest-ancestor rule. A key whose
 * rendered value is a scalar that a template line of that key writes literally (`- name: "API_KEY"`)
 * goes to that line over an earlier one of the key with another value: the earlier one is in a branch
 * (`{{- if }}`) that did not render, as open-webui's env list has several.
 */
export function alignTemplateLines(opts: {
  renderedLines: Readonly<Record<string, number>>;
  /** The template's text, or its lines. */
  template: string | readonly string[];
  kindLine: number;
  /** The rendered value at a pointer, to tell a key's lines apart by what they write. */
  renderedValue?: (pointer: string) => unknown;
  /** Each key's pattern, kept between the objects of one template. */
  patterns?: Map<string, RegExp>;
}): Record<string, number> {
  const { renderedLines, template, kindLine, renderedValue = () => undefined } = opts;
  const patterns = opts.patterns ?? new Map<string, RegExp>();
  const lines = typeof template === 'string' ? template.split('\n') : template;
  // The object's part of the template: from the `---` above its kind line to the next one.
  let start = kindLine - 1;
  while (start > 0 && !/^---\s*$/.test(lines[start - 1] ?? '')) start--;
  let end = kindLine;
  while (end < lines.length && !/^---\s*$/.test(lines[end] ?? '')) end++;
  // A key's column counts a list dash before it (`- name:` is at the column of `name`); an item's does not.
  const indentOf = (i: number) => /^[\s-]*/.exec(lines[i] ?? '')?.[0].length ?? 0;
  const itemIndentOf = (i: number) => /^\s*/.exec(lines[i] ?? '')?.[0].length ?? 0;
  const out: Record<string, number> = {};
  /** Template line index (0-based) and block indentation of each aligned pointer; the root is the region. */
  const at = new Map<string, { i: number; indent: number }>([['', { i: start - 1, indent: -1 }]]);
  let cursor = start;
  const ordered = Object.entries(renderedLines).sort((a, b) => a[1] - b[1]);
  for (const [pointer, _line] of ordered) {
    const slash = pointer.lastIndexOf('/');
    const parent = pointer.slice(0, slash);
    const key = pointer
      .slice(slash + 1)
      .replaceAll('~1', '/')
      .replaceAll('~0', '~');
    if (/^\d+$/.test(key)) {
      // A list item: its line is its first key's (`- name: x`), set when that key is found.
      continue;
    }
    const { i: parentAt, indent: parentIndent } = nearestAligned(at, parent);
    let pattern = patterns.get(key);
    if (pattern === undefined) {
      const escaped = key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      pattern = new RegExp(`^[\\s-]*["']?${escaped}["']?\\s*:`);
      patterns.set(key, pattern);
    }
    const value = renderedValue(pointer);
    const wanted = ['string', 'number', 'boolean'].includes(typeof value) ? String(value) : undefined;
    const found = findKeyLine({
      lines,
      from: Math.max(cursor, parentAt + 1),
      end,
      parentIndent,
      pattern,
      wanted,
      indentOf,
    });
    if (found === undefined) continue;
    at.set(pointer, { i: found, indent: indentOf(found) });
    out[pointer] = found + 1;
    const item = /\/\d+$/.exec(parent) ? parent : undefined;
    if (item && out[item] === undefined) {
      out[item] = found + 1;
      at.set(item, { i: found, indent: itemIndentOf(found) });
    }
    cursor = found + 1;
  }
  return out;
}

/**
 * The template line (0-based) of a key in its parent's block from `from`: the first line writing the
 * key, unless a later one of the block writes the rendered value (`wanted`) literally.
 */
function findKeyLine(opts: {
  lines: readonly string[];
  from: number;
  end: number;
  parentIndent: number;
  pattern: RegExp;
  wanted: string | undefined;
  indentOf: (i: number) => number;
}): number | undefined {
  let found: number | undefined;
  for (let i = opts.from; i < opts.end; i++) {
    const text = opts.lines[i] ?? '';
    if (text.trim() === '' || /^\s*(\{\{|#)/.test(text)) continue;
    if (opts.indentOf(i) <= opts.parentIndent) break;
    if (!opts.pattern.test(text)) continue;
    found ??= i;
    if (opts.wanted === undefined || literalValueOf(text) === opts.wanted) return i;
  }
  return found;
}

/** The scalar a template line writes literally after its key (`- name: "API_KEY"` → API_KEY), if any. */
function literalValueOf(line: string): string | undefined {
  const rest = /:\s+(.*?)\s*(?:#.*)?$/.exec(line)?.[1];
  if (rest === undefined || rest === '' || rest.includes('{{')) return undefined;
  const quoted = /^(["'])(.*)\1$/.exec(rest);
  return quoted ? quoted[2] : rest;
}

/** The template line of the nearest aligned ancestor of `pointer` (itself included). */
function nearestAligned(
  at: ReadonlyMap<string, { i: number; indent: number }>,
  pointer: string,
): { i: number; indent: number } {
  let p = pointer;
  for (;;) {
    const found = at.get(p);
    if (found !== undefined) return found;
    if (p === '') return { i: -1, indent: -1 };
    p = p.slice(0, p.lastIndexOf('/'));
  }
}

function assignKindLines(resources: Resource[], templates: ReadonlyMap<string, string>): void {
  const groups = new Map<string, Resource[]>();
  for (const r of resources) {
    const key = `${r.file}\0${r.id.kind}`;
    const group = groups.get(key);
    if (group) group.push(r);
    else groups.set(key, [r]);
  }
  // A template's top-level `kind:` lines, found once per template rather than once per kind in it.
  const candidates = new Map<string, { line: string; at: number }[]>();
  const templated = new Set<Resource>();
  for (const group of groups.values()) {
    const first = group[0];
    const text = first ? templates.get(first.file) : undefined;
    if (!first || text === undefined) continue;
    let found = candidates.get(first.file);
    if (!found) {
      found = kindCandidates(text);
      candidates.set(first.file, found);
    }
    let lines = kindLines(found, first.id.kind);
    // The items of a `kind: List` (seldon-core's loadtesting chart) write their kind indented.
    if (lines.length === 0 && found.some((c) => LIST_KIND.test(c.line))) {
      lines = itemKindLines(text, first.id.kind);
    }
    group.forEach((r, i) => {
      if (lines.length === group.length) r.line = lines[i] ?? 1;
      else if (lines.length === 1) r.line = lines[0] ?? 1;
    });
    if (lines.length === 0) for (const r of group) templated.add(r);
  }
  assignTemplatedKindLines(
    resources.filter((r) => templated.has(r)),
    candidates,
  );
}

/**
 * Objects whose kind no literal `kind:` line of their template writes come from a templated one
 * (`kind: {{ $kind }}`: open-webui's chart picks Deployment or StatefulSet): per template, the n-th
 * such object in helm's output ↔ the n-th templated kind line when the counts agree, or the only one, else line 1.
 */
function assignTemplatedKindLines(
  resources: readonly Resource[],
  candidates: ReadonlyMap<string, readonly { line: string; at: number }[]>,
): void {
  const byFile = new Map<string, Resource[]>();
  for (const r of resources) {
    const group = byFile.get(r.file);
    if (group) group.push(r);
    else byFile.set(r.file, [r]);
  }
  for (const [file, group] of byFile) {
    const lines = (candidates.get(file) ?? [])
      .filter((c) => /^kind:\s*["']?\{\{/.test(c.line))
      .map((c) => c.at);
    group.forEach((r, i) => {
      if (lines.length === group.length) r.line = lines[i] ?? 1;
      else if (lines.length === 1) r.line = lines[0] ?? 1;
    });
  }
}

/** A template's lines that start with `kind:` (trailing space trimmed), with their 1-based numbers. */
function kindCandidates(text: string): { line: string; at: number }[] {
  const out: { line: string; at: number }[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.startsWith('kind:')) out.push({ line: line.trimEnd(), at: i + 1 });
  });
  return out;
}

const LIST_KIND = /^kind:\s*["']?\w*List["']?\s*(#.*)?$/;

/**
 * 1-based lines of a List item's `kind: <kind>`: indented at most 4 spaces, after `- ` or not (deeper
 * ones are fields such as `scaleTargetRef.kind`; a count that does not match the objects' leaves line 1).
 */
function itemKindLines(text: string, kind: string): number[] {
  const escaped = kind.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const pattern = new RegExp(`^ {0,4}(?:-\\s+)?kind:\\s*["']?${escaped}["']?\\s*(#.*)?$`);
  const out: number[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.startsWith(' ') || line.startsWith('-')) if (pattern.test(line.trimEnd())) out.push(i + 1);
  });
  return out;
}

/** 1-based lines of top-level `kind: <kind>` among a template's `kind:` lines. */
function kindLines(candidates: readonly { line: string; at: number }[], kind: string): number[] {
  const escaped = kind.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const pattern = new RegExp(`^kind:\\s*["']?${escaped}["']?\\s*(#.*)?$`);
  return candidates.filter((c) => pattern.test(c.line)).map((c) => c.at);
}

/**
 * Where a helm error points, when it names a template: `<chart>/templates/x.yaml:5:18` → the
 * repo-relative file and line 5. The message gets repo-relative paths too. When it names none, a
 * values file of the target (`values`, repo-relative) that helm could not parse is the place.
 */
export function locateHelmError(
  message: string,
  opts: { chartName: string; chartDir: string; values?: readonly string[] },
): { file?: string; line: number; message: string } {
  const escaped = opts.chartName.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const ref = new RegExp(`(^|[\\s("'])${escaped}/((?:templates|charts|crds)/[^\\s:()"']+)(?::(\\d+))?`, 'g');
  let file: string | undefined;
  let line = 1;
  const rewritten = message.replace(ref, (_all, lead: string, path: string, at: string | undefined) => {
    const mapped = opts.chartDir === '.' ? path : `${opts.chartDir}/${path}`;
    if (file === undefined) {
      file = mapped;
      line = at ? Number(at) : 1;
    }
    return `${lead}${mapped}${at ? `:${at}` : ''}`;
  });
  if (file === undefined) {
    // A values file that is not YAML: `failed to parse <file>: … yaml: line N: …` is that file's line.
    const bad = /\bfailed to parse (\S+?): .*?\byaml: line (\d+):/.exec(rewritten);
    if (bad && opts.values?.includes(bad[1] as string))
      return { file: bad[1], line: Number(bad[2]), message: rewritten };
  }
  return { file, line, message: rewritten };
}
