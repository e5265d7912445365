import { mkdir, mkdtemp, readdir, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseManifests } from '../manifest/parse-manifests.ts';
import type { Finding } from '../types.ts';
import { checkChartSchemas } from './check-chart-schemas.ts';
import { listEscapingLinks } from './list-escaping-links.ts';
import { type ChartInfo, loadChart } from './load-chart.ts';
import { KUBE_VERSION_REFUSED, locateValuesError } from './locate-values-error.ts';
import {
  callsGenerators,
  generatedFieldFindings,
  markGeneratedFields,
  templatesMatch,
} from './mark-generated-fields.ts';
import { listHelmSources, locateHelmError, parseHelmOutput } from './parse-helm-output.ts';
import { readTemplateFile } from './read-template-file.ts';
import { releaseNameProblem } from './release-name.ts';
import { failedRender, renderFinding } from './render-finding.ts';
import type { Renderer, RenderRequest, RenderResult } from './renderer.ts';
import { locateInRepo, normalizeRepoPath } from './repo-path.ts';
import { runSandboxed } from './run-sandboxed.ts';
import { listServedApiVersions } from './served-api-versions.ts';

/**
 * `helm template`, with dependencies vendored (no `helm dependency build`, no repositories), values
 * files inside the repository, values schemas that load no other document (checkChartSchemas), and
 * never --post-renderer, plugins or DNS lookups (--enable-dns).
 * Tests (`helm.sh/hook: test`) are skipped: they are run by `helm test`, not applied.
 */
export const helmRenderer: Renderer = {
  kind: 'helm',
  async render(req: RenderRequest): Promise<RenderResult> {
    const absDir = join(req.root, req.dir);
    const chartFile = req.dir === '.' ? 'Chart.yaml' : `${req.dir}/Chart.yaml`;
    // helm's own refusal names a regular expression and not the setting to change.
    const badName = releaseNameProblem(req.releaseName);
    if (badName !== undefined) return failedRender('helm', [renderFinding(chartFile, badName)]);
    const findings: Finding[] = await listEscapingLinks({ root: req.root, absDir });
    if (findings.length === 0) findings.push(...(await checkChartSchemas({ absDir, dir: req.dir })));
    const values: string[] = [];
    const valuesNames: string[] = [];
    for (const v of req.values) {
      const path = normalizeRepoPath(v);
      const located = await locateInRepo(req.root, req.root, path);
      if (located.ok && !located.isDirectory) {
        values.push(located.real);
        valuesNames.push(path);
      } else if (located.ok) {
        findings.push(
          renderFinding(
            path,
            "values file is a folder: list its files in the target's helm.values in .github/ferry.yml",
          ),
        );
      } else {
        const why =
          located.problem === 'missing'
            ? "does not exist in this revision: fix the target's values in .github/ferry.yml, or add the file"
            : "leads outside the repository: the target's helm.values in .github/ferry.yml must name files inside it";
        findings.push(renderFinding(path, `values file ${why}`));
      }
    }
    const { chart, findings: chartFindings } = await loadChart({
      absDir,
      file: chartFile,
      valuesFiles: values,
      valuesNames,
    });
    findings.push(...chartFindings);
    if (findings.length > 0 || !chart) return failedRender('helm', findings);
    // Dependencies the values disable may be missing: rendered from links to the chart's files beside a
    // Chart.yaml (or a v1 chart's requirements.yaml) that omits them. A chart at a checkout's root holds
    // `.git`, which helm would load into `.Files` (.git/config holds the token actions/checkout
    // persists): rendered without it.
    const hasGit = (await readdir(absDir)).includes('.git');
    const linked =
      chart.withoutDisabled === undefined && !hasGit
        ? undefined
        : await linkedChart(absDir, chart.withoutDisabled);
    try {
      return await renderChart(req, { absDir: linked?.dir ?? absDir, chart, values, valuesNames });
    } finally {
      await linked?.dispose();
    }
  },
};

