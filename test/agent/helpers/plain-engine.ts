import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { parse } from 'yaml';
import type { CheckTarget, LoadConfig } from '../../../src/agent/agent-deps.ts';
import { parseManifests } from '../../../src/manifest/parse-manifests.ts';
import type { FerryConfig, Finding, Resource, Target } from '../../../src/types.ts';

/**
 * Stand-ins for src/config and src/engine while they land: `.github/ferry.yml` with defaults, and a
 * plain-YAML render (every .yaml under the target path) where parse errors and a `ferry-test/fail`
 * annotation are error findings.
 */
export const loadPlainConfig: LoadConfig = async (root) => {
  const raw = parse(await readFile(join(root, '.github', 'ferry.yml'), 'utf8')) as {
    kubernetesVersion?: string;
    targets?: Record<string, Partial<Target>>;
  };
  const targets = Object.entries(raw.targets ?? {}).map(([name, t]) => ({
    name,
    path: t.path ?? '',
    branch: t.branch ?? 'main',
    ...(t.namespace ? { namespace: t.namespace } : {}),
    schemas: [],
    prune: t.prune ?? true,
    maxPruneShare: t.maxPruneShare ?? 0.5,
    autoRollback: t.autoRollback ?? false,
    selfHeal: t.selfHeal ?? true,
    healthTimeoutSeconds: t.healthTimeoutSeconds ?? 30,
  }));
  const config: FerryConfig = { kubernetesVersion: raw.kubernetesVersion ?? '1.34', targets, rules: {} };
  return { config, findings: [] };
};

async function yamlFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await yamlFiles(path)));
    else if (/\.ya?ml$/.test(entry.name)) out.push(path);
  }
  return out.sort();
}

export const checkPlainTarget: CheckTarget = async ({ root, target }) => {
  const resources: Resource[] = [];
  const findings: Finding[] = [];
  for (const file of await yamlFiles(join(root, target.path))) {
    const rel = relative(root, file);
    const parsed = parseManifests(
      await readFile(file, 'utf8'),
      rel,
      target.namespace ? { defaultNamespace: target.namespace } : {},
    );
    resources.push(...parsed.resources);
    findings.push(...parsed.findings);
  }
  for (const r of resources) {
    const annotations = ((r.object.metadata as Record<string, unknown> | undefined)?.annotations ??
      {}) as Record<string, string>;
    if (annotations['ferry-test/fail']) {
      findings.push({
        rule: 'test-rule',
        severity: 'error',
        file: r.file,
        line: r.line,
        message: annotations['ferry-test/fail'],
      });
    }
  }
  // As checkTarget: `failed` is a render failure; validation errors are findings that block the apply.
  return { resources, findings, failed: findings.some((f) => f.rule === 'parse') };
};
