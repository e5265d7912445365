/**
 * CLI start-up: CPU-seconds (user + sys) of whole `ferry` processes, beside `node -e 0` measured in the
 * same run (the floor: a Node process that does nothing). Goal: `ferry --help` ≤ 2× the floor.
 * The figure is read from /proc/self/stat's cutime/cstime (children's CPU time once they are waited
 * for), so it counts the child's whole life, start-up included; Linux only.
 * Run alone: `npm run bench -- cli`.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
// @ts-expect-error: a plain ESM script without type declarations.
import { buildCli } from '../scripts/build-cli.mjs';

const RUNS = 15;
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = join(root, 'bin', 'ferry.js');
const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** CPU-seconds used so far by this process's waited-for children. */
function childrenCpuSeconds(): number {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  // Fields after the command name (which may hold spaces) start at field 3; cutime and cstime are 16, 17.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[13]) + Number(fields[14])) / TICKS_PER_SECOND;
}

function measure(args: string[], env: NodeJS.ProcessEnv = {}, cwd = root): number {
  // One warm-up (disk cache), then RUNS runs; the mean CPU-seconds of one process.
  const run = () => {
    const r = spawnSync(process.execPath, args, { cwd, env: { ...process.env, ...env }, stdio: 'ignore' });
    if (r.status !== 0 && r.status !== 2) throw new Error(`${args.join(' ')} exited ${r.status}`);
  };
  run();
  const before = childrenCpuSeconds();
  for (let i = 0; i < RUNS; i++) run();
  return (childrenCpuSeconds() - before) / RUNS;
}

await buildCli();
const empty = mkdtempSync(join(tmpdir(), 'ferry-bench-empty-'));
try {
  const floor = measure(['-e', '0']);
  const rows: [string, number][] = [
    ['ferry --help (built)', measure([bin, '--help'])],
    ['ferry validate, empty dir (built)', measure([bin, 'validate', '--repo', empty])],
    ['ferry --help (sources via tsx)', measure([bin, '--help'], { FERRY_FROM_SOURCE: '1' })],
    [
      'ferry validate, empty dir (sources via tsx)',
      measure([bin, 'validate', '--repo', empty], { FERRY_FROM_SOURCE: '1' }),
    ],
  ];
  console.log(`floor: node -e 0          ${(floor * 1000).toFixed(0)} ms CPU`);
  for (const [name, cpu] of rows) {
    console.log(
      `${name.padEnd(44)} ${(cpu * 1000).toFixed(0).padStart(5)} ms CPU  ${(cpu / floor).toFixed(2)}× floor`,
    );
  }
  console.log('goal: ferry --help (built) ≤ 2× floor');
} finally {
  rmSync(empty, { recursive: true, force: true });
}
