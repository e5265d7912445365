import { chmod, cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Target } from '../../src/types.ts';

export const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'render');

export function fixture(name: string): string {
  return join(FIXTURES, name);
}

/** A target with the config unit's defaults. */
export function target(overrides: Partial<Target> & Pick<Target, 'path'>): Target {
  return {
    name: 'test',
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

/** A writable copy of a fixture (for symlinks and edits); removed by the returned function. */
export async function copyFixture(name: string): Promise<{ root: string; cleanup: () => Promise<void> }> {
  const root = await mkdtemp(join(tmpdir(), 'ferry-test-render-'));
  await cp(fixture(name), root, { recursive: true });
  return { root, cleanup: () => rm(root, { recursive: true, force: true }) };
}

/** A shell script standing in for kubectl or helm (absolute interpreter: the sandbox's PATH is empty). */
export async function writeScript(path: string, body: string): Promise<string> {
  await writeFile(path, `#!/bin/sh\n${body}\n`);
  await chmod(path, 0o755);
  return path;
}
