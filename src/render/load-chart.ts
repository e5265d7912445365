import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isMap, isScalar, isSeq, LineCounter, type Node, parseDocument } from 'yaml';
import type { Finding } from '../types.ts';
import { renderFinding } from './render-finding.ts';
import { isMissing } from './repo-path.ts';

export interface ChartInfo {
  name: string;
  /** Repo-relative Chart.yaml. */
  file: string;
}

/**
 * Reads a chart's Chart.yaml and checks that every dependency is vendored under charts/ (as a
 * directory or a .tgz): `helm template` would otherwise fail, and `helm dependency build` needs the
 * network, which an untrusted render never gets.
 */
export async function loadChart(opts: {
  absDir: string;
  /** Repo-relative Chart.yaml, for findings. */
  file: string;
}): Promise<{ chart?: ChartInfo; findings: Finding[] }> {
  const lineCounter = new LineCounter();
  const doc = parseDocument(await readFile(join(opts.absDir, 'Chart.yaml'), 'utf8'), {
    lineCounter,
    prettyErrors: false,
  });
  const lineOf = (node: unknown) => {
    const start = (node as Node | null | undefined)?.range?.[0];
    return start === undefined ? 1 : lineCounter.linePos(start).line;
  };
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
  const dependencies = doc.contents.get('dependencies', true);
  if (isSeq(dependencies)) {
    for (const dep of dependencies.items) {
      const depName = isMap(dep) ? dep.get('name', true) : undefined;
      if (!isScalar(depName) || typeof depName.value !== 'string') continue;
      if (vendored.has(depName.value)) continue;
      findings.push(
        renderFinding(
          opts.file,
          `dependency ${depName.value} is not vendored; run \`helm dependency build\` and commit charts/`,
          lineOf(depName),
        ),
      );
    }
  }
  return { chart: { name: name.value, file: opts.file }, findings };
}

/** Names of the charts under charts/: a directory's Chart.yaml name, or `<name>-<version>.tgz`. */
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
    const archive = /^(.+?)-v?\d+\.\d+\.\d+.*\.tgz$/.exec(entry.name);
    if (archive?.[1]) {
      names.add(archive[1]);
      continue;
    }
    if (!entry.isDirectory()) continue;
    try {
      const chart = parseDocument(await readFile(join(chartsDir, entry.name, 'Chart.yaml'), 'utf8'));
      const name = chart.get('name');
      names.add(typeof name === 'string' ? name : entry.name);
    } catch (err) {
      // A directory without a Chart.yaml is not a vendored chart.
      if (!isMissing(err)) throw err;
    }
  }
  return names;
}
