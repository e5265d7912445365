import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { isMap, isScalar, isSeq, LineCounter, type Node, parseDocument, type YAMLMap } from 'yaml';
import type { Finding } from '../types.ts';
import { archiveChartName } from './archive-chart-name.ts';
import { renderFinding } from './render-finding.ts';
import { isMissing } from './repo-path.ts';

/** What Ferry parses itself, before helm and its memory cap (a 40 MiB Chart.yaml took minutes and 2.6 GB). */
const MAX_CHART_YAML_BYTES = 1024 * 1024;
const MAX_VALUES_BYTES = 8 * 1024 * 1024;

export interface ChartInfo {
  name: string;
  /** Repo-relative Chart.yaml. */
  file: string;
  /**
   * Set when dependencies that are not vendored are disabled by the values (their `condition` or
   * `tags`): the Chart.yaml (a v1 chart's requirements.yaml) to render with instead, without them. helm refuses a chart whose listed
   * dependency is missing even when it renders nothing of it; Argo CD fetches it first, which Ferry,
   * with no network, cannot. The output is the same, as a disabled dependency renders nothing.
   */
  withoutDisabled?: { name: 'Chart.yaml' | 'requirements.yaml'; text: string };
  /**
   * Each dependency's entry (by alias, else name, as helm names its folder in `# Source:` lines): the
   * repo-relative Chart.yaml (a v1 chart's requirements.yaml) and the line of its `name`.
   */
  dependencies: Map<string, { file: string; line: number }>;
}

/**
 * Reads a chart's Chart.yaml and checks that every dependency the values enable is vendored under
 * charts/ (as a directory or a .tgz): `helm template` would otherwise fail, and `helm dependency build`
 * needs the network, which an untrusted render never gets. Disabled ones may be missing
 * (ChartInfo.withoutDisabled).
 */
