import { mkdtemp, readFile, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, posix, relative } from 'node:path';
import { parseManifests } from '../manifest/parse-manifests.ts';
import type { Finding, Resource } from '../types.ts';
import { describeKustomizeError } from './describe-kustomize-error.ts';
import { applyImageOverrides } from './kustomize-images.ts';
import { listEscapingLinks } from './list-escaping-links.ts';
import { type KustomizationTree, loadKustomizationTree } from './load-kustomization-tree.ts';
import { loadKustomizeSourceLocator } from './locate-kustomize-sources.ts';
import { loadKustomizeLineMapper, takeOrigin } from './map-kustomize-lines.ts';
import { failedRender, renderFinding } from './render-finding.ts';
import type { Renderer, RenderRequest, RenderResult } from './renderer.ts';
import { runSandboxed } from './run-sandboxed.ts';

/**
 * `kubectl kustomize`, after loadKustomizationTree has refused remote references, helm charts and
 * paths outside the repository. Never with --enable-helm, --enable-alpha-plugins or --enable-exec.
 *
 * The target is built through a temporary wrapper kustomization that only adds
 * `buildMetadata: [originAnnotations, transformerAnnotations]`, so each object says which file it
 * came from; those annotations are taken off again, so what is applied and diffed is exactly what
 * `kubectl kustomize <dir>` prints. When the build fails, it is run once more without the wrapper, so
 * the message is the one a user gets running kustomize themselves.
 */
export const kustomizeRenderer: Renderer = {
  kind: 'kustomize',
  async render(req: RenderRequest): Promise<RenderResult> {
    const absDir = join(req.root, req.dir);
    const links = await listEscapingLinks({ root: req.root, absDir });
    const tree = await loadKustomizationTree({ root: req.root, absDir });
    const kustomization = tree.kustomizations[0] ?? req.dir;
    const refused = [...links, ...tree.findings];
    if (refused.length > 0) {
      // A missing file is Ferry's finding (with a did-you-mean); kustomize's own words go below it.
      if (links.length === 0 && tree.onlyMissing && tree.findings[0]) {
        const plain = await runKustomize(req, tree, absDir);
        if (!plain.ok && plain.detail) {
          // Under the missing entry kustomize's words are about; kustomize stops at its first problem,
          // which may be another one (a malformed `patches:` before a missing resource): said apart.
          const detail = plain.detail;
          const about =
            tree.findings.find((f) => mentionsEntry(detail, f, true)) ??
            tree.findings.find((f) => mentionsEntry(detail, f, false));
          if (about) about.detail = plain.detail;
          else {
            refused.push(
              await describeKustomizeError({
                root: req.root,
                tree,
                message: plain.message,
                detail: plain.detail,
                kustomization,
              }),
            );
          }
        }
      }
      return failedWithSources(req, tree, refused);
    }

    const wrapped = await runWrapped(req, tree, absDir);
    // Timeouts and size limits are not kustomize's to explain, and worth no second run.
    if (!wrapped.ok && wrapped.detail === undefined)
      return failedWithSources(req, tree, [renderFinding(kustomization, wrapped.message)]);
    if (!wrapped.ok) {
      const plain = await runKustomize(req, tree, absDir);
      if (plain.ok) return mapOutput({ req, tree, kustomization, stdout: plain.stdout });
      const finding = await describeKustomizeError({
        root: req.root,
        tree,
        message: plain.message,
        detail: plain.detail,
        kustomization,
      });
      if (await isComponent(join(req.root, kustomization))) finding.message += COMPONENT_HINT;
      return failedWithSources(req, tree, [finding]);
    }
    return mapOutput({ req, tree, kustomization, stdout: wrapped.stdout, wrapDir: wrapped.wrapDir });
  },
};

/**
 * Said after the error of a kustomization that is a Component (argo-workflows' manifests/components/*):
 * its patches name objects of the overlay that lists it, so alone it fails on them.
 */
const COMPONENT_HINT =
  ' (this kustomization is a kustomize Component, kind: Component, which kustomize builds as part of an overlay that lists it under components:; point the target at such an overlay)';

/** Whether the kustomization file at `file` declares `kind: Component`. */
async function isComponent(file: string): Promise<boolean> {
  const text = await readFile(file, 'utf8').catch(() => '');
  return /^kind:\s*["']?Component["']?\s*(#.*)?$/m.test(text);
}

/**
 * Whether kustomize's output names the entry a missing-path finding quotes (`resources entry
 * "role.yaml" does not exist`, in the kustomization `f.file`): by its path in the repository
 * (`lstat config/crd/bases` for `bases/` in config/crd/kustomization.yaml), else (`exact` false) as
 * written, without a trailing `/`.
 */
function mentionsEntry(detail: string, f: { file: string; message: string }, exact: boolean): boolean {
  const entry = /\bentry "([^"]+)"/.exec(f.message)?.[1]?.replace(/\/+$/, '');
  if (!entry) return false;
  const name = exact ? posix.join(posix.dirname(f.file), entry) : entry.replace(/^(\.\/)+/, '');
  return name !== '' && name !== '.' && detail.includes(name);
}

