import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { closestMatch } from '../manifest/closest-match.ts';
import { lineOf } from '../manifest/line-of.ts';
import { parseManifests } from '../manifest/parse-manifests.ts';
import type { Finding } from '../types.ts';
import type { KustomizationTree } from './load-kustomization-tree.ts';
import { renderFinding } from './render-finding.ts';

/** The fields of a Kustomization (kustomize v5, `kustomize.config.k8s.io/v1beta1`). */
export const KUSTOMIZATION_FIELDS = [
  'apiVersion',
  'kind',
  'metadata',
  'openapi',
  'namePrefix',
  'nameSuffix',
  'namespace',
  'commonLabels',
  'labels',
  'commonAnnotations',
  'buildMetadata',
  'patchesStrategicMerge',
  'patchesJson6902',
  'patches',
  'images',
  'imageTags',
  'replacements',
  'replicas',
  'vars',
  'sortOptions',
  'resources',
  'components',
  'crds',
  'bases',
  'configMapGenerator',
  'secretGenerator',
  'helmGlobals',
  'helmCharts',
  'helmChartInflationGenerator',
  'generatorOptions',
  'configurations',
  'generators',
  'transformers',
  'validators',
];

/**
 * kustomize's error → one finding in Ferry's words at the file and line that broke, with a
 * did-you-mean where one fits, and kustomize's own message in full as `detail`. Known shapes: an
 * unknown kustomization field, a patch whose target does not exist, malformed YAML in a listed file;
 * anything else points at the kustomization kustomize was building when it failed.
 */
export async function describeKustomizeError(opts: {
  root: string;
  tree: KustomizationTree;
  /** The one-line message (formatBinaryError) and the full cleaned stderr. */
  message: string;
  detail?: string;
  /** The target's own kustomization file: the fallback location. */
  kustomization: string;
}): Promise<Finding> {
  const { tree, message } = opts;
  const detail = opts.detail ?? message;
  const read = (file: string) => readFile(join(opts.root, file), 'utf8').catch(() => '');

  const unknown = /unknown field "([^"]+)"/.exec(message)?.[1];
  if (unknown !== undefined) {
    for (const file of tree.kustomizations) {
      const line = topLevelKeyLine(await read(file), unknown);
      if (line === undefined) continue;
      const near = closestMatch(unknown, KUSTOMIZATION_FIELDS);
      const hint = near === undefined ? '' : `: did you mean "${near}"?`;
      return renderFinding(file, `unknown kustomization field "${unknown}"${hint}`, line, detail);
    }
  }

  const patch =
    /no (?:resource )?match(?:es)? (?:for|strategic merge patch) (?:Id )?"?([A-Za-z0-9]+)\.[^/\s"]*\/([^.\s"]+)\./.exec(
      message,
    );
  if (patch?.[1] && patch[2]) {
    const found = await findPatchFor({ tree, read, kind: patch[1], name: patch[2] });
    if (found) {
      const names = await declaredNames({ tree, read, kind: patch[1] });
      const near = closestMatch(patch[2], names);
      const hint = near === undefined ? '' : `: did you mean "${near}"?`;
      return renderFinding(
        found.file,
        `patch targets ${patch[1]} "${patch[2]}", which no resource of this kustomization declares${hint}`,
        found.line,
        detail,
      );
    }
  }

  const yaml = /yaml: line (\d+): (.+?) in File: (\S+)/.exec(message);
  if (yaml?.[1] && yaml[3]) {
    const name = yaml[3];
    const file = [...tree.resourceFiles, ...tree.patches.map((p) => p.file)].find(
      (f) => f === name || f.endsWith(`/${name}`),
    );
    if (file) {
      return renderFinding(
        file,
        `line ${yaml[1]} is not valid YAML (${yaml[2]}): fix the indentation or quoting there`,
        Number(yaml[1]),
        detail,
      );
    }
  }

  // kustomize names the directories it was in, outermost first: the last is where it broke.
  const dirs = [...message.matchAll(/recursed accumulation of path '([^']+)'/g)].map((m) => m[1] ?? '');
  const last = dirs[dirs.length - 1]?.replace(/\/$/, '');
  const broke = last ? tree.kustomizations.find((k) => k.slice(0, k.lastIndexOf('/')) === last) : undefined;
  return renderFinding(
    broke ?? opts.kustomization,
    'kubectl kustomize could not build this kustomization (its message is below)',
    1,
    detail,
  );
}

function topLevelKeyLine(text: string, key: string): number | undefined {
  const escaped = key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const pattern = new RegExp(`^["']?${escaped}["']?\\s*:`);
  const index = text.split('\n').findIndex((l) => pattern.test(l));
  return index < 0 ? undefined : index + 1;
}

async function findPatchFor(opts: {
  tree: KustomizationTree;
  read: (file: string) => Promise<string>;
  kind: string;
  name: string;
}): Promise<{ file: string; line: number } | undefined> {
  for (const p of opts.tree.patches) {
    if (p.target?.kind === opts.kind && p.target.name === opts.name) {
      return { file: p.kustomization, line: targetLine(await opts.read(p.kustomization), opts.name) };
    }
    const text = p.text ?? (await opts.read(p.file));
    for (const r of parseManifests(text, p.file, { lineOffset: p.lineOffset }).resources) {
      if (r.id.kind === opts.kind && r.id.name === opts.name)
        return {
          file: p.file,
          line: lineOf(r, ['metadata', 'name']),
        };
    }
  }
  return undefined;
}

function targetLine(text: string, name: string): number {
  const index = text.split('\n').findIndex((l) => new RegExp(`\\bname:\\s*["']?${name}["']?\\s*$`).test(l));
  return index < 0 ? 1 : index + 1;
}

async function declaredNames(opts: {
  tree: KustomizationTree;
  read: (file: string) => Promise<string>;
  kind: string;
}): Promise<string[]> {
  const out: string[] = [];
  for (const file of opts.tree.resourceFiles) {
    for (const r of parseManifests(await opts.read(file), file).resources)
      if (r.id.kind === opts.kind) out.push(r.id.name);
  }
  return out;
}
