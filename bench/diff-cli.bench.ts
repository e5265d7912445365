/**
 * `ferry diff` end to end (the built CLI on a local git repository) beside its render floor measured in
 * the same run: extract both revisions with git archive and render each side the cheapest way (plain:
 * js-yaml parse of every file; kustomize: `kubectl kustomize`; helm: `helm template`), as separate processes. Every resource
 * of the target changes between base and head. CPU-seconds (user + sys of the process and its children,
 * from /usr/bin/time), because the machine is shared; goal ≤ 1.5× the floor. Each case runs twice with
 * one fresh render cache: "cold" (nothing cached) and "next push" (the base's render is cached, as on
 * the next push to a pull request; the head is rendered again), both beside the same two-render floor.
 * A third run repeats the next push with V8's default interrupt budget (bin/ferry.js raises it), to
 * show what that setting saves in the same run.
 *
 * Ferry runs kubectl and helm with GOGC=200 (src/render/run-binary.ts), the floor with Go's defaults, as
 * a user would run them; for kustomize and helm two more lines hold cold and next push to the floor
 * run with Ferry's setting, so the ratio's part that is that setting shows.
 *
 * Beside them, two lower bounds. "least" (bench/floors/diff-least.mjs): the floor's own work plus only
 * what a diff check must add to it, Ferry's validation of the head and its diff of the pairs, in one
 * process with no CLI, cache or report; its ratio is the lowest any `ferry diff` built on those two
 * functions can show. "print only" (bench/floors/diff-print.mjs): the floor's work plus printing both
 * sides of every changed object as YAML (Ferry's formatYaml, the fastest printer at hand), nothing
 * else; about the least a diff that shows its changes as text can cost.
 *
 * This machine's speed drifts by tens of percent within minutes, so one sample of each says little:
 * each case runs ROUNDS times (default 3 up to 2,000 changed, 1 above), each round cold, next push,
 * V8 default and floor back to back with a fresh render cache, and the line gives the median ferry
 * and floor CPU-s and the median of the rounds' ratios, with their range.
 *
 * With `one` as a fourth argument only the first resource changes, as in most pull requests: the same
 * renders and floor, and a diff that is nearly all "unchanged".
 *
 * A fifth argument sets how many resources each file holds (default 100; 1: a file per resource, where
 * writing and reading the files of both revisions is most of the floor).
 *
 * A sixth argument `mix` puts Secrets and ConfigMaps among the workloads (generateManifests).
 *
 *   npm run bench -- diff-cli     (or: node --import tsx bench/diff-cli.bench.ts [sizes=500,5000] [kinds=plain,kustomize,helm] [rounds] [all|one] [per-file] [mix])
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
// @ts-expect-error: bin/ is plain JavaScript without type declarations.
import { V8_DEFAULT_INTERRUPT_BUDGET, v8TuningFlags } from '../bin/v8-tuning.js';
// @ts-expect-error: a plain ESM script without type declarations.
import { buildCli } from '../scripts/build-cli.mjs';
import { buildFloor } from './bundle-for-node.ts';
import { generateManifests, KSERVE_CRD } from './generate-manifests.ts';

const SIZES = (process.argv[2] ?? '500,5000').split(',').map(Number);
const KINDS = (process.argv[3] ?? 'plain,kustomize,helm').split(',');
const ROUNDS_GIVEN =
  process.argv[4] === undefined || process.argv[4] === '' ? undefined : Number(process.argv[4]);
/** Only the first resource changes (`one`), else every resource does. */
const ONLY_ONE = process.argv[5] === 'one';
/** Resources per file: 100 by default; 1 for one resource per file (fifth argument). */
const PER_FILE = Number(process.argv[6] || 100);
/** `mix` (sixth argument): Secrets and ConfigMaps among the workloads (generateManifests). */
const MIX = process.argv[7] === 'mix';
/** Whether bin/ferry.js tunes V8 on this Node (only Node 20 has --interrupt-budget), so the third run means something. */
const TUNED =
  v8TuningFlags({ nodeVersion: process.versions.node, execArgv: [], nodeOptions: undefined }).length > 0;
