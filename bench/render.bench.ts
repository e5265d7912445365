/**
 * Render timings with the real binaries: plain (1,000 files), a kustomize overlay, a helm chart,
 * and extracting a 1,000-file tarball. Median of a few runs after one warm-up; no assertions.
 * Run alone: `npx tsx bench/render.bench.ts`.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { Header } from 'tar';
import { renderTarget } from '../src/render/render-target.ts';
import { extractTarball } from '../src/source/extract-tarball.ts';
import type { Target } from '../src/types.ts';

const RUNS = 7;
const fixtures = join(dirname(fileURLToPath(import.meta.url)), '..', 'test', 'fixtures', 'render');

function target(overrides: Partial<Target> & Pick<Target, 'path'>): Target {
  return {
    name: 'bench',
    branch: 'main',
    schemas: [],
    prune: true,
    maxPruneShare: 0.5,
    autoRollback: false,
    selfHeal: false,
    healthTimeoutSeconds: 300,
    ...overrides,
  };
}

function deployment(i: number): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: model-${i}
  labels:
    app: model-${i}
spec:
  replicas: 2
  selector:
    matchLabels:
      app: model-${i}
  template:
    metadata:
      labels:
        app: model-${i}
    spec:
      containers:
        - name: server
          image: ghcr.io/example/model:${i}.0.0
          resources:
            limits:
              nvidia.com/gpu: 1
`;
}

async function median(label: string, fn: () => Promise<unknown>): Promise<number> {
  await fn(); // warm-up: page cache, binary load
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    await fn();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  const ms = Math.round((times[Math.floor(times.length / 2)] ?? 0) * 10) / 10;
  console.log(`${label.padEnd(44)} ${ms} ms (median of ${RUNS})`);
  return ms;
}

function tarOf(files: { path: string; body: string }[]): Buffer {
  const blocks: Buffer[] = [];
  for (const f of files) {
    const body = Buffer.from(f.body);
    const block = Buffer.alloc(512);
    new Header({ path: f.path, type: 'File', mode: 0o644, size: body.length, mtime: new Date(0) }).encode(
      block,
      0,
    );
    blocks.push(block, body, Buffer.alloc((512 - (body.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return gzipSync(Buffer.concat(blocks));
}

async function main(): Promise<void> {
  const plainRoot = await mkdtemp(join(tmpdir(), 'ferry-bench-plain-'));
  try {
    for (let i = 0; i < 1000; i++) {
      const dir = join(plainRoot, 'deploy', `team-${i % 20}`);
      await mkdir(dir, { recursive: true });
      await writeFile(join(dir, `model-${i}.yaml`), deployment(i));
    }
    const check = async (p: Promise<{ failed: boolean; resources: unknown[] }>, expected: number) => {
      const r = await p;
      if (r.failed || r.resources.length !== expected)
        throw new Error(`bench render broken: ${JSON.stringify(r)}`);
    };
    const plain = await median('plain: 1,000 files, 1,000 Deployments', () =>
      check(renderTarget({ root: plainRoot, target: target({ path: 'deploy' }) }), 1000),
    );
    const kustomize = await median('kustomize: overlay (base, patches, generator)', () =>
      check(
        renderTarget({ root: join(fixtures, 'kustomize'), target: target({ path: 'overlays/prod' }) }),
        4,
      ),
    );
    const helm = await median('helm: chart with a values file', () =>
      check(
        renderTarget({
          root: join(fixtures, 'helm'),
          target: target({ path: 'chart', namespace: 'ml', helm: { values: ['values/prod.yaml'] } }),
        }),
        4,
      ),
    );
    const archive = tarOf(
      Array.from({ length: 1000 }, (_, i) => ({
        path: `octo-repo-abc1234/deploy/model-${i}.yaml`,
        body: deployment(i),
      })),
    );
    const extract = await median(
      `source: extract 1,000-file tarball (${Math.round(archive.length / 1024)} KiB gz)`,
      async () => {
        const tree = await extractTarball({ stream: Readable.from([archive]), revision: 'bench' });
        await tree.dispose();
      },
    );
    console.log(
      JSON.stringify({
        bench: 'render',
        plain1000FilesMs: plain,
        kustomizeOverlayMs: kustomize,
        helmChartMs: helm,
        extractTarball1000FilesMs: extract,
      }),
    );
  } finally {
    await rm(plainRoot, { recursive: true, force: true });
  }
}

await main();
