// The least a diff that shows its changes as text can cost: the floor's work
// (bench/floors/diff-floor.mjs) plus printing both sides of every object the head has as YAML, with
// the fastest printer at hand (Ferry's formatYaml: js-yaml's dump with sorted keys costs over twice
// as much), to be compared. No validation, no line diff, no summary, no masking. Run by
// bench/diff-cli.bench.ts beside the floor: in its cases every object changes, so a diff that shows
// each change prints all of them.
//   (built by bench/bundle-for-node.ts, then) node diff-print.mjs REPO BASE HEAD DIR plain|kustomize|helm
import './tune-like-the-cli.mjs';
import { renderSides } from './render-sides.mjs';

const [repo, base, head, dir, kind] = process.argv.slice(2);
const jsYaml = (await import('js-yaml')).default;
const { KUBE_JS_YAML_SCHEMA } = await import('../../src/manifest/kube-js-yaml-schema.ts');
const { formatYaml } = await import('../../src/diff/format-yaml.ts');

/** @type {Map<string, unknown>[]} each side's objects by kind, namespace and name */
const sides = [new Map(), new Map()];
renderSides({ repo, revisions: [base, head], dir, kind }, (side, _file, text) => {
  jsYaml.loadAll(
    text,
    (o) => {
      if (o && typeof o === 'object' && !Array.isArray(o)) {
        sides[side]?.set(`${o.kind}/${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`, o);
      }
    },
    { schema: KUBE_JS_YAML_SCHEMA },
  );
});
let printed = 0;
for (const [key, after] of sides[1] ?? []) {
  const before = sides[0]?.get(key);
  if (before !== undefined) printed += formatYaml(before).length;
  printed += formatYaml(after).length;
}
console.log(printed);
