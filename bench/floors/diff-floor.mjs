// The floor of `ferry diff`: extract both revisions (git archive | tar) and render each side the
// cheapest way there is (plain: js-yaml loadAll of every file; kustomize: `kubectl kustomize`; helm:
// `helm template`), nothing else. Run by bench/diff-cli.bench.ts as its own process.
//   (built by bench/bundle-for-node.ts, then) node diff-floor.mjs REPO BASE HEAD DIR plain|kustomize|helm [go-settings]
// With `go-settings`, kubectl and helm run with the Go memory settings Ferry gives them (render-sides.mjs).
import { renderSides } from './render-sides.mjs';

const [repo, base, head, dir, kind, go] = process.argv.slice(2);
const jsYaml = (await import('js-yaml')).default;
const { KUBE_JS_YAML_SCHEMA } = await import('../../src/manifest/kube-js-yaml-schema.ts');
let docs = 0;
renderSides(
  { repo, revisions: [base, head], dir, kind, goSettings: go === 'go-settings' },
  (_side, _file, text) => {
    jsYaml.loadAll(text, (d) => d && docs++, { schema: KUBE_JS_YAML_SCHEMA });
  },
);
console.log(docs);
