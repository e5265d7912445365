import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Finding, Target } from '../types.ts';
import { closestRepoPath } from './closest-repo-path.ts';
import { detectRenderer } from './detect-renderer.ts';
import { describeUnits, listUnitsBelow } from './list-units-below.ts';
import type { RendererKind } from './renderer.ts';
import { locateInRepo } from './repo-path.ts';

/**
 * What a target's render says about its `path`, as a finding on the target's line in
 * `.github/ferry.yml` (Target.declared), or nothing. A plain path that renders no resource (a folder
 * of overlays, of charts, an empty one) passed as "0 resources" while deploying nothing: in Argo CD
 * an application without manifests is almost always a wrong path, so it is a warning, naming the
 * kustomization and chart folders below the path to point at instead (at most three). A path that
 * does render says nothing of such folders: with a configuration the targets are the user's, and those
 * folders may well be targets of their own. A kustomization or chart that renders nothing has its own
 * warning at its file (rendersNothing), as has a plain folder whose files hold no object (noObjectIn):
 * then nothing more is said here, unless there are folders to point at.
 */
export function describeTargetPath(opts: {
  target: Target;
  renderer: RendererKind;
  failed: boolean;
  /** How many resources the render gave. */
  resources: number;
  /** The render's own findings. */
  findings: readonly Finding[];
  /** The kustomization and chart folders below the path (repo-relative), which were not rendered. */
  units: readonly string[];
}): Finding | undefined {
  const { target, units } = opts;
  const declared = target.declared;
  if (!declared || opts.failed || opts.renderer !== 'plain' || opts.resources > 0) return undefined;
  const at = { rule: 'render', file: declared.file, line: declared.line };
  const path = shownPath(target.path);
  const one = units.length === 1;
  if (units.length === 0) {
    if (opts.findings.some((f) => f.rule === 'render' && f.severity !== 'info')) return undefined;
    return {
      ...at,
      severity: 'warning',
      message: `target '${target.name}' renders no resources: its path ${path} holds no YAML or JSON manifest, kustomization or chart, so nothing is checked or deployed (the agent does not deploy an empty render); point path at the folder of the target's manifests`,
    };
  }
  return {
    ...at,
    severity: 'warning',
    message: `target '${target.name}' renders no resources, so nothing is checked or deployed: its path ${path} holds no manifest of its own, and ${describeUnits(units)}; point path at ${one ? 'it' : 'one of them'} (path: ${units[0]})${one ? '' : ', and list the others as targets'}`,
  };
}

/**
 * A target declared in `.github/ferry.yml` whose path does not exist: an error on its `path:` line, not
 * at the path itself, which is no file to open (a trailing space, a wrong letter case or a typo made
 * it), with the existing path it most likely means. Nothing when the path exists, leads outside the
 * repository (the render says so), or the target is not declared in a file (the default target, a Sync).
 */
export async function describeMissingPath(opts: {
  root: string;
  target: Target;
}): Promise<Finding | undefined> {
  const { root, target } = opts;
  const declared = target.declared;
  if (!declared) return undefined;
  const located = await locateInRepo(root, root, target.path);
  if (located.ok || located.problem !== 'missing') return undefined;
  // Whatever the user wrote, quoted, so a stray space shows.
  const near = await closestRepoPath(root, target.path);
  const hint = near === undefined ? '' : ` (did you mean ${JSON.stringify(near)}?)`;
  return {
    rule: 'render',
    severity: 'error',
    file: declared.file,
    line: declared.line,
    message: `target '${target.name}': path ${JSON.stringify(target.path)} does not exist in this revision${hint}: fix the path, or add the folder`,
  };
}

/**
 * A target with a `helm:` block whose path is not a chart (no Chart.yaml): the block would be ignored
 * and the folder rendered as a kustomization or plain files, where Argo CD, whose `helm:` source
 * settings make an application a Helm one, fails. An error on the `helm:` line, naming the charts
 * below the path when there are some. Nothing when the path is a chart, or is missing or leads
 * outside the repository (the render says so).
 */
export async function describeHelmPath(opts: {
  root: string;
  target: Target;
}): Promise<{ renderer: RendererKind; finding: Finding } | undefined> {
  const { root, target } = opts;
  if (!target.helm) return undefined;
  const located = await locateInRepo(root, root, target.path);
  if (!located.ok) return undefined;
  const renderer = located.isDirectory ? await detectRenderer(located.real) : 'plain';
  if (renderer === 'helm') return undefined;
  const path = shownPath(target.path);
  const prefix = path === '.' ? '' : `${path}/`;
  const units = located.isDirectory ? await listUnitsBelow(located.real, prefix) : [];
  const charts: string[] = [];
  for (const unit of units) {
    const chart = await stat(join(root, unit, 'Chart.yaml')).catch(() => undefined);
    if (chart?.isFile()) charts.push(unit);
  }
  const what =
    renderer === 'kustomize'
      ? 'a kustomization'
      : located.isDirectory
        ? 'a folder of plain manifests'
        : 'a file';
  const some = charts.slice(0, 3).join(', ') + (charts.length > 3 ? ', …' : '');
  const fix =
    charts.length === 0
      ? "point path at the chart's folder, or remove the helm block to render it as it is"
      : `point path at the chart's folder (${charts.length === 1 ? 'the chart below it' : 'charts below it'}: ${some}), or remove the helm block to render it as it is`;
  return {
    renderer,
    finding: {
      rule: 'render',
      severity: 'error',
      file: target.declared?.file ?? '.github/ferry.yml',
      line: target.declared?.helmLine ?? target.declared?.line ?? 1,
      message: `target '${target.name}' has a helm block, but its path ${path} is not a Helm chart (no Chart.yaml; it is ${what}): ${fix}`,
    },
  };
}

function shownPath(path: string): string {
  return path === '' || path === '.' ? '.' : path;
}