export async function loadChart(opts: {
  absDir: string;
  /** Repo-relative Chart.yaml, for findings. */
  file: string;
  /** The target's values files (absolute, checked to be in the repository), lowest precedence first. */
  valuesFiles?: readonly string[];
  /** The same, repo-relative, for findings. */
  valuesNames?: readonly string[];
}): Promise<{ chart?: ChartInfo; findings: Finding[] }> {
  const chartYaml = await readBounded(join(opts.absDir, 'Chart.yaml'), MAX_CHART_YAML_BYTES);
  if (chartYaml === undefined) {
    return {
      findings: [
        renderFinding(opts.file, 'Chart.yaml is over 1 MiB, more than any chart needs; refusing to render'),
      ],
    };
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(chartYaml, { lineCounter, prettyErrors: false });
  const firstError = doc.errors[0];
  if (firstError) {
    const message = `invalid Chart.yaml: ${firstError.message.split('\n')[0] ?? 'invalid YAML'}`;
    return { findings: [renderFinding(opts.file, message, lineCounter.linePos(firstError.pos[0]).line)] };
  }
  const name = isMap(doc.contents) ? doc.contents.get('name', true) : undefined;
  if (!isMap(doc.contents) || !isScalar(name) || typeof name.value !== 'string' || name.value === '') {
    return { findings: [renderFinding(opts.file, 'invalid Chart.yaml: no chart name')] };
  }
  const vendored = await listVendoredCharts(join(opts.absDir, 'charts'));
  const findings: Finding[] = [];
  // helm reads a requirements.yaml's dependencies over Chart.yaml's (apiVersion v1 charts keep them
  // there: mlrun/ce's umbrella chart lists six).
  const requirements = await readRequirements(opts.absDir, opts.file);
  if (requirements && 'finding' in requirements) return { findings: [requirements.finding] };
  const source = requirements ?? { doc, lineCounter, file: opts.file, name: 'Chart.yaml' as const };
  const depLine = (node: unknown) => {
    const start = (node as Node | null | undefined)?.range?.[0];
    return start === undefined ? 1 : source.lineCounter.linePos(start).line;
  };
  const dependencies = isMap(source.doc.contents) ? source.doc.contents.get('dependencies', true) : undefined;
  let values: unknown[] | undefined;
  const disabled = new Set<unknown>();
  for (const dep of isSeq(dependencies) ? dependencies.items : []) {
    const depName = isMap(dep) ? dep.get('name', true) : undefined;
    if (!isScalar(depName) || typeof depName.value !== 'string' || vendored.has(depName.value)) continue;
    if (values === undefined) {
      const chartDir = opts.file.slice(0, -'Chart.yaml'.length);
      const read = await readValues([
        { path: join(opts.absDir, 'values.yaml'), shown: `${chartDir}values.yaml` },
        ...(opts.valuesFiles ?? []).map((path, i) => ({ path, shown: opts.valuesNames?.[i] ?? path })),
      ]);
      if ('problem' in read) return { findings: [renderFinding(read.file, read.problem)] };
      values = read.values;
    }
    if (!isEnabled(dep as YAMLMap, values)) {
      disabled.add(dep);
      continue;
    }
    const off = switchOff(dep as YAMLMap, values);
    findings.push(
      renderFinding(
        source.file,
        `dependency ${depName.value} is not vendored; run \`helm dependency build\` and commit charts/${off ? `, or, if this target does without it, set ${off}: false in one of its values files` : ''}`,
        depLine(depName),
      ),
    );
  }
  const chart: ChartInfo = {
    name: name.value,
    file: opts.file,
    dependencies: dependencyEntries(dependencies, source.file, depLine),
  };
  if (disabled.size > 0 && isSeq(dependencies)) {
    dependencies.items = dependencies.items.filter((dep) => !disabled.has(dep));
    chart.withoutDisabled = { name: source.name, text: String(source.doc) };
  }
  return { chart, findings };
}

/**
 * Each dependency's entry by the name helm gives its folder (its alias, else its name), with the line
 * of its `name`: first entry wins, as helm refuses two of one name.
 */
function dependencyEntries(
  dependencies: unknown,
  file: string,
  lineOf: (node: unknown) => number,
): Map<string, { file: string; line: number }> {
  const entries = new Map<string, { file: string; line: number }>();
  for (const dep of isSeq(dependencies) ? dependencies.items : []) {
    if (!isMap(dep)) continue;
    const depName = dep.get('name', true);
    const alias = dep.get('alias', true);
    const known = isScalar(alias) && typeof alias.value === 'string' && alias.value !== '' ? alias : depName;
    if (isScalar(known) && typeof known.value === 'string' && !entries.has(known.value)) {
      entries.set(known.value, { file, line: lineOf(depName) });
    }
  }
  return entries;
}

/**
 * The chart's values.yaml and the values files, highest precedence first; unreadable ones are left out.
 * Parsed in Ferry's own process, before helm and its limits: a file past MAX_VALUES_BYTES, or whose
 * aliases expand past the parser's cap, is a problem on that file.
 */
async function readValues(
  files: readonly { path: string; shown: string }[],
): Promise<{ values: unknown[] } | { file: string; problem: string }> {
  const out: unknown[] = [];
  for (const { path, shown } of files) {
    const text = await readBounded(path, MAX_VALUES_BYTES).catch(() => '');
    if (text === undefined) {
      return {
        file: shown,
        problem:
          'values file is over 8 MiB, more than Ferry reads to tell which chart dependencies are enabled; vendor them (helm dependency build) or split the file',
      };
    }
    if (text === '') continue;
    // A broken values file is helm's to report, when it renders.
    const doc = parseDocument(text, { prettyErrors: false });
    if (doc.errors.length > 0) continue;
    try {
      out.unshift(doc.toJS({ maxAliasCount: 100 }));
    } catch (err) {
      // yaml's ReferenceError for an alias bomb ("Excessive alias count …").
      if (!(err instanceof ReferenceError)) throw err;
      return {
        file: shown,
        problem: 'values file has aliases that expand too far (a YAML bomb?); refusing to render',
      };
    }
  }
  return { values: out };
}

/** A file's text, or undefined when it is over `max` bytes (not read then). */
async function readBounded(path: string, max: number): Promise<string | undefined> {
  if ((await stat(path)).size > max) return undefined;
  return readFile(path, 'utf8');
}

/**
 * Whether helm renders a dependency, as its chartutil decides: every dependency starts enabled; its
 * `tags` (values `tags.<tag>`) disable it when one is false and none is true; then the first path of its
 * `condition` (comma-separated) that holds a boolean decides.
 */
function isEnabled(dep: YAMLMap, values: readonly unknown[]): boolean {
  const tags = dep.get('tags', true);
  const set = (isSeq(tags) ? tags.items : []).map((t) =>
    isScalar(t) ? valueAtPath(values, ['tags', String(t.value)]) : undefined,
  );
  const enabled = set.includes(true) || !set.includes(false);
  const condition = dep.get('condition');
  for (const path of typeof condition === 'string' ? condition.split(',') : []) {
    if (path.trim() === '') continue;
    const value = valueAtPath(values, path.trim().split('.'));
    if (typeof value === 'boolean') return value;
  }
  return enabled;
}

/**
 * The value that turns a dependency off, as `isEnabled` reads it: the path of its `condition` that
 * decides now (the first holding a boolean), else the first the values leave unset (a path holding
 * something else is skipped by helm, and setting it would change what else reads it), else its first
 * tag (`tags.<tag>`). Undefined for a dependency with neither, which only vendoring fixes.
 */
function switchOff(dep: YAMLMap, values: readonly unknown[]): string | undefined {
  const condition = dep.get('condition');
  const paths = (typeof condition === 'string' ? condition.split(',') : [])
    .map((p) => p.trim())
    .filter((p) => p !== '');
  const at = (path: string) => valueAtPath(values, path.split('.'));
  const off = paths.find((p) => typeof at(p) === 'boolean') ?? paths.find((p) => at(p) === undefined);
  if (off) return off;
  const tags = dep.get('tags', true);
  const tag = isSeq(tags) ? tags.items.find(isScalar) : undefined;
  return tag ? `tags.${String(tag.value)}` : undefined;
}

/**
 * The value at `path` of the values merged as helm merges them (a higher source's map merges with a
 * lower one's; its scalar or null replaces it): the first source that defines the path, or undefined
 * when one ends it early with a scalar or null.
 */
function valueAtPath(sources: readonly unknown[], path: readonly string[]): unknown {
  for (const source of sources) {
    let at: unknown = source;
    let i = 0;
    for (; i < path.length; i++) {
      if (at === null || typeof at !== 'object' || Array.isArray(at)) return undefined;
      if (!Object.hasOwn(at, path[i] as string)) break;
      at = (at as Record<string, unknown>)[path[i] as string];
    }
    if (i === path.length) return at === null ? undefined : at;
  }
  return undefined;
}

/**
 * A chart's requirements.yaml when it lists dependencies (parsed, with its repo-relative path), a
 * finding when it does not parse, else undefined.
 */
async function readRequirements(
  absDir: string,
  chartFile: string,
): Promise<
  | {
      doc: ReturnType<typeof parseDocument>;
      lineCounter: LineCounter;
      file: string;
      name: 'requirements.yaml';
    }
  | { finding: Finding }
  | undefined
> {
  const file = chartFile.replace(/Chart\.yaml$/, 'requirements.yaml');
  let text: string | undefined;
  try {
    // Bounded as Chart.yaml is: it is parsed here, in Ferry's process, before helm's own limits.
    text = await readBounded(join(absDir, 'requirements.yaml'), MAX_CHART_YAML_BYTES);
  } catch (err) {
    if (isMissing(err)) return undefined;
    throw err;
  }
  if (text === undefined) {
    return {
      finding: renderFinding(
        file,
        'requirements.yaml is over 1 MiB, more than any chart needs; refusing to render',
      ),
    };
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  const error = doc.errors[0];
  if (error) {
    const message = `invalid requirements.yaml: ${error.message.split('\n')[0] ?? 'invalid YAML'}`;
    return { finding: renderFinding(file, message, lineCounter.linePos(error.pos[0]).line) };
  }
  if (!isMap(doc.contents) || !isSeq(doc.contents.get('dependencies', true))) return undefined;
  return { doc, lineCounter, file, name: 'requirements.yaml' };
}

/** Names of the charts under charts/: a directory's or a `.tgz`'s Chart.yaml name. */
async function listVendoredCharts(chartsDir: string): Promise<Set<string>> {
  const names = new Set<string>();
  let entries: import('node:fs').Dirent[];
  try {
    entries = await readdir(chartsDir, { withFileTypes: true });
  } catch (err) {
    if (isMissing(err)) return names;
    throw err;
  }
  for (const entry of entries) {
    if (entry.name.endsWith('.tgz')) {
      // helm loads every `.tgz` under charts/ and knows it by its Chart.yaml's name; the file name
      // (`<name>-<version>.tgz` as `helm dependency build` writes it) only when that cannot be read.
      const bytes = entry.isFile() ? await readFile(join(chartsDir, entry.name)) : undefined;
      const name =
        (bytes && archiveChartName(bytes)) ?? /^(.+?)-v?\d+\.\d+\.\d+.*\.tgz$/.exec(entry.name)?.[1];
      if (name) names.add(name);
      continue;
    }
    if (!entry.isDirectory()) continue;
    try {
      const text = await readBounded(join(chartsDir, entry.name, 'Chart.yaml'), MAX_CHART_YAML_BYTES);
      // Too large to read: not vendored as far as Ferry can tell (helm reports it when it loads it).
      if (text === undefined) continue;
      const chart = parseDocument(text);
      const name = chart.get('name');
      names.add(typeof name === 'string' ? name : entry.name);
    } catch (err) {
      // A directory without a Chart.yaml is not a vendored chart.
      if (!isMissing(err)) throw err;
    }
  }
  return names;
}
