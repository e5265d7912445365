/**
 * Small stand-ins for the engine units (config, source, preview, report) so the App's flows can be
 * tested before or without them. Deterministic and tiny: a "resource" is a YAML file under a
 * target's path; a file containing `kind: Broken` fails to render; a line with `# finding:` is an
 * error finding on that line.
 */
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { x as extract } from 'tar';
import { parse } from 'yaml';
import type { FerryDeps, ReportKit } from '../../../src/github/ferry-deps.ts';
import type { ChangeSet, FerryConfig, Finding, Target } from '../../../src/types.ts';

export const FAKE_STICKY_MARKER = '<!-- ferry:sticky (fake) -->';

async function listYaml(root: string | undefined, dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  if (!root) return out;
  const start = join(root, dir);
  const walk = async (d: string): Promise<void> => {
    let names: string[];
    try {
      names = await readdir(d);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw err;
    }
    for (const name of names) {
      const full = join(d, name);
      if ((await stat(full)).isDirectory()) await walk(full);
      else if (/\.ya?ml$/.test(name)) out.set(relative(root, full), await readFile(full, 'utf8'));
    }
  };
  await walk(start);
  return out;
}

function findingsOf(file: string, text: string): Finding[] {
  return text.split('\n').flatMap((line, i) => {
    const m = /# finding: (.*)$/.exec(line);
    return m
      ? [{ rule: 'fake-rule', severity: 'error' as const, file, line: i + 1, message: m[1] ?? '' }]
      : [];
  });
}

export const fakeExtractTarball: FerryDeps['extractTarball'] = async (opts) => {
  const root = await mkdtemp(join(tmpdir(), 'ferry-fake-src-'));
  const stream =
    opts.stream instanceof Readable
      ? opts.stream
      : Readable.fromWeb(opts.stream as unknown as WebReadableStream<Uint8Array>);
  await pipeline(stream, extract({ cwd: root, strip: 1 }));
  return {
    root,
    revision: opts.revision,
    stats: { files: 0, skippedLinks: 0, skippedSpecial: 0, bytes: 0 },
    dispose: () => rm(root, { recursive: true, force: true }),
  } as Awaited<ReturnType<FerryDeps['extractTarball']>>;
};

export const fakeLoadConfig: FerryDeps['loadConfig'] = async (root, opts) => {
  const file = '.github/ferry.yml';
  let text: string;
  try {
    text = await readFile(join(root, file), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    return { config: { kubernetesVersion: '1.34', targets: [], rules: {} }, findings: [] };
  }
  const raw = (parse(text) ?? {}) as { targets?: Partial<Target>[] };
  const targets: Target[] = (raw.targets ?? []).map((t) => ({
    name: t.name ?? 'default',
    path: t.path ?? '.',
    branch: t.branch ?? opts?.defaultBranch ?? 'main',
    ...(t.cluster ? { cluster: t.cluster } : {}),
    schemas: [],
    prune: false,
    maxPruneShare: 0.5,
    autoRollback: false,
    selfHeal: false,
    healthTimeoutSeconds: 300,
  }));
  const config: FerryConfig = { kubernetesVersion: '1.34', targets, rules: {} };
  return { config, findings: [], file };
};

export const fakePreview: FerryDeps['preview'] = async (opts) => {
  const out: ChangeSet[] = [];
  for (const target of opts.config.targets) {
    const prefix = target.path === '.' || target.path === '' ? '' : `${target.path}/`;
    if (opts.changedFiles !== 'all' && !opts.changedFiles.some((f) => f.startsWith(prefix))) continue;
    const base = await listYaml(opts.baseRoot, target.path);
    const head = await listYaml(opts.headRoot, target.path);
    const broken = [...head].filter(([, text]) => text.includes('kind: Broken'));
    if (broken.length > 0) {
      out.push({
        target: target.name,
        changes: [],
        summary: [],
        findings: broken.map(([file]) => ({
          rule: 'render',
          severity: 'error',
          file,
          line: 1,
          message: `${file}: kind Broken cannot be rendered`,
        })),
        renderFailed: true,
      });
      continue;
    }
    const files = [...new Set([...base.keys(), ...head.keys()])].sort();
    const changes = files.map((file) => {
      const before = base.get(file);
      const after = head.get(file);
      const action =
        before === undefined
          ? 'added'
          : after === undefined
            ? 'removed'
            : before === after
              ? 'unchanged'
              : 'changed';
      return {
        id: { group: 'apps', kind: 'Deployment', namespace: 'ml', name: file },
        apiVersion: 'apps/v1',
        action,
        diff: action === 'unchanged' ? '' : `--- ${file}\n+++ ${file}\n`,
        file,
        line: 1,
      } as ChangeSet['changes'][number];
    });
    out.push({
      target: target.name,
      changes,
      summary: [{ resource: `Deployment ml/${target.name}`, facts: ['image v1 → v2'] }],
      findings: [...head].flatMap(([file, text]) => findingsOf(file, text)),
      renderFailed: false,
    });
  }
  return out;
};

export const fakeReportKit: ReportKit = {
  stickyMarker: FAKE_STICKY_MARKER,
  renderComment: (report) => {
    const lines = [FAKE_STICKY_MARKER, `head ${report.headSha.slice(0, 7)}`];
    for (const cs of report.changeSets) {
      const changed = cs.changes.filter((c) => c.action !== 'unchanged').length;
      lines.push(`target ${cs.target}: ${changed} changed${cs.renderFailed ? ', render failed' : ''}`);
      for (const f of cs.findings) lines.push(`  ${f.severity} ${f.rule}: ${f.message}`);
    }
    for (const d of report.deployments ?? []) {
      lines.push(
        `deploy ${d.target}: ${d.state}${d.durationSeconds !== undefined ? ` in ${d.durationSeconds}s` : ''}`,
      );
    }
    return lines.join('\n');
  },
  renderCheckRun: (report) => {
    const findings = report.changeSets.flatMap((cs) => cs.findings);
    const failed = findings.some((f) => f.severity === 'error');
    return {
      conclusion: failed ? 'failure' : 'success',
      title: failed ? `${findings.length} problems` : 'All good',
      summary: `${report.changeSets.length} targets`,
      text: '',
      annotations: findings
        .filter((f) => f.file !== '')
        .map((f) => ({
          path: f.file,
          start_line: f.line,
          end_line: f.line,
          annotation_level:
            f.severity === 'error' ? 'failure' : f.severity === 'warning' ? 'warning' : 'notice',
          message: f.message,
          title: f.rule,
        })),
    } as ReturnType<ReportKit['renderCheckRun']>;
  },
  chunkAnnotations: ((annotations: unknown[], size: number) => {
    const out: unknown[][] = [];
    for (let i = 0; i < annotations.length; i += size) out.push(annotations.slice(i, i + size));
    return out;
  }) as ReportKit['chunkAnnotations'],
};

export const fakeEngine: Partial<FerryDeps> = {
  extractTarball: fakeExtractTarball,
  loadConfig: fakeLoadConfig,
  preview: fakePreview,
  loadReportKit: async () => fakeReportKit,
};
