import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/parse-config.ts';
import { checkTarget } from '../../src/engine/check-target.ts';
import { checkTargetFindings } from '../../src/engine/check-target-findings.ts';
import { loadSchemaFiles } from '../../src/engine/load-schema-files.ts';
import type { Target } from '../../src/types.ts';

/**
 * `schemas:` paths come from the pull request's .github/ferry.yml, and `ferry validate` runs on a
 * checkout, which holds the pull request's symbolic links.
 */
let repo: string;
let outside: string;

beforeEach(async () => {
  repo = await mkdtemp(join(tmpdir(), 'ferry-test-schemas-'));
  outside = await mkdtemp(join(tmpdir(), 'ferry-test-outside-'));
  await writeFile(
    join(outside, 'widget.json'),
    JSON.stringify({
      type: 'object',
      'x-kubernetes-group-version-kind': [{ group: 'example.com', version: 'v1', kind: 'Widget' }],
      properties: { spec: { enum: ['SECRET-FROM-OUTSIDE'] } },
    }),
  );
});

afterEach(async () => {
  await rm(repo, { recursive: true, force: true });
  await rm(outside, { recursive: true, force: true });
});

describe('loadSchemaFiles', () => {
  it('reads nothing through a linked folder on the way out of the repository, file or folder', async () => {
    await symlink(outside, join(repo, 'vendor'));
    const loaded = await loadSchemaFiles(repo, ['vendor/widget.json', 'vendor/']);
    expect(loaded.files.kinds).toEqual([]);
    expect(JSON.stringify(loaded)).not.toContain('SECRET-FROM-OUTSIDE');
    expect(loaded.findings.map((f) => f.message)).toEqual([
      'schemas: vendor/widget.json leads outside the repository through a symbolic link',
      'schemas: vendor/ leads outside the repository through a symbolic link',
    ]);
  });

  it('refuses /dev/zero through a link and a FIFO in the repository, which never end or never start', async () => {
    await symlink('/dev', join(repo, 'devices'));
    await mkdir(join(repo, 'crds'));
    execFileSync('mkfifo', [join(repo, 'crds/pipe.json')]);
    const loaded = await loadSchemaFiles(repo, ['devices/zero', 'crds/pipe.json']);
    expect(loaded.findings.map((f) => f.message)).toEqual([
      'schemas: devices/zero leads outside the repository through a symbolic link',
      'schemas: crds/pipe.json is not a regular file',
    ]);
  });

  it("reads nothing in a checkout's .git", async () => {
    await mkdir(join(repo, '.git'));
    await writeFile(join(repo, '.git/config'), '[http]\n\textraheader = AUTHORIZATION: basic TOKEN\n');
    const loaded = await loadSchemaFiles(repo, ['.git/config', '.git']);
    expect(loaded.findings.map((f) => f.message)).toEqual([
      'schemas: .git/config is in .git, not in the repository',
      'schemas: .git is in .git, not in the repository',
    ]);
  });

  it('reads at most 32 MiB of schemas in all, parsed in its own process, and says which file went over', async () => {
    await mkdir(join(repo, 'crds'));
    const padded = `{${' '.repeat(4 * 1024 * 1024 - 2)}}`;
    for (let i = 1; i <= 9; i++) await writeFile(join(repo, `crds/${i}.json`), padded);
    const loaded = await loadSchemaFiles(repo, ['crds']);
    expect(loaded.findings.map((f) => f.message)).toEqual([
      "schemas: crds/9.json takes the target's schemas over 32 MiB in all",
    ]);
  });

  it('still reads a schema inside the repository, through a link that stays inside', async () => {
    await mkdir(join(repo, 'crds'));
    await writeFile(
      join(repo, 'crds/widget.json'),
      JSON.stringify({
        type: 'object',
        'x-kubernetes-group-version-kind': [{ group: 'example.com', version: 'v1', kind: 'Widget' }],
      }),
    );
    await symlink('crds', join(repo, 'linked'));
    const loaded = await loadSchemaFiles(repo, ['linked/widget.json']);
    expect(loaded.findings).toEqual([]);
    expect(loaded.files.kinds.map((k) => k.kind)).toEqual(['Widget']);
  });
});

// A target listing a schema file the revision lacks: the error was at that file's line 1, which GitHub
// cannot annotate (the file is not in the PR); the fix is the entry in .github/ferry.yml.
describe("a target's schemas entry that cannot be read", () => {
  const config = [
    'targets:',
    '  - name: app',
    '    path: k8s',
    '    schemas:',
    '      - schemas/widget.json',
    '      - schemas/missing.json',
    '      - vendor/widget.json',
    '      - crds',
    '',
  ].join('\n');

  beforeEach(async () => {
    await mkdir(join(repo, 'k8s'));
    await writeFile(join(repo, 'k8s/cm.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\n');
    await mkdir(join(repo, 'schemas'));
    await writeFile(join(repo, 'schemas/widget.json'), '{"type": "object"}');
    await mkdir(join(repo, 'crds'));
    execFileSync('mkfifo', [join(repo, 'crds/pipe.json')]);
    await symlink(outside, join(repo, 'vendor'));
  });

  it.each([
    ['checkTarget', checkTarget],
    ['checkTargetFindings', checkTargetFindings],
  ])('is an error on its entry in .github/ferry.yml, naming the file (%s)', async (_, check) => {
    const { config: parsed, findings } = parseConfig(config, { file: '.github/ferry.yml' });
    expect(findings).toEqual([]);
    const result = await check({
      root: repo,
      target: parsed.targets[0] as Target,
      kubernetesVersion: '1.34',
    });
    expect(result.findings.filter((f) => f.rule === 'config')).toEqual([
      {
        rule: 'config',
        severity: 'error',
        file: '.github/ferry.yml',
        line: 6,
        message:
          "schemas: schemas/missing.json does not exist in this revision: fix the target's schemas in .github/ferry.yml, or add it",
      },
      {
        rule: 'config',
        severity: 'error',
        file: '.github/ferry.yml',
        line: 7,
        message: 'schemas: vendor/widget.json leads outside the repository through a symbolic link',
      },
      {
        rule: 'config',
        severity: 'error',
        file: '.github/ferry.yml',
        line: 8,
        message: 'schemas: crds/pipe.json is not a regular file',
      },
    ]);
  });
});