const root = join(dirname(fileURLToPath(import.meta.url)), '..');

function cpuOf(
  args: string[],
  cwd = root,
  env: Record<string, string> = {},
): { cpu: number; wall: number; rssMiB: number; status: number } {
  const r = spawnSync('/usr/bin/time', ['-f', 'FERRY-TIME %e %U %S %M', ...args], {
    cwd,
    env: { ...process.env, ...env },
    encoding: 'utf8',
    maxBuffer: 1 << 30,
  });
  const line = r.stderr.split('\n').find((l) => l.startsWith('FERRY-TIME '));
  if (!line) throw new Error(`no timing from ${args.join(' ')}: ${r.stderr.slice(-500)}`);
  const [wall, user, sys, rss] = line.split(' ').slice(1).map(Number) as [number, number, number, number];
  return { cpu: user + sys, wall, rssMiB: rss / 1024, status: r.status ?? -1 };
}

type Sample = ReturnType<typeof cpuOf>;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

const git = (repo: string, ...args: string[]) =>
  execFileSync('git', ['-C', repo, ...args], {
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 'b',
      GIT_AUTHOR_EMAIL: 'b@x',
      GIT_COMMITTER_NAME: 'b',
      GIT_COMMITTER_EMAIL: 'b@x',
    },
  });

/** Writes the target's files: the same generated set, with every resource changed on head. */
function writeSide(target: string, count: number, kind: string, head: boolean): void {
  rmSync(target, { recursive: true, force: true });
  // A chart: the same manifests as static templates (no template logic, so the floor is helm itself).
  const dir = kind === 'helm' ? join(target, 'templates') : target;
  mkdirSync(dir, { recursive: true });
  if (kind === 'helm')
    writeFileSync(join(target, 'Chart.yaml'), 'apiVersion: v2\nname: app\nversion: 0.1.0\n');
  let text = generateManifests(count, { mix: MIX });
  // Every resource changes: a new owner annotation (and so a diff) on each; with `one`, the first only.
  if (head)
    text = ONLY_ONE
      ? text.replace('ferry.dev/owner: ', 'ferry.dev/owner-next: ')
      : text.replaceAll('ferry.dev/owner: ', 'ferry.dev/owner-next: ');
  const docs = text.split(/^---\n/m);
  const files: string[] = ['crds.yaml'];
  writeFileSync(join(dir, 'crds.yaml'), KSERVE_CRD);
  for (let i = 0; i < docs.length; i += PER_FILE) {
    const name = `part-${String(i / PER_FILE).padStart(6, '0')}.yaml`;
    files.push(name);
    writeFileSync(join(dir, name), docs.slice(i, i + PER_FILE).join('---\n'));
  }
  if (kind === 'kustomize')
    writeFileSync(
      join(dir, 'kustomization.yaml'),
      `resources:\n${files.map((f) => `  - ${f}`).join('\n')}\n`,
    );
}

