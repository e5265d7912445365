// The floor of `ferry diff`: extract both revisions (git archive | tar) and render each side the
// cheapest way there is (plain: js-yaml loadAll of every file; kustomize: `kubectl kustomize`; helm:
// `helm template`), nothing else. Run by bench/diff-cli.bench.ts as its own process.
//   (built by bench/bundle-for-node.ts, then) node diff-floor.mjs REPO BASE HEAD DIR plain|kustomize|helm
import { execFileSync, execSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const [repo, base, head, dir, kind] = process.argv.slice(2);
const jsYaml = (await import('js-yaml')).default;
const { KUBE_JS_YAML_SCHEMA } = await import('../../src/manifest/kube-js-yaml-schema.ts');
const { resolveBinary } = await import('../../src/render/resolve-binaries.ts');
const out = mkdtempSync(join(tmpdir(), 'ferry-diff-floor-'));
let docs = 0;
try {
  for (const rev of [base, head]) {
    const tree = join(out, rev.replace(/\W/g, '_'));
    mkdirSync(tree);
    execSync(`git -C '${repo}' archive ${rev} | tar -x -C '${tree}'`);
    const target = join(tree, dir);
    const texts =
      kind === 'kustomize'
        ? [
            execFileSync(resolveBinary('kubectl').path, ['kustomize', target], {
              maxBuffer: 1 << 30,
            }).toString(),
          ]
        : kind === 'helm'
          ? [
              execFileSync(resolveBinary('helm').path, ['template', 'app', target], {
                maxBuffer: 1 << 30,
              }).toString(),
            ]
          : readdirSync(target)
              .filter((f) => f.endsWith('.yaml'))
              .map((f) => readFileSync(join(target, f), 'utf8'));
    for (const t of texts) jsYaml.loadAll(t, (d) => d && docs++, { schema: KUBE_JS_YAML_SCHEMA });
  }
} finally {
  rmSync(out, { recursive: true, force: true });
}
console.log(docs);
