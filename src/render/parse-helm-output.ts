import { parseManifests } from '../manifest/parse-manifests.ts';
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
 * line, when the counts agree, or the only one), else 1. No field pointers: template lines and
 * rendered lines differ.
 */
export function parseHelmOutput(
  stdout: string,
  opts: HelmOutputOptions,
): { resources: Resource[]; findings: Finding[] } {
  const fallback = opts.chartDir === '.' ? 'Chart.yaml' : `${opts.chartDir}/Chart.yaml`;
  const resources: Resource[] = [];
  const findings: Finding[] = [];
  for (const doc of stdout.split(/^---[ \t]*$/m)) {
    const source = /^# Source: (.+)$/m.exec(doc)?.[1]?.trim();
    const mapped = source ? mapHelmSource(source, opts) : undefined;
    // A template inside a vendored .tgz has no file in the repository: point at the chart.
    const file = mapped !== undefined && opts.templates.has(mapped) ? mapped : fallback;
    const parsed = parseManifests(doc, file, {
      defaultNamespace: opts.defaultNamespace,
      maxBytes: opts.maxBytes,
    });
    findings.push(...parsed.findings);
    for (const r of parsed.resources) {
      const { pointers: _templateLines, lines: _renderedLines, ...rest } = r;
      resources.push({ ...rest, line: 1 });
    }
  }
  assignKindLines(resources, opts.templates);
  return { resources, findings };
}

function assignKindLines(resources: Resource[], templates: ReadonlyMap<string, string>): void {
  const groups = new Map<string, Resource[]>();
  for (const r of resources) {
    const key = `${r.file}\0${r.id.kind}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  for (const group of groups.values()) {
    const first = group[0];
    const text = first ? templates.get(first.file) : undefined;
    if (!first || text === undefined) continue;
    const lines = kindLines(text, first.id.kind);
    group.forEach((r, i) => {
      if (lines.length === group.length) r.line = lines[i] ?? 1;
      else if (lines.length === 1) r.line = lines[0] ?? 1;
    });
  }
}

/** 1-based lines of top-level `kind: <kind>` in a template. */
function kindLines(text: string, kind: string): number[] {
  const escaped = kind.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const pattern = new RegExp(`^kind:\\s*["']?${escaped}["']?\\s*(#.*)?$`);
  const out: number[] = [];
  text.split('\n').forEach((line, i) => {
    if (pattern.test(line.trimEnd())) out.push(i + 1);
  });
  return out;
}

/**
 * Where a helm error points, when it names a template: `<chart>/templates/x.yaml:5:18` → the
 * repo-relative file and line 5. The message gets repo-relative paths too.
 */
export function locateHelmError(
  message: string,
  opts: { chartName: string; chartDir: string },
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
  return { file, line, message: rewritten };
}
