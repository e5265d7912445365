/**
 * Lambda bundles: size and cold-init time of each function, as deployed (same esbuild settings as
 * infra/ferry-stack.ts, from infra/function-bundling.ts), beside loading the same code unbundled.
 *
 *   npx tsx bench/lambda.bench.ts
 *
 * Cold init = a fresh `node` process importing the module: time from `import()` to its resolution
 * (median of 5; process start-up itself is reported apart). Goal for the webhook: bundle < 1 MB,
 * init < 150 ms. Bundles are written to cdk.out/bench/ so that the `webhook-sdk` variant, which
 * leaves `@aws-sdk/*` external as if the Lambda runtime provided it, resolves it from node_modules.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, type Metafile } from 'esbuild';
import {
  COMMON_BUNDLING,
  type FunctionBundling,
  PROJECT_ROOT,
  WEBHOOK_BUNDLING,
  WORKER_BUNDLING,
} from '../infra/function-bundling.ts';

const RUNS = 5;
const OUT = join(PROJECT_ROOT, 'cdk.out', 'bench');

/** What the stack sets; values are placeholders (nothing calls AWS at import time). */
const FUNCTION_ENV = {
  AWS_REGION: 'eu-west-1',
  FERRY_WEBHOOK_SECRET_ID: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:Ferry-WebhookSecret-AbCdEf',
  FERRY_APP_SECRET_ID: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:Ferry-AppSecret-AbCdEf',
  FERRY_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/Ferry-Deliveries.fifo',
  FERRY_BUCKET: 'ferry-claimcheckbucket-abc123',
  POWERTOOLS_LOG_LEVEL: 'ERROR',
};

interface Variant {
  label: string;
  bundling: FunctionBundling;
}

const VARIANTS: Variant[] = [
  { label: 'webhook', bundling: WEBHOOK_BUNDLING },
  // For comparison only: the webhook with `@aws-sdk/*` left to the Lambda runtime's copy.
  { label: 'webhook-sdk', bundling: { ...WEBHOOK_BUNDLING, external: ['@aws-sdk/*'] } },
  { label: 'worker', bundling: WORKER_BUNDLING },
];

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** Median time for a fresh node process to import `specifier`, and its median total wall time. */
function coldImport(specifier: string, nodeArgs: string[] = []): { importMs: number; processMs: number } {
  const script = `const t0 = performance.now(); await import(${JSON.stringify(specifier)}); process.stdout.write(String(performance.now() - t0));`;
  const imports: number[] = [];
  const totals: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const started = process.hrtime.bigint();
    const res = spawnSync(
      process.execPath,
      [...nodeArgs, '--no-warnings', '--input-type=module', '-e', script],
      {
        cwd: PROJECT_ROOT,
        env: { ...process.env, ...FUNCTION_ENV },
        encoding: 'utf8',
      },
    );
    totals.push(Number(process.hrtime.bigint() - started) / 1e6);
    if (res.status !== 0)
      throw new Error(
        `import of ${specifier} failed: ${res.stderr.trim().split('\n').slice(-3).join(' | ')}`,
      );
    imports.push(Number(res.stdout));
  }
  return { importMs: median(imports), processMs: median(totals) };
}

function largestInputs(metafile: Metafile, top = 4): string {
  const byPackage = new Map<string, number>();
  for (const output of Object.values(metafile.outputs)) {
    for (const [file, info] of Object.entries(output.inputs)) {
      const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file);
      const name = m?.[1] ?? file.split('/')[0] ?? file;
      byPackage.set(name, (byPackage.get(name) ?? 0) + info.bytesInOutput);
    }
  }
  return [...byPackage.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([name, bytes]) => `${name} ${(bytes / 1024).toFixed(0)} KiB`)
    .join(', ');
}

const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
const ms = (value: number) => `${value.toFixed(1)} ms`;

async function main(): Promise<void> {
  rmSync(OUT, { recursive: true, force: true });
  const figures: Record<string, number | string> = {};

  const baseline = coldImport('node:path');
  console.log(
    `node process start-up (import of node:path): ${ms(baseline.processMs)} wall, median of ${RUNS}`,
  );
  figures.nodeStartupMs = Math.round(baseline.processMs);

  for (const variant of VARIANTS) {
    const outfile = join(OUT, variant.label, 'index.mjs');
    mkdirSync(join(OUT, variant.label), { recursive: true });
    let metafile: Metafile;
    try {
      ({ metafile } = await build({
        entryPoints: [join(PROJECT_ROOT, variant.bundling.entry)],
        outfile,
        bundle: true,
        format: COMMON_BUNDLING.format,
        platform: COMMON_BUNDLING.platform,
        target: COMMON_BUNDLING.target,
        minify: COMMON_BUNDLING.minify,
        mainFields: [...COMMON_BUNDLING.mainFields],
        banner: { js: COMMON_BUNDLING.banner },
        alias: { ...COMMON_BUNDLING.alias },
        external: variant.bundling.external,
        sourcemap: variant.bundling.sourceMap,
        metafile: true,
        logLevel: 'silent',
      }));
    } catch (err) {
      const first = (err as { errors?: { text: string }[] }).errors?.[0]?.text ?? (err as Error).message;
      console.log(`${variant.label}: not bundled: ${first}`);
      continue;
    }
    const bytes = statSync(outfile).size;
    const bundled = coldImport(pathToFileURL(outfile).href);
    console.log(
      `${variant.label.padEnd(12)} bundle ${kib(bytes).padStart(11)}  cold init ${ms(bundled.importMs).padStart(9)} ` +
        `(process ${ms(bundled.processMs)})  largest: ${largestInputs(metafile)}`,
    );
    figures[`${variant.label}BundleBytes`] = bytes;
    figures[`${variant.label}InitMs`] = Math.round(bundled.importMs * 10) / 10;
    if (variant.label === 'webhook-sdk') continue;
    const entryUrl = pathToFileURL(join(PROJECT_ROOT, variant.bundling.entry)).href;
    const unbundled = coldImport(entryUrl, ['--import', 'tsx']);
    console.log(
      `${''.padEnd(12)} unbundled (node --import tsx, node_modules) cold init ${ms(unbundled.importMs).padStart(9)} ` +
        `(process ${ms(unbundled.processMs)})`,
    );
    figures[`${variant.label}UnbundledInitMs`] = Math.round(unbundled.importMs * 10) / 10;
  }

  const webhookBytes = figures.webhookBundleBytes;
  const webhookInit = figures.webhookInitMs;
  if (typeof webhookBytes === 'number' && typeof webhookInit === 'number') {
    console.log(
      `webhook goal: bundle < 1 MB ${webhookBytes < 1024 * 1024 ? 'met' : 'MISSED'}, ` +
        `init < 150 ms ${webhookInit < 150 ? 'met' : 'MISSED'}`,
    );
  }
  console.log(JSON.stringify({ bench: 'lambda', runs: RUNS, ...figures }));
}

await main();
