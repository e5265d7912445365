/**
 * `ferry validate` end to end on a generated repository of 50,000 resources (Deployments, Services that
 * select them in the same namespaces, KServe InferenceServices and their CRD; 5 namespaces; 5 targets
 * of 100-document files), beside its parse floors measured in the same run, each a process of its own:
 *
 *   - ferry:          node bin/ferry.js validate --repo DIR --format json  (the built CLI, as a user runs
 *                     it: worker threads as planWorkers chooses, one per core but one)
 *   - ferry, 1 thread: the same with FERRY_WORKERS=1 (everything on the main thread)
 *   - ferry, 2 workers: the same with FERRY_WORKERS=2 (wall time with both cores checking targets)
 *   - ferry PATH:     node bin/ferry.js validate DIR/deploy --format json: all 50,000 as one set, as a
 *                     user checks a folder (kubeconform-style; no total size cap, one capped worker)
 *   - js-yaml floor:  read every file and js-yaml loadAll it (the parser Ferry's fast path uses)
 *   - yaml floor:     read every file and `yaml` parseAllDocuments + toJS it (Ferry's parser until now)
 *
 * Figures are CPU-seconds (user + sys, from /usr/bin/time), not wall time: the machine is shared and
 * CPU time is what load changes least. Wall time and peak RSS are printed too. Goal: ≥ 5,000 resources
 * per CPU-second and < 200 MiB peak RSS at 50,000 resources.
 *
 * With a third argument of 1 every resource is a file of its own (a common repository layout, where
 * reading files costs more than parsing them).
 *
 * With `mix` as a fourth argument one resource in ten is a Secret or a ConfigMap and Services select a
 * label every workload has before the workload's own (generateManifests); with `crds` one in 50 is a
 * CRD as controller-gen writes it, a sixth of the bytes (descriptions over several lines, CEL rules);
 * with `dashboards` one in 50 is a Grafana dashboard's JSON in a ConfigMap (escaped quotes in its
 * PromQL), most of the bytes; with `findings` every workload's image is unpinned (`:latest`), so two
 * resources in three have a finding, each placed on its field's line (33,000 at 50,000 resources).
 *
 *   npm run bench -- validate-corpus            (or: node --import tsx bench/validate-corpus.bench.ts [resources] [rounds] [per-file] [mix|crds|dashboards|findings])
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
// @ts-expect-error: a plain ESM script without type declarations.
import { buildCli } from '../scripts/build-cli.mjs';
import { buildFloor } from './bundle-for-node.ts';
import { generateManifests, KSERVE_CRD } from './generate-manifests.ts';

const TOTAL = Number(process.argv[2] ?? 50_000);
const ROUNDS = Number(process.argv[3] ?? 1);
/** Documents per file: 100 by default; 1 for a repository of one resource per file. */
const PER_FILE = Number(process.argv[4] || 100);
/** `mix` (fifth argument): Secrets and ConfigMaps among the workloads, Services selecting a shared label first. */
const MIX = process.argv[5] === 'mix';
/** `crds` (fifth argument): one resource in 50 a CRD as controller-gen writes it (descriptions, CEL rules). */
const CRDS = process.argv[5] === 'crds';
/** `dashboards` (fifth argument): one resource in 50 a Grafana dashboard's JSON in a ConfigMap. */
const DASHBOARDS = process.argv[5] === 'dashboards';
/** `findings` (fifth argument): every workload's image unpinned, a finding on two resources in three. */
const FINDINGS = process.argv[5] === 'findings';
const TARGETS = 5;
const root = join(dirname(fileURLToPath(import.meta.url)), '..');

interface Usage {
  cpu: number;
  wall: number;
  rssMiB: number;
  stdout: string;
}

