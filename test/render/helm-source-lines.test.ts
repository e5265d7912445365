import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readTemplateFile } from '../../src/render/read-template-file.ts';
import { renderTarget } from '../../src/render/render-target.ts';
import { target } from './helpers.ts';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'ferry-test-helm-source-'));
});
afterEach(() => rm(root, { recursive: true, force: true }));

/** A chart `c` whose template prints a `# Source:` line of its own choosing above a ConfigMap. */
async function chartPrinting(source: string): Promise<void> {
  await mkdir(join(root, 'c', 'templates'), { recursive: true });
  await writeFile(join(root, 'c', 'Chart.yaml'), 'apiVersion: v2\nname: c\nversion: 0.1.0\n');
  await writeFile(
    join(root, 'c', 'templates', 'cm.yaml'),
    `---\n# Source: ${source}\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n`,
  );
}

describe('helm # Source: lines are untrusted', () => {
  it.each([
    ['a device', 'c/../../../../../../../../dev/zero'],
    ['a directory', 'c/../c'],
    ['a FIFO', 'c/../pipe'],
  ])('never reads %s named by a template, and still renders', async (_what, source) => {
    await chartPrinting(source);
    execFileSync('mkfifo', [join(root, 'pipe')]);
    const result = await renderTarget({ root, target: target({ path: 'c' }) });
    expect(result.findings).toEqual([]);
    expect(result.failed).toBe(false);
    // helm's own `# Source:` line comes first in the document: the resource points at the template.
    expect(result.resources.map((r) => `${r.id.kind} ${r.id.name} ${r.file}:${r.line}`)).toEqual([
      'ConfigMap a c/templates/cm.yaml:4',
    ]);
  });

  it('reads a regular template file inside the chart, and nothing else', async () => {
    await chartPrinting('c/templates/cm.yaml');
    await writeFile(join(root, 'outside.yaml'), 'kind: ConfigMap\n');
    await symlink('/dev/zero', join(root, 'c', 'templates', 'link.yaml'));
    execFileSync('mkfifo', [join(root, 'c', 'templates', 'pipe.yaml')]);
    for (const file of [
      'c/../outside.yaml',
      'outside.yaml',
      '/etc/hostname',
      'c/templates',
      'c/templates/link.yaml',
      'c/templates/pipe.yaml',
      'c/templates/missing.yaml',
      'c/./templates/cm.yaml',
    ]) {
      expect(await readTemplateFile({ root, chartDir: 'c', file, maxBytes: 1024 }), file).toBe(undefined);
    }
    const text = await readTemplateFile({ root, chartDir: 'c', file: 'c/templates/cm.yaml', maxBytes: 1024 });
    expect(text).toContain('kind: ConfigMap');
    expect(await readTemplateFile({ root, chartDir: 'c', file: 'c/templates/cm.yaml', maxBytes: 10 })).toBe(
      undefined,
    );
  });
});
