import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { lineOfPath } from '../config/line-of-path.ts';

/** helm's refusal of a chart whose Chart.yaml `kubeVersion` excludes the version rendered for. */
export const KUBE_VERSION_REFUSED = /\bchart requires kubeVersion: /;

/** Bigger values files are not searched for a line (helm read them; Ferry need not hold them). */
const MAX_VALUES_BYTES = 4 * 1024 * 1024;

/**
 * Where a helm failure that names no template is the user's to fix, as a file and line of the
 * repository, or undefined (the finding stays on the chart's folder):
 *
 * - "values don't meet the specifications of the schema(s) in the following chart(s):\n<chart>:\n- at
 *   '/replicaCount': got string, want integer": the line of that key in the last of the target's values
 *   files that sets it (later files win, as in helm), else in the chart's own values.yaml; a subchart's
 *   key is looked up under its name (`<subchart>.<key>`) in those and in its own values.yaml;
 * - "chart requires kubeVersion: >=1.23.0-0 which is incompatible with Kubernetes v1.22": the chart's
 *   `kubeVersion:` line in Chart.yaml.
 */
export async function locateValuesError(
  message: string,
  chart: {
    /** The chart's name (its Chart.yaml), as helm names it in the message. */
    name: string;
    /** The chart's folder, absolute, and as the repository names it (`.` at the root). */
    absDir: string;
    dir: string;
    /** The target's values files: absolute, and as the repository names them, in order. */
    values: readonly string[];
    valuesNames: readonly string[];
  },
): Promise<{ file: string; line: number } | undefined> {
  const inChart = (file: string) => (chart.dir === '.' ? file : `${chart.dir}/${file}`);
  if (KUBE_VERSION_REFUSED.test(message)) {
    const line = await lineOf(join(chart.absDir, 'Chart.yaml'), ['kubeVersion']);
    return line === undefined ? undefined : { file: inChart('Chart.yaml'), line };
  }
  const failed =
    /values don't meet the specifications of the schema\(s\) in the following chart\(s\):\s*\n?\s*([^\s:]+):\s*\n?\s*- at '([^']*)'/.exec(
      message,
    );
  if (!failed) return undefined;
  const owner = failed[1] ?? '';
  const pointer = (failed[2] ?? '')
    .split('/')
    .slice(1)
    .map((p) => p.replaceAll('~1', '/').replaceAll('~0', '~'));
  if (pointer.length === 0) return undefined;
  const sub = owner !== chart.name;
  // The key as the target's values files and the chart's values.yaml hold it.
  const path = sub ? [owner, ...pointer] : pointer;
  for (let i = chart.values.length - 1; i >= 0; i--) {
    const line = await lineOf(chart.values[i] ?? '', path);
    if (line !== undefined) return { file: chart.valuesNames[i] ?? '', line };
  }
  const own = await lineOf(join(chart.absDir, 'values.yaml'), path);
  if (own !== undefined) return { file: inChart('values.yaml'), line: own };
  if (sub) {
    const subValues = `charts/${owner}/values.yaml`;
    const line = await lineOf(join(chart.absDir, subValues), pointer);
    if (line !== undefined) return { file: inChart(subValues), line };
  }
  return undefined;
}

/** The line of `path` in the YAML file `file` when the file sets it, else undefined. */
async function lineOf(file: string, path: readonly string[]): Promise<number | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    // Not there (a subchart in a .tgz, no values.yaml): nothing to point at.
    void err;
    return undefined;
  }
  if (text.length > MAX_VALUES_BYTES) return undefined;
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: false, prettyErrors: false });
  const keys = path.map((p) => (/^\d+$/.test(p) ? Number(p) : p));
  // A list index is a number to the yaml package; a map key that looks like one is tried as text too.
  const found = doc.hasIn(keys) ? keys : doc.hasIn(path) ? path : undefined;
  return found === undefined ? undefined : lineOfPath(doc.contents, found, lineCounter);
}
