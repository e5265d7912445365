import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MIN_RENDER_BYTES, RenderMemoryBudget } from '../../src/render/render-memory-budget.ts';
import { renderTarget } from '../../src/render/render-target.ts';
import { defaultRenderLimits, RenderLimitError } from '../../src/render/renderer.ts';
import { goMemorySettings, type RunBinaryOptions, runBinary } from '../../src/render/run-binary.ts';
import { target } from './helpers.ts';

/** Small enough to be hit in a second or two, large enough for kubectl and helm to start. */
const LIMIT_MB = 160;

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'ferry-test-memory-'));
});
afterEach(() => rm(root, { recursive: true, force: true }));

async function write(files: Record<string, string>): Promise<void> {
  for (const [path, text] of Object.entries(files)) {
    await mkdir(join(root, path, '..'), { recursive: true });
    await writeFile(join(root, path), text);
  }
}

/** Each level doubles... by ten: 10^9 copies of a 10-character string once expanded. */
function billionLaughs(): string {
  const lines = ['apiVersion: v1', 'kind: ConfigMap', 'metadata: {name: lol}', 'data:'];
  lines.push('  a0: &a0 "lollollol!"');
  for (let i = 1; i <= 9; i++) {
    const refs = Array.from({ length: 10 }, () => `*a${i - 1}`).join(', ');
    lines.push(`  a${i}: &a${i} [${refs}]`);
  }
  lines.push('  boom: *a9');
  return `${lines.join('\n')}\n`;
}

/** A short command through runBinary, in the test's folder, with a plain environment. */
function runQuick(
  opts: Pick<RunBinaryOptions, 'file' | 'maxMemoryBytes' | 'maxResidentBytes'> & { args?: string[] },
) {
  return runBinary({
    args: [],
    cwd: root,
    env: { LANG: 'C' },
    timeoutMs: 10_000,
    maxOutputBytes: 1 << 20,
    ...opts,
  });
}