await buildCli();
const diffFloor = await buildFloor('diff-floor');
const diffLeast = await buildFloor('diff-least');
const diffPrint = await buildFloor('diff-print');
console.log(
  `Node ${process.versions.node}, ${TUNED ? 'V8 tuned by bin/ferry.js' : "V8's defaults"}; ${PER_FILE} resource(s) per file${MIX ? ', mix' : ''}`,
);
console.log(
  'target kind  changed  case                     ferry CPU-s  floor CPU-s  ratio [range]  (ferry wall, peak RSS; medians)',
);
for (const kind of KINDS) {
  for (const size of SIZES) {
    const repo = mkdtempSync(join(tmpdir(), 'ferry-bench-diff-'));
    try {
      git(repo, 'init', '-q', '-b', 'main');
      mkdirSync(join(repo, '.github'));
      writeFileSync(
        join(repo, '.github', 'ferry.yml'),
        'targets:\n  - name: app\n    path: deploy\n    renderTimeoutSeconds: 3600\n',
      );
      writeSide(join(repo, 'deploy'), size, kind, false);
      git(repo, 'add', '-A');
      git(repo, 'commit', '-qm', 'base');
      git(repo, 'checkout', '-qb', 'pr');
      writeSide(join(repo, 'deploy'), size, kind, true);
      git(repo, 'add', '-A');
      git(repo, 'commit', '-qm', 'head');
      const diff = (cacheDir: string, nodeFlags: string[] = []) =>
        cpuOf(
          [
            process.execPath,
            ...nodeFlags,
            join(root, 'bin', 'ferry.js'),
            'diff',
            '--repo',
            repo,
            '--base',
            'main',
            '--head',
            'pr',
            '--format',
            'json',
          ],
          root,
          { FERRY_RENDER_CACHE_DIR: cacheDir },
        );
      const labels = TUNED
        ? (['cold', 'next push', 'next, V8 default budget'] as const)
        : (['cold', 'next push'] as const);
      const runs: Sample[][] = labels.map(() => []);
      const floors: Sample[] = [];
      const leasts: Sample[] = [];
      const prints: Sample[] = [];
      // The floor again with kubectl and helm at the Go memory settings Ferry runs them with (GOGC=200):
      // how much of Ferry's ratio is that setting rather than its own work.
      const goFloors: Sample[] = [];
      const rendered = kind !== 'plain';
      const rounds = ROUNDS_GIVEN ?? (size <= 2000 ? 3 : 1);
      for (let round = 0; round < rounds; round++) {
        const cacheDir = join(repo, `.render-cache-${round}`);
        runs[0]?.push(diff(cacheDir));
        runs[1]?.push(diff(cacheDir));
        // The next push again with V8's default interrupt budget, which bin/ferry.js raises 8×.
        if (TUNED) runs[2]?.push(diff(cacheDir, [`--interrupt-budget=${V8_DEFAULT_INTERRUPT_BUDGET}`]));
        floors.push(cpuOf([process.execPath, diffFloor, repo, 'main', 'pr', 'deploy', kind]));
        leasts.push(cpuOf([process.execPath, diffLeast, repo, 'main', 'pr', 'deploy', kind]));
        prints.push(cpuOf([process.execPath, diffPrint, repo, 'main', 'pr', 'deploy', kind]));
        if (rendered)
          goFloors.push(
            cpuOf([process.execPath, diffFloor, repo, 'main', 'pr', 'deploy', kind, 'go-settings']),
          );
      }
      const lines: [string, Sample[], Sample[]][] = [
        ...labels.map((label, i): [string, Sample[], Sample[]] => [label, runs[i] ?? [], floors]),
        ['least: validate + diff', leasts, floors],
        ['least: print only', prints, floors],
        ...(rendered
          ? ([
              ['cold, floor at GOGC=200', runs[0] ?? [], goFloors],
              ['next push, same floor', runs[1] ?? [], goFloors],
            ] as [string, Sample[], Sample[]][])
          : []),
      ];
      lines.forEach(([label, samples, against]) => {
        const floorCpu = median(against.map((f) => f.cpu));
        const ratios = samples.map((s, r) => s.cpu / (against[r] as Sample).cpu);
        const range =
          ratios.length > 1 ? ` [${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}]` : '';
        const failed = samples.find((s) => s.status > 1);
        const changed = ONLY_ONE ? `1 of ${size}` : String(size);
        console.log(
          `${kind.padEnd(11)} ${changed.padStart(8)}  ${label.padEnd(23)}  ${median(samples.map((s) => s.cpu))
            .toFixed(2)
            .padStart(
              11,
            )}  ${floorCpu.toFixed(2).padStart(11)}  ${median(ratios).toFixed(2)}×${range}  (${median(samples.map((s) => s.wall)).toFixed(1)} s, ${Math.max(...samples.map((s) => s.rssMiB)).toFixed(0)} MiB${failed ? `, exit ${failed.status}` : ''}; ${samples.length} round${samples.length > 1 ? 's' : ''})`,
        );
      });
    } finally {
      rmSync(repo, { recursive: true, force: true });
    }
  }
}
console.log('goal: ≤ 1.5× the floor');