async function renderChart(
  req: RenderRequest,
  opts: { absDir: string; chart: ChartInfo; values: readonly string[]; valuesNames: readonly string[] },
): Promise<RenderResult> {
  const { absDir, chart, values, valuesNames } = opts;
  const original = join(req.root, req.dir);
  const args = ['template', req.releaseName, absDir, '--include-crds', '--skip-tests'];
  if (req.namespace) args.push('--namespace', req.namespace);
  // The target's cluster version and APIs, as Argo CD passes its cluster's: charts that branch on
  // `.Capabilities` render what that cluster would get, not what helm's own client-go knows.
  if (req.kubernetesVersion) args.push('--kube-version', req.kubernetesVersion);
  // What the cluster's discovery adds to helm's built-in list, in one flag (helm splits it at commas).
  args.push('--api-versions', listServedApiVersions(req.kubernetesVersion).join(','));
  for (const v of req.apiVersions ?? []) args.push('--api-versions', v);
  for (const v of values) args.push('--values', v);
  const run = await runSandboxed({ binary: 'helm', args, root: req.root, limits: req.limits });
  const where = { chartName: chart.name, chartDir: req.dir, values: valuesNames };
  if (!run.ok) {
    // A path into the linked folder (withoutDisabled) is said as the chart's own folder.
    const shown = (text: string) => (absDir === original ? text : text.replaceAll(absDir, req.dir));
    const located = locateHelmError(shown(run.message), where);
    // A failure no template line names (a values schema, the chart's kubeVersion) is said at the line
    // to change, not on the chart's folder, where no annotation can go.
    const at =
      located.file === undefined
        ? await locateValuesError(located.message, {
            name: chart.name,
            absDir: original,
            dir: req.dir,
            values,
            valuesNames,
          })
        : undefined;
    return failedRender('helm', [
      renderFinding(
        at?.file ?? located.file ?? req.dir,
        located.message +
          namespaceHint(req, located.message) +
          kubeVersionHint(req, located.message) +
          (await apiVersionsHint(req, located.message, original)),
        at?.line ?? located.line,
        run.detail && locateHelmError(shown(run.detail), where).message,
      ),
    ]);
  }

  const templates = new Map<string, string>();
  // Without field lines (a diff's base) no template is read: objects keep helm's output lines.
  for (const file of req.fieldLines === false ? [] : listHelmSources(run.stdout, where)) {
    // The path comes from the chart's output: confined to the chart's regular files, or not read.
    // A template inside a vendored .tgz has no file of its own either: no line to find.
    const text = await readTemplateFile({
      root: req.root,
      chartDir: req.dir,
      file,
      maxBytes: req.limits.maxOutputBytes,
    });
    if (text !== undefined) templates.set(file, text);
  }
  const parsed = parseHelmOutput(run.stdout, {
    ...where,
    templates,
    defaultNamespace: req.namespace,
    maxBytes: req.limits.maxOutputBytes,
    documents: req.documents,
    dependencies: chart.dependencies,
  });
  if (parsed.findings.length > 0) return failedRender('helm', parsed.findings);
  // A chart that generates values (a random password, a webhook certificate) renders them anew each
  // time: a second render with the same inputs says which fields those are. Only for charts whose
  // templates call such a function, so other charts cost one render as before.
  if (await callsGenerators(original)) {
    const again = await runSandboxed({ binary: 'helm', args, root: req.root, limits: req.limits });
    if (again.ok) {
      const second = parseManifests(again.stdout, chart.name, {
        defaultNamespace: req.namespace,
        maxBytes: req.limits.maxOutputBytes,
      });
      markGeneratedFields(parsed.resources, second.resources);
    }
  }
  return {
    renderer: 'helm',
    resources: parsed.resources,
    findings: generatedFieldFindings(parsed.resources),
    failed: false,
  };
}

/**
 * For a chart whose Chart.yaml `kubeVersion` excludes the version it is rendered for: where that
 * version comes from (the target's `kubernetesVersion`; helm's own default without one).
 */
function kubeVersionHint(req: RenderRequest, message: string): string {
  if (!KUBE_VERSION_REFUSED.test(message)) return '';
  return req.kubernetesVersion
    ? ` (Ferry renders for the target's kubernetesVersion, ${req.kubernetesVersion}, set in .github/ferry.yml or its top level: raise it if the cluster runs a newer Kubernetes)`
    : " (helm's default version, as no target names one: a target's kubernetesVersion in .github/ferry.yml sets it)";
}

/**
 * For a chart that refuses to render without a namespace (NVIDIA's k8s-device-plugin: "Running in the
 * 'default' namespace is not recommended … use --namespace"): where Ferry's --namespace comes from.
 */
function namespaceHint(req: RenderRequest, message: string): string {
  if (req.namespace || !/--namespace\b|'default' namespace/i.test(message)) return '';
  return " (Ferry renders with the target's namespace as --namespace: set namespace: on the target in .github/ferry.yml)";
}