describe('render memory limit (Linux)', () => {
  const limits = { maxMemoryBytes: LIMIT_MB * 1024 * 1024 };

  it.runIf(process.platform === 'linux')(
    'fails a kustomize billion-laughs ConfigMap with a finding naming the limit and how to raise it',
    async () => {
      await write({ 'k/kustomization.yaml': 'resources: [lol.yaml]\n', 'k/lol.yaml': billionLaughs() });
      const result = await renderTarget({ root, target: target({ path: 'k' }), limits });
      expect(result.failed).toBe(true);
      expect(result.findings).toEqual([
        {
          rule: 'render',
          severity: 'error',
          file: 'k/kustomization.yaml',
          line: 1,
          message: `kubectl exceeded the render memory limit of ${LIMIT_MB} MiB; if the target really needs more, raise FERRY_RENDER_MEMORY_MB (MiB)`,
        },
        // Nothing hidden: the failed target's own files are still checked, and Ferry's parser refuses the bomb.
        {
          rule: 'parse',
          severity: 'error',
          file: 'k/lol.yaml',
          line: 1,
          message: 'aliases expand more than 100 times (maxAliasCount): refused as a possible alias bomb',
        },
      ]);
    },
  );

  /** A chart whose template grows a string until memory runs out. */
  const untilLoopChart = {
    'c/Chart.yaml': 'apiVersion: v2\nname: c\nversion: 0.1.0\n',
    'c/templates/x.yaml': [
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata: {name: a}',
      'data:',
      '  x: |',
      '    {{- $s := "" }}{{- range $i := until 100000000 }}{{ $s = printf "%s%s" $s "aaaaaaaaaa" }}{{- end }}{{ $s }}',
      '',
    ].join('\n'),
  };

  it.runIf(process.platform === 'linux')(
    "stops a render at the room its container leaves, under the cap asked for, and says to raise the container's limit",
    async () => {
      await write(untilLoopChart);
      // The agent's container: 256 MiB, Ferry at 100 MiB; FERRY_RENDER_MEMORY_MB's 512 MiB do not fit.
      const memoryBudget = new RenderMemoryBudget({
        constrained: () => 256 * 1024 * 1024,
        rss: () => 100 * 1024 * 1024,
      });
      const result = await renderTarget({
        root,
        target: target({ path: 'c' }),
        limits: { maxMemoryBytes: 512 * 1024 * 1024, memoryBudget },
      });
      expect(result.failed).toBe(true);
      expect(result.findings.map((f) => `${f.file}: ${f.message}`)).toEqual([
        "c: helm exceeded the 124 MiB this container leaves for a render (its memory limit is 256 MiB, FERRY_RENDER_MEMORY_MB asks 512 MiB); raise the container's memory limit",
      ]);
    },
  );

  it.runIf(process.platform === 'linux')(
    'renders a small chart and kustomization under the least cap FERRY_RENDER_MEMORY_MB takes',
    async () => {
      await write({
        'c/Chart.yaml': 'apiVersion: v2\nname: c\nversion: 0.1.0\n',
        'c/templates/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: {x: "1"}\n',
        'k/kustomization.yaml': 'resources: [cm.yaml]\n',
        'k/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\ndata: {x: "1"}\n',
      });
      const least = { maxMemoryBytes: MIN_RENDER_BYTES };
      for (const path of ['c', 'k']) {
        const result = await renderTarget({ root, target: target({ path }), limits: least });
        expect({ path, failed: result.failed, findings: result.findings }).toEqual({
          path,
          failed: false,
          findings: [],
        });
      }
    },
  );

  it.runIf(process.platform === 'linux')(
    'fails a helm template that grows a string in an until loop',
    async () => {
      await write(untilLoopChart);
      const result = await renderTarget({ root, target: target({ path: 'c' }), limits });
      expect(result.failed).toBe(true);
      expect(result.findings.map((f) => `${f.file}: ${f.message}`)).toEqual([
        `c: helm exceeded the render memory limit of ${LIMIT_MB} MiB; if the target really needs more, raise FERRY_RENDER_MEMORY_MB (MiB)`,
      ]);
    },
  );

  it.runIf(process.platform === 'linux')(
    "gives the renderer Go's memory settings under the cap: GOMEMLIMIT 80% of it, GOGC 200 (this machine has room); neither without a cap",
    async () => {
      const run = (maxMemoryBytes: number | undefined) => runQuick({ file: '/usr/bin/env', maxMemoryBytes });
      const goSettings = (outcome: Awaited<ReturnType<typeof run>>) =>
        outcome.kind === 'exited'
          ? outcome.stdout
              .split('\n')
              .filter((line) => line.startsWith('GO'))
              .sort()
          : outcome.kind;
      const roomy = goMemorySettings(512 * 1024 * 1024, process.constrainedMemory?.()).GOGC !== undefined;
      expect(goSettings(await run(512 * 1024 * 1024))).toEqual(
        roomy ? ['GOGC=200', 'GOMEMLIMIT=409MiB'] : ['GOMEMLIMIT=409MiB'],
      );
      expect(goSettings(await run(undefined))).toEqual([]);
    },
  );

  it.runIf(process.platform === 'linux')(
    'keeps RLIMIT_DATA at the cap where the container leaves less room, and points GOMEMLIMIT at the room',
    async () => {
      const run = (file: string, args: string[]) =>
        runQuick({ file, args, maxMemoryBytes: 512 * 1024 * 1024, maxResidentBytes: 124 * 1024 * 1024 });
      const limit = await run('/bin/sh', ['-c', 'ulimit -d']);
      expect(limit.kind === 'exited' && limit.stdout.trim()).toBe(String(512 * 1024));
      const env = await run('/usr/bin/env', []);
      expect(
        env.kind === 'exited' && env.stdout.split('\n').filter((l) => l.startsWith('GOMEMLIMIT')),
      ).toEqual(['GOMEMLIMIT=99MiB']);
    },
  );

  it("keeps Go's default GC where the container could not hold two renders at the cap beside Ferry", () => {
    const MiB = 1024 * 1024;
    const faster = { GOMEMLIMIT: '409MiB', GOGC: '200' };
    expect(goMemorySettings(512 * MiB, undefined)).toEqual(faster);
    expect(goMemorySettings(512 * MiB, 0)).toEqual(faster);
    // cgroup v1 without a limit.
    expect(goMemorySettings(512 * MiB, 2 ** 64)).toEqual(faster);
    expect(goMemorySettings(512 * MiB, 2048 * MiB)).toEqual(faster);
    // The agent's container (256 MiB), and one just short of two renders and Ferry.
    expect(goMemorySettings(512 * MiB, 256 * MiB)).toEqual({ GOMEMLIMIT: '409MiB' });
    expect(goMemorySettings(512 * MiB, 1279 * MiB)).toEqual({ GOMEMLIMIT: '409MiB' });
    expect(goMemorySettings(128 * MiB, 512 * MiB)).toEqual({ GOMEMLIMIT: '102MiB', GOGC: '200' });
  });

  it('takes the limit from FERRY_RENDER_MEMORY_MB, 1024 MiB by default, and refuses a bad value in one line', () => {
    expect(defaultRenderLimits({}).maxMemoryBytes).toBe(1024 * 1024 * 1024);
    expect(defaultRenderLimits({ FERRY_RENDER_MEMORY_MB: '768' }).maxMemoryBytes).toBe(768 * 1024 * 1024);
    expect(() => defaultRenderLimits({ FERRY_RENDER_MEMORY_MB: 'lots' })).toThrow(
      new RenderLimitError('FERRY_RENDER_MEMORY_MB=lots is not a whole number of MiB of at least 64'),
    );
    // helm and kubectl do not start under ~64 MiB (Go's heap arena map): every render would fail.
    expect(() => defaultRenderLimits({ FERRY_RENDER_MEMORY_MB: '48' })).toThrow(
      new RenderLimitError('FERRY_RENDER_MEMORY_MB=48 is not a whole number of MiB of at least 64'),
    );
    expect(defaultRenderLimits({ FERRY_RENDER_MEMORY_MB: '64' }).maxMemoryBytes).toBe(64 * 1024 * 1024);
  });
});
