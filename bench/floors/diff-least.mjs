// The least a `ferry diff` that validates can cost: the floor's work (bench/floors/diff-floor.mjs:
// extract both revisions, render each side the cheapest way, parse it with js-yaml), then only the two
// things a diff check must add to it, with Ferry's own functions in this one process: validate the
// head (schemas and every rule, as `ferry diff` does) and diff base against head (pair, format each
// changed object, line diff, summary). No start-up of the CLI, no render cache, no report, no line
// bookkeeping of the parse. Run by bench/diff-cli.bench.ts beside the floor: when this alone is over
// 1.5× the floor, no `ferry diff` built on these functions can be within it.
//   (built by bench/bundle-for-node.ts, then) node diff-least.mjs REPO BASE HEAD DIR plain|kustomize|helm
import './tune-like-the-cli.mjs';
import { renderSides } from './render-sides.mjs';

const [repo, base, head, dir, kind] = process.argv.slice(2);
const jsYaml = (await import('js-yaml')).default;
const { KUBE_JS_YAML_SCHEMA } = await import('../../src/manifest/kube-js-yaml-schema.ts');
const { resourceIdOf } = await import('../../src/manifest/resource-id.ts');
const { validateResources } = await import('../../src/validate/validate-resources.ts');
const { ALL_RULES } = await import('../../src/validate/rules/all-rules.ts');
const { diffResources } = await import('../../src/diff/diff-resources.ts');

/** @type {import('../../src/types.ts').Resource[][]} */
const sides = [[], []];
renderSides({ repo, revisions: [base, head], dir, kind }, (side, file, text) => {
  jsYaml.loadAll(
    text,
    (object) => {
      if (object && typeof object === 'object' && !Array.isArray(object)) {
        const id = resourceIdOf(object);
        sides[side]?.push({ id, apiVersion: String(object.apiVersion), object, file, line: 1 });
      }
    },
    { schema: KUBE_JS_YAML_SCHEMA },
  );
});
const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};
const parsed = cpu();
const findings = validateResources(sides[1] ?? [], { kubernetesVersion: '1.34', rules: ALL_RULES });
const validated = cpu();
const diff = diffResources({ target: 'app', base: sides[0] ?? [], head: sides[1] ?? [] });
const diffed = cpu();
// stdout: documents, findings, changes; stderr: this process's CPU-s by phase (its children not counted).
console.log((sides[0]?.length ?? 0) + (sides[1]?.length ?? 0), findings.length, diff.changes.length);
console.error(
  `FERRY-PHASES ${parsed.toFixed(3)} ${(validated - parsed).toFixed(3)} ${(diffed - validated).toFixed(3)}`,
);
