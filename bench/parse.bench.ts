/**
 * parseManifests against its floors on the same 10,000-resource stream: yaml's own parseAllDocuments +
 * toJS (the reference reader), and js-yaml's loadAll (what the fast path reads plain documents with).
 * The difference is what Ferry adds: the odd-document checks, kubectl's YAML 1.1 scalars, identity,
 * limits, lazy line pointers.
 *   npx tsx bench/parse.bench.ts [count] [rounds]
 */
import jsYaml from 'js-yaml';
import { parseAllDocuments } from 'yaml';
import { parseManifests } from '../src/manifest/parse-manifests.ts';
import { generateManifests } from './generate-manifests.ts';

const count = Number(process.argv[2] ?? 10_000);
const rounds = Number(process.argv[3] ?? 7);
const text = generateManifests(count);
const lines = text.split('\n').length;
console.log(
  `input: ${count} resources, ${lines} lines, ${(Buffer.byteLength(text) / 1024 / 1024).toFixed(1)} MiB`,
);

function floor(): number {
  let n = 0;
  for (const doc of parseAllDocuments(text)) if (doc.toJS()) n++;
  return n;
}

function jsYamlFloor(): number {
  let n = 0;
  for (const doc of jsYaml.loadAll(text)) if (doc) n++;
  return n;
}

function ferry(): number {
  return parseManifests(text, 'bench.yaml').resources.length;
}

/**
 * Best and median wall time of `rounds` runs after one warm-up, alternating so both see the same machine
 * load. The best run is the steadier figure on a shared machine; the median is printed too.
 * Run with `node --expose-gc --import tsx` to collect garbage between runs.
 */
function measure(): { floor: number[]; jsYaml: number[]; ferry: number[] } {
  const times = { floor: [] as number[], jsYaml: [] as number[], ferry: [] as number[] };
  if (floor() !== count || jsYamlFloor() !== count || ferry() !== count)
    throw new Error('benchmark input did not parse to every resource');
  const gc = (globalThis as { gc?: () => void }).gc;
  for (let i = 0; i < rounds; i++) {
    gc?.();
    let start = performance.now();
    floor();
    times.floor.push(performance.now() - start);
    gc?.();
    start = performance.now();
    jsYamlFloor();
    times.jsYaml.push(performance.now() - start);
    gc?.();
    start = performance.now();
    ferry();
    times.ferry.push(performance.now() - start);
  }
  return times;
}

const best = (xs: number[]) => Math.min(...xs);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;
const perSecond = (ms: number) => Math.round((count / ms) * 1000);

const times = measure();
const floorMs = best(times.floor);
const ferryMs = best(times.ferry);
const ratio = Number((ferryMs / floorMs).toFixed(3));
const medianRatio = Number((median(times.ferry) / median(times.floor)).toFixed(3));
console.log(
  `yaml parseAllDocuments+toJS: best ${floorMs.toFixed(0)} ms (${perSecond(floorMs)} resources/s), median ${median(times.floor).toFixed(0)} ms`,
);
console.log(
  `parseManifests:              best ${ferryMs.toFixed(0)} ms (${perSecond(ferryMs)} resources/s), median ${median(times.ferry).toFixed(0)} ms`,
);
const jsYamlMs = best(times.jsYaml);
const jsYamlRatio = Number((ferryMs / jsYamlMs).toFixed(3));
const jsYamlMedianRatio = Number((median(times.ferry) / median(times.jsYaml)).toFixed(3));
console.log(
  `js-yaml loadAll:             best ${jsYamlMs.toFixed(0)} ms (${perSecond(jsYamlMs)} resources/s), median ${median(times.jsYaml).toFixed(0)} ms`,
);
console.log(`ratio parseManifests/floor:  ${ratio} (best), ${medianRatio} (median)`);
console.log(`ratio parseManifests/js-yaml: ${jsYamlRatio} (best), ${jsYamlMedianRatio} (median)`);
console.log(
  JSON.stringify({
    bench: 'parse',
    resources: count,
    rounds,
    floorMs: Math.round(floorMs),
    parseManifestsMs: Math.round(ferryMs),
    floorResourcesPerSecond: perSecond(floorMs),
    parseManifestsResourcesPerSecond: perSecond(ferryMs),
    ratio,
    medianRatio,
    jsYamlMs: Math.round(jsYamlMs),
    jsYamlRatio,
    jsYamlMedianRatio,
  }),
);
