// The parse floor of `ferry validate`: read every .yaml file under DIR and parse it with PARSER
// (`js-yaml`: loadAll with the YAML 1.1 schema Ferry uses; `yaml`: parseAllDocuments + toJS), nothing
// else. Prints the number of documents. Run by bench/validate-corpus.bench.ts as its own process.
//   (built by bench/bundle-for-node.ts, then) node parse-floor.mjs DIR js-yaml|yaml
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const [dir, parser] = process.argv.slice(2);
const files = [];
const walk = (d) => {
  for (const e of readdirSync(d, { withFileTypes: true })) {
    if (e.isDirectory() && !e.name.startsWith('.')) walk(join(d, e.name));
    else if (e.name.endsWith('.yaml')) files.push(join(d, e.name));
  }
};
walk(dir);
let docs = 0;
if (parser === 'yaml') {
  const { parseAllDocuments } = await import('yaml');
  for (const f of files)
    for (const doc of parseAllDocuments(readFileSync(f, 'utf8'), { version: '1.1', schema: 'yaml-1.1' }))
      if (doc.toJS()) docs++;
} else {
  const jsYaml = (await import('js-yaml')).default;
  const { KUBE_JS_YAML_SCHEMA } = await import('../../src/manifest/kube-js-yaml-schema.ts');
  for (const f of files)
    jsYaml.loadAll(readFileSync(f, 'utf8'), (d) => d && docs++, { schema: KUBE_JS_YAML_SCHEMA });
}
console.log(docs);
