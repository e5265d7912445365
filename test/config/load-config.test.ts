import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/config/default-config.ts';
import { loadConfig } from '../../src/config/load-config.ts';

let root: string;

beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'ferry-config-'));
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function write(file: string, text: string): Promise<void> {
  await mkdir(path.dirname(path.join(root, file)), { recursive: true });
  await writeFile(path.join(root, file), text);
}

describe('loadConfig', () => {
  it.each([
    ['ferry.yml'],
    ['ferry.yaml'],
    ['.ferry.yml'],
    ['.github/Ferry.yml'],
    ['.github/FERRY.YAML'],
    ['.github/.ferry.yml'],
  ])('warns that %s is not read, rather than run the default configuration silently', async (file) => {
    await write(file, 'targets:\n  - name: prod\n    path: k\n');
    // A workflow named ferry.yml is GitHub's, not a misplaced config.
    await write('.github/workflows/ferry.yml', 'on: push\n');
    const loaded = await loadConfig(root, { defaultBranch: 'main' });
    expect(loaded.config).toEqual(defaultConfig('main'));
    expect(loaded.findings).toEqual([
      {
        rule: 'config',
        severity: 'warning',
        file,
        line: 1,
        message:
          'not read: Ferry reads its config from .github/ferry.yml (exactly that name), so this repository runs the default configuration; move or rename this file there',
      },
    ]);
  });

  it('gives the default config when the repository has none', async () => {
    expect(await loadConfig(root, { defaultBranch: 'trunk' })).toEqual({
      config: defaultConfig('trunk'),
      findings: [],
    });
  });

  it('reads .github/ferry.yml', async () => {
    await write('.github/ferry.yml', 'targets:\n  - name: prod\n    path: deploy\n');
    const loaded = await loadConfig(root);
    expect(loaded.file).toBe('.github/ferry.yml');
    expect(loaded.findings).toEqual([]);
    expect(loaded.config.targets.map((t) => [t.name, t.path, t.branch])).toEqual([
      ['prod', 'deploy', 'main'],
    ]);
  });

  it('reads .github/ferry.yaml and names it in findings', async () => {
    await write('.github/ferry.yaml', 'targets:\n  - name: prod\n    prun: true\n');
    const loaded = await loadConfig(root);
    expect(loaded.file).toBe('.github/ferry.yaml');
    expect(loaded.findings).toMatchObject([{ file: '.github/ferry.yaml', line: 3 }]);
  });

  it('prefers ferry.yml over ferry.yaml and warns about the ignored one', async () => {
    await write('.github/ferry.yml', 'targets:\n  - name: yml\n');
    await write('.github/ferry.yaml', 'targets:\n  - name: yaml\n');
    const loaded = await loadConfig(root);
    expect(loaded.config.targets[0]?.name).toBe('yml');
    expect(loaded.findings).toEqual([
      {
        rule: 'config',
        severity: 'warning',
        file: '.github/ferry.yaml',
        line: 1,
        message:
          'ignored: .github/ferry.yml is used when both .github/ferry.yml and .github/ferry.yaml exist',
      },
    ]);
  });

  it('reads a config saved as UTF-16 (with its byte-order mark) or with a UTF-8 one, as manifests', async () => {
    const text = 'targets:\n  - name: prod\n    path: deploy\n';
    for (const bytes of [
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]),
      Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]),
    ]) {
      await mkdir(path.join(root, '.github'), { recursive: true });
      await writeFile(path.join(root, '.github/ferry.yml'), bytes);
      const loaded = await loadConfig(root);
      // It said: expected a mapping (key: value), got the string "��t\u0000a\u0000r\u0000g…".
      expect(loaded.findings).toEqual([]);
      expect(loaded.config.targets.map((t) => t.name)).toEqual(['prod']);
    }
  });

  it('says at which line a config is not UTF-8, and what to do', async () => {
    await mkdir(path.join(root, '.github'), { recursive: true });
    await writeFile(
      path.join(root, '.github/ferry.yml'),
      Buffer.from('targets:\n  - name: caf\xe9\n', 'latin1'),
    );
    expect((await loadConfig(root)).findings).toEqual([
      {
        rule: 'config',
        severity: 'error',
        file: '.github/ferry.yml',
        line: 2,
        message: 'line 2 is not UTF-8 (byte 0xE9); Ferry refuses the file: save it as UTF-8',
      },
    ]);
  });

  it('refuses a config that is a symbolic link', async () => {
    await write('outside.yml', 'targets:\n  - name: sneaky\n');
    await mkdir(path.join(root, '.github'));
    await symlink(path.join(root, 'outside.yml'), path.join(root, '.github/ferry.yml'));
    const loaded = await loadConfig(root);
    expect(loaded.config).toEqual(defaultConfig());
    expect(loaded.findings).toEqual([
      {
        rule: 'config',
        severity: 'error',
        file: '.github/ferry.yml',
        line: 1,
        message: 'the config must be a regular file, not a symbolic link',
      },
    ]);
  });

  it('refuses a .github directory that is a symbolic link', async () => {
    await write('elsewhere/ferry.yml', 'targets:\n  - name: sneaky\n');
    await symlink(path.join(root, 'elsewhere'), path.join(root, '.github'));
    const loaded = await loadConfig(root);
    expect(loaded.config).toEqual(defaultConfig());
    expect(loaded.findings[0]?.message).toBe('.github must be a directory, not a symbolic link');
  });

  it('refuses a config over 256 KiB', async () => {
    await write('.github/ferry.yml', `# ${'x'.repeat(300 * 1024)}\n`);
    const loaded = await loadConfig(root);
    expect(loaded.findings).toMatchObject([
      { severity: 'error', message: expect.stringMatching(/over the 256 KiB/) },
    ]);
  });

  it('refuses a config that is a directory', async () => {
    await mkdir(path.join(root, '.github/ferry.yml'), { recursive: true });
    const loaded = await loadConfig(root);
    expect(loaded.findings[0]?.message).toBe('the config must be a regular file');
  });
});