/** One process under /usr/bin/time: CPU (user + sys), wall and peak RSS. */
function measure(args: string[], env: NodeJS.ProcessEnv = {}): Usage {
  const r = spawnSync('/usr/bin/time', ['-f', 'FERRY-TIME %e %U %S %M', process.execPath, ...args], {
    cwd: root,
    env: { ...process.env, ...env },
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  const line = r.stderr.split('\n').find((l) => l.startsWith('FERRY-TIME '));
  if (!line) throw new Error(`no timing from ${args.join(' ')}: ${r.stderr.slice(-500)}`);
  const [wall, user, sys, rssKiB] = line.split(' ').slice(1).map(Number) as [number, number, number, number];
  return { cpu: user + sys, wall, rssMiB: rssKiB / 1024, stdout: r.stdout };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

function best(runs: Usage[]): Usage {
  return {
    cpu: median(runs.map((r) => r.cpu)),
    wall: median(runs.map((r) => r.wall)),
    rssMiB: median(runs.map((r) => r.rssMiB)),
    stdout: runs[0]?.stdout ?? '',
  };
}

await buildCli();
const parseFloor = await buildFloor('parse-floor');
const dir = mkdtempSync(join(tmpdir(), 'ferry-bench-corpus-'));
try {
  // Five targets (a render of plain files is capped at 32 MiB, and a repository this size has several).
  const targets = Array.from({ length: TARGETS }, (_, t) => `deploy/t${t}`);
  for (const t of targets) mkdirSync(join(dir, t), { recursive: true });
  mkdirSync(join(dir, '.github'));
  writeFileSync(
    join(dir, '.github', 'ferry.yml'),
    `targets:\n${targets.map((t, i) => `  - name: t${i}\n    path: ${t}\n`).join('')}`,
  );
  for (const t of targets) writeFileSync(join(dir, t, 'crds.yaml'), KSERVE_CRD);
  const docs = generateManifests(TOTAL - TARGETS, {
    mix: MIX,
    crds: CRDS,
    dashboards: DASHBOARDS,
    findings: FINDINGS,
  }).split(/^---\n/m);
  let bytes = 0;
  for (let i = 0; i < docs.length; i += PER_FILE) {
    const text = docs.slice(i, i + PER_FILE).join('---\n');
    bytes += text.length;
    const target = targets[(i / PER_FILE) % TARGETS] ?? 'deploy/t0';
    writeFileSync(join(dir, target, `part-${String(i / PER_FILE).padStart(6, '0')}.yaml`), text);
  }
  console.log(
    `corpus: ${TOTAL} resources (${PER_FILE} per file${MIX ? ', mix' : ''}${CRDS ? ', crds' : ''}${DASHBOARDS ? ', dashboards' : ''}${FINDINGS ? ', findings' : ''}) in ${Math.ceil(docs.length / PER_FILE) + TARGETS} files, ${(bytes / 1024 / 1024).toFixed(1)} MiB, ${TARGETS} targets, 5 namespaces; ${ROUNDS} round(s), medians`,
  );
  const runs = {
    ferry: [] as Usage[],
    oneThread: [] as Usage[],
    twoWorkers: [] as Usage[],
    path: [] as Usage[],
    jsYaml: [] as Usage[],
    yaml: [] as Usage[],
  };
  const validate = [join('bin', 'ferry.js'), 'validate', '--repo', dir, '--format', 'json'];
  for (let round = 0; round < ROUNDS; round++) {
    runs.ferry.push(measure(validate));
    runs.oneThread.push(measure(validate, { FERRY_WORKERS: '1' }));
    runs.twoWorkers.push(measure(validate, { FERRY_WORKERS: '2' }));
    runs.path.push(measure([join('bin', 'ferry.js'), 'validate', join(dir, 'deploy'), '--format', 'json']));
    runs.jsYaml.push(measure([parseFloor, dir, 'js-yaml']));
    runs.yaml.push(measure([parseFloor, dir, 'yaml']));
  }
  const ferry = best(runs.ferry);
  const report = JSON.parse(ferry.stdout) as { resources: number; findings: unknown[] };
  const oneThread = best(runs.oneThread);
  const twoWorkers = best(runs.twoWorkers);
  for (const [name, other] of [
    ['FERRY_WORKERS=1', oneThread],
    ['FERRY_WORKERS=2', twoWorkers],
  ] as const) {
    if (other.stdout !== ferry.stdout)
      throw new Error(`${name} reported other findings than the default run`);
  }
  const path = best(runs.path);
  const pathReport = JSON.parse(path.stdout) as { resources: number };
  if (pathReport.resources !== report.resources)
    throw new Error(`ferry validate DIR checked ${pathReport.resources} resources, not ${report.resources}`);
  const jsYaml = best(runs.jsYaml);
  const rows: [string, Usage][] = [
    ['ferry validate', ferry],
    ['ferry, 1 thread', oneThread],
    ['ferry, 2 workers', twoWorkers],
    ['ferry validate DIR', path],
    ['floor: js-yaml parse', jsYaml],
    ['floor: yaml parse', best(runs.yaml)],
  ];
  // Each row beside the js-yaml parse floor of the same run: CPU, wall and peak RSS as ratios.
  for (const [name, u] of rows) {
    console.log(
      `${name.padEnd(22)} ${u.cpu.toFixed(2).padStart(6)} CPU-s  ${Math.round(TOTAL / u.cpu)
        .toString()
        .padStart(6)} res/CPU-s  wall ${u.wall.toFixed(2)} s  peak RSS ${u.rssMiB.toFixed(0)} MiB  ` +
        `÷ js-yaml floor: CPU ${(u.cpu / jsYaml.cpu).toFixed(2)}×, wall ${(u.wall / jsYaml.wall).toFixed(2)}×, RSS ${(u.rssMiB / jsYaml.rssMiB).toFixed(2)}×`,
    );
  }
  console.log(`ferry validated ${report.resources} resources, ${report.findings.length} findings`);
  console.log('goal: ≥ 5,000 res/CPU-s and < 200 MiB peak RSS');
  console.log(
    JSON.stringify({
      bench: 'validate-corpus',
      resources: TOTAL,
      perFile: PER_FILE,
      mix: MIX,
      crds: CRDS,
      dashboards: DASHBOARDS,
      findings: FINDINGS,
      ferryCpuS: ferry.cpu,
      ferryWallS: ferry.wall,
      ferryRssMiB: Math.round(ferry.rssMiB),
      ferryResPerCpuS: Math.round(TOTAL / ferry.cpu),
      oneThreadCpuS: oneThread.cpu,
      oneThreadWallS: oneThread.wall,
      oneThreadRssMiB: Math.round(oneThread.rssMiB),
      twoWorkersCpuS: twoWorkers.cpu,
      twoWorkersWallS: twoWorkers.wall,
      twoWorkersRssMiB: Math.round(twoWorkers.rssMiB),
      pathCpuS: path.cpu,
      pathWallS: path.wall,
      pathRssMiB: Math.round(path.rssMiB),
      jsYamlFloorCpuS: jsYaml.cpu,
      jsYamlFloorWallS: jsYaml.wall,
      jsYamlFloorRssMiB: Math.round(jsYaml.rssMiB),
      yamlFloorCpuS: best(runs.yaml).cpu,
    }),
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