/**
 * A failed build still checks its source files on their own (parse, schemas, rules): a broken patch
 * must not hide a GPU or Secret mistake in the base. Their objects are `checkable`, never applied, and
 * `unrendered`: the rules that judge resources against each other leave them out (before namePrefix,
 * namespace and labels, kubeflow's sources named 41 false duplicates and 18 Services selecting nothing).
 */
async function failedWithSources(
  req: RenderRequest,
  tree: KustomizationTree,
  findings: Finding[],
): Promise<RenderResult> {
  const named = new Set(findings.map((f) => f.file));
  const checkable: Resource[] = [];
  const all = [...findings];
  for (const file of tree.resourceFiles) {
    const text = await readFile(join(req.root, file), 'utf8').catch(() => undefined);
    if (text === undefined) continue;
    const parsed = parseManifests(text, file, {
      defaultNamespace: req.namespace,
      maxBytes: req.limits.maxOutputBytes,
    });
    for (const r of parsed.resources) {
      // As the build would have set them: an image its `images:` pin is not reported as unpinned.
      const object = applyImageOverrides(r.object, tree.images[file] ?? []) as Resource['object'];
      checkable.push({ ...r, object, unrendered: true });
    }
    // A file the render finding already names is not reported twice.
    if (!named.has(file)) all.push(...parsed.findings);
  }
  return failedRender('kustomize', all, checkable);
}

function runKustomize(req: RenderRequest, tree: KustomizationTree, dir: string) {
  const args = ['kustomize', dir];
  // Only when needed, and only because every path was proved to stay in the repository above.
  if (tree.needsLoadRestrictionsNone) args.push('--load-restrictor', 'LoadRestrictionsNone');
  return runSandboxed({ binary: 'kubectl', args, root: req.root, limits: req.limits });
}

async function runWrapped(
  req: RenderRequest,
  tree: KustomizationTree,
  absDir: string,
): Promise<{ ok: true; stdout: string; wrapDir: string } | { ok: false; message: string; detail?: string }> {
  const wrapDir = await mkdtemp(join(await realpath(tmpdir()), 'ferry-kustomize-'));
  try {
    // Relative: kustomize refuses absolute resource paths. A directory may be outside the wrapper's
    // root (as `../base` is), so the load restrictor is unchanged.
    const target = relative(wrapDir, absDir);
    const text = [
      'apiVersion: kustomize.config.k8s.io/v1beta1',
      'kind: Kustomization',
      `resources:\n- ${JSON.stringify(target)}`,
      'buildMetadata: [originAnnotations, transformerAnnotations]',
      '',
    ].join('\n');
    await writeFile(join(wrapDir, 'kustomization.yaml'), text);
    const run = await runKustomize(req, tree, wrapDir);
    return run.ok ? { ok: true, stdout: run.stdout, wrapDir } : run;
  } finally {
    await rm(wrapDir, { recursive: true, force: true });
  }
}

async function mapOutput(opts: {
  req: RenderRequest;
  tree: KustomizationTree;
  kustomization: string;
  stdout: string;
  /** Set when the output carries build-metadata annotations relative to this directory. */
  wrapDir?: string;
}): Promise<RenderResult> {
  const { req, tree, kustomization } = opts;
  const parsed = parseManifests(opts.stdout, kustomization, {
    defaultNamespace: req.namespace,
    maxBytes: req.limits.maxOutputBytes,
    documents: req.documents,
  });
  if (parsed.findings.length > 0) return failedRender('kustomize', parsed.findings as Finding[]);
  // Built only for an object without an origin annotation: it parses every source file, which the
  // line mapper (per file, on demand) would otherwise parse a second time.
  let locator: Awaited<ReturnType<typeof loadKustomizeSourceLocator>> | undefined;
  const locate = async (kind: string, name: string) => {
    locator ??= await loadKustomizeSourceLocator(req.root, tree);
    return locator(kind, name);
  };
  const resources: Resource[] = [];
  if (req.fieldLines === false) {
    // Nobody reads this render's lines (a diff's base): the source file from the origin, no mapping.
    for (const r of parsed.resources) {
      const origin = opts.wrapDir ? takeOrigin(r.object, { root: req.root, base: opts.wrapDir }) : {};
      const { pointers: _rendered, lines: _lines, ...rest } = r;
      resources.push({ ...rest, file: origin.path ?? origin.configuredIn ?? kustomization, line: 1 });
    }
    return { renderer: 'kustomize', resources, findings: [], failed: false };
  }
  const mapLines = await loadKustomizeLineMapper(req.root, tree);
  for (const r of parsed.resources) {
    const origin = opts.wrapDir ? takeOrigin(r.object, { root: req.root, base: opts.wrapDir }) : {};
    const mapped = await mapLines(r, origin);
    if (mapped) {
      resources.push(mapped);
      continue;
    }
    const source = (await locate(r.id.kind, r.id.name)) ?? {
      file: origin.configuredIn ?? kustomization,
      line: 1,
    };
    // Without the source document, line pointers into the rendered text would lie.
    const { pointers: _rendered, lines: _lines, ...rest } = r;
    resources.push({ ...rest, file: source.file, line: source.line });
  }
  return { renderer: 'kustomize', resources, findings: [], failed: false };
}