/**
 * A chart that fails unless `.Capabilities.APIVersions` has an API (llmaz's: "The cluster does not
 * support the required API resource `monitoring.coreos.com/v1/ServiceMonitor`") fails in Ferry
 * whatever the cluster serves: helm template sees only the APIs passed to it. So a failure naming a
 * custom API (a dotted group outside `*.k8s.io`, which Ferry passes as the target's Kubernetes serves
 * them) in a template's failure (`fail`, `required`), which the chart tests with
 * `.Capabilities.APIVersions.Has` and the target does not list under helm.apiVersions, says where.
 */
async function apiVersionsHint(req: RenderRequest, message: string, chartDir: string): Promise<string> {
  if (!message.includes('execution error')) return '';
  const named = /\b([a-z0-9-]+(?:\.[a-z0-9-]+)+)\/(v\d+(?:(?:alpha|beta)\d+)?)(?:\/([A-Z]\w*))?\b/.exec(
    message,
  );
  if (!named || /(?:^|\.)k8s\.io$/.test(named[1] ?? '')) return '';
  // What the templates ask `.Capabilities.APIVersions.Has` about in that group/version, as they spell
  // it: `Has "g/v/Kind"` is not answered by a listed "g/v", and a message may name only "g/v" with the
  // kind apart (spark-operator: "the required API version `monitoring.coreos.com/v1` for `PodMonitor`").
  const groupVersion = `${named[1]}/${named[2]}`;
  const asked = new RegExp(
    `APIVersions\\.Has\\s+["'](${groupVersion.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?:/[A-Z]\\w*)?)["']`,
    'g',
  );
  const tested = new Set<string>();
  // Only when the chart asks: a `required` message may name an API for another reason.
  await templatesMatch(chartDir, (text) => {
    for (const m of text.matchAll(asked)) tested.add(m[1] ?? '');
    return false;
  });
  const api = pickTestedApi([...tested], { named: named[0], groupVersion, kind: named[3], message });
  if (api === undefined || (req.apiVersions ?? []).includes(api)) return '';
  return ` (helm template sees only the APIs Ferry passes: if the target's cluster serves ${api}, list it under the target's helm.apiVersions in .github/ferry.yml)`;
}

/**
 * Which of the APIs the templates test (`g/v` or `g/v/Kind`) the failure is about: the one it names
 * exactly (or its group/version, tested alone); for a failure naming only a group/version, the tested
 * kind the message names as a word (`… for \`PodMonitor\``), else the only one tested. Undefined when
 * the templates test none, or several the message does not tell apart.
 */
function pickTestedApi(
  tested: readonly string[],
  failure: { named: string; groupVersion: string; kind: string | undefined; message: string },
): string | undefined {
  if (tested.includes(failure.named)) return failure.named;
  if (failure.kind !== undefined)
    return tested.includes(failure.groupVersion) ? failure.groupVersion : undefined;
  const byKind = tested.filter((api) => {
    const kind = api.split('/')[2];
    return kind !== undefined && new RegExp(`\\b${kind}\\b`).test(failure.message);
  });
  if (byKind.length === 1) return byKind[0];
  return tested.length === 1 ? tested[0] : undefined;
}

/**
 * The chart's folder with `replaced` (when given) written in place of one of its files (Chart.yaml or
 * requirements.yaml) and without `.git`, in a fresh temp dir: every other entry is a link to the
 * original (helm follows links in a chart, and listEscapingLinks vetted the chart's own),
 * so nothing is copied.
 */
async function linkedChart(
  absDir: string,
  /** A file to write in place of the chart's own (linked when undefined). */
  replaced: { name: string; text: string } | undefined,
): Promise<{ dir: string; dispose(): Promise<void> }> {
  const base = await mkdtemp(join(await realpath(tmpdir()), 'ferry-chart-'));
  const dir = join(base, 'chart');
  try {
    await mkdir(dir);
    for (const name of await readdir(absDir)) {
      if (name === '.git' || name === replaced?.name) continue;
      await symlink(join(absDir, name), join(dir, name));
    }
    if (replaced !== undefined) await writeFile(join(dir, replaced.name), replaced.text);
  } catch (err) {
    await rm(base, { recursive: true, force: true });
    throw err;
  }
  return { dir, dispose: () => rm(base, { recursive: true, force: true }) };
}
